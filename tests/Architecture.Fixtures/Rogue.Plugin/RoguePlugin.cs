using Microsoft.Extensions.DependencyInjection;
using Semver;
using Tandem.Modules.Shared.Modules;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Rogue;

/// <summary>Allowed: depends on Plugins.Abstractions, Microsoft.Extensions abstractions and the BCL only.</summary>
public sealed class RoguePlugin : ITandemPlugin
{
    public void ConfigureServices(IServiceCollection services, IPluginContext context) =>
        services.AddSingleton(new RogueSettings(context.PluginId));
}

internal sealed record RogueSettings(string PluginId);

/// <summary>Allowed: a private package (Semver) that ships in the plugin's own folder.</summary>
internal static class PrivatePackageUser
{
    public static bool IsVersionOne(string version) => SemVersion.Parse(version, SemVersionStyles.Any).Major == 1;
}

/// <summary>VIOLATION: a plugin reaching into Tandem.Modules.Shared.</summary>
internal static class SharedKernelBackdoor
{
    public static string NewId() => Ids.New();
}
