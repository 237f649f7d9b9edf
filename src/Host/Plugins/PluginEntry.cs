using System.Reflection;
using McMaster.NETCore.Plugins;
using Tandem.Plugins.Abstractions;

namespace Tandem.Host.Plugins;

/// <summary>What the host decided about one plugin folder at start-up.</summary>
internal enum PluginStatus
{
    /// <summary>Loaded; its lead sources, channels and webhooks are in use.</summary>
    Active,

    /// <summary>Switched off by <c>Tandem:Plugins:&lt;id&gt;:Enabled=false</c>; not loaded.</summary>
    Disabled,

    /// <summary>Built for another version of Plugins.Abstractions; not loaded.</summary>
    Incompatible,

    /// <summary>Its manifest, assembly or services are broken; the reason says how.</summary>
    Failed,

    /// <summary>Loaded, but a required setting (a secret, a provider address) is missing or wrong; the reason names
    /// the keys under <c>Tandem:Plugins:&lt;id&gt;</c>. Not in use until configured and restarted.</summary>
    Unconfigured,
}

/// <summary>One plugin as the catalog sees it. Only an <see cref="PluginStatus.Active"/> plugin has services.</summary>
internal sealed class PluginEntry
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Version { get; init; }
    public required PluginStatus Status { get; init; }

    /// <summary>Why the plugin is not active, in words an administrator can act on; null when active.</summary>
    public string? Reason { get; init; }

    /// <summary>The folder the plugin was found in.</summary>
    public required string Directory { get; init; }

    /// <summary>What the plugin offers: <c>leadSource</c>, <c>channel:&lt;name&gt;</c>, <c>webhook:&lt;name&gt;</c>.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    public IReadOnlyList<string> LeadSources { get; init; } = [];
    public IReadOnlyList<string> Channels { get; init; } = [];
    public IReadOnlyList<string> Webhooks { get; init; } = [];
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>The polling sources (<see cref="IPollingLeadSource"/>, <see cref="IChannelEventSource"/>) by name, with
    /// their interval (<see cref="PluginOptions.MinimumPollInterval"/> at least).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Polling { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>The plugin's own service provider (null unless active). Resolve its services in a scope per call,
    /// through <see cref="PluginInvoker"/>.</summary>
    internal ServiceProvider? Services { get; init; }

    /// <summary>The plugin's entry assembly, loaded in the plugin's own load context (null unless loaded).</summary>
    internal Assembly? Assembly { get; init; }

    internal PluginLoader? Loader { get; init; }

    public bool IsActive => Status == PluginStatus.Active;

    public bool HasWebhook(string name) => Webhooks.Contains(name, StringComparer.Ordinal);

    public bool HasEndpoint(string name) => Endpoints.Contains(name, StringComparer.Ordinal);

    public bool HasChannel(string channel) => Channels.Contains(channel, StringComparer.Ordinal);

    /// <summary>A scope of the plugin's own container, for one call.</summary>
    public AsyncServiceScope CreateScope() =>
        (Services ?? throw new InvalidOperationException($"Plugin '{Id}' is {Status}, it has no services.")).CreateAsyncScope();

    public static IWebhookHandler FindWebhook(IServiceProvider scope, string name) =>
        scope.GetServices<IWebhookHandler>().First(h => h.Name == name);

    public static IApiEndpointHandler FindEndpoint(IServiceProvider scope, string name) =>
        scope.GetServices<IApiEndpointHandler>().First(h => h.Name == name);

    public static IOutboundChannel FindChannel(IServiceProvider scope, string channel) =>
        scope.GetServices<IOutboundChannel>().First(c => c.Channel == channel);
}
