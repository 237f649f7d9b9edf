namespace Tandem.Web.Platform;

/// <summary>A module as the admin page shows it.</summary>
public sealed record ModuleStatus(string Name, bool Enabled, IReadOnlyList<string> Requires);

/// <summary>A plugin as the admin page shows it: its status (Active, Disabled, Incompatible, Failed, Unconfigured) and why.</summary>
public sealed record PluginSummary(string Id, string? Version, string Status, string? Reason);

/// <summary>What the host knows about its modules and plugins; the host implements it (the UI never reads the host's internals).</summary>
public interface IPlatformStatus
{
    IReadOnlyList<ModuleStatus> Modules();
    IReadOnlyList<PluginSummary> Plugins();
}
