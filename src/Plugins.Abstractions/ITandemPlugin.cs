using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Plugins.Abstractions;

/// <summary>
/// The entry point of a plugin. The host finds the class implementing this interface in the plugin's entry assembly
/// (named by <c>entryAssembly</c> in <c>plugin.json</c>), creates it with its public parameterless constructor and
/// calls <see cref="ConfigureServices"/> once, at start-up.
/// </summary>
/// <remarks>
/// Register what the plugin offers: <see cref="ILeadSource"/>, <see cref="IOutboundChannel"/> and
/// <see cref="IWebhookHandler"/> implementations, and the plugin's own services. The plugin gets its own service
/// provider; the host adds to it <see cref="IPluginContext"/>, the plugin's <c>IConfiguration</c> section,
/// <c>ILoggerFactory</c> and <c>ILogger&lt;T&gt;</c>, <see cref="TimeProvider"/>, <see cref="ILeadSink"/> and,
/// when the host has it, <c>IHttpClientFactory</c>.
/// </remarks>
public interface ITandemPlugin
{
    /// <summary>Registers the plugin's services. Must not block, call the network or throw for a missing optional
    /// setting: an exception here marks the plugin <c>Failed</c> (the host keeps running without it).</summary>
    /// <param name="services">The plugin's own service collection.</param>
    /// <param name="context">Who the plugin is for the host: its id, its configuration, its data directory.</param>
    void ConfigureServices(IServiceCollection services, IPluginContext context);
}

/// <summary>What the host tells a plugin about itself when it is loaded.</summary>
public interface IPluginContext
{
    /// <summary>The plugin's id, as declared by <c>id</c> in its <c>plugin.json</c> (lower case, URL-safe). Webhooks
    /// are mounted under <c>/hooks/{PluginId}/</c>.</summary>
    string PluginId { get; }

    /// <summary>The plugin's own configuration section, <c>Tandem:Plugins:{PluginId}</c> (for example
    /// <c>Configuration["Secret"]</c> reads <c>Tandem:Plugins:{PluginId}:Secret</c>).</summary>
    IConfiguration Configuration { get; }

    /// <summary>An absolute path to a directory that belongs to this plugin alone, for files it keeps between runs.
    /// The host creates it before <see cref="ITandemPlugin.ConfigureServices"/> is called.</summary>
    string DataDirectory { get; }

    /// <summary>The public address providers call (<c>Tandem:PublicBaseUrl</c>, for example
    /// <c>https://crm.example.com</c>), to build callback URLs such as <c>{PublicBaseUrl}/hooks/{PluginId}/status</c>;
    /// null when not configured. Since 1.1 (a host built on 1.0 answers null).</summary>
    Uri? PublicBaseUrl => null;
}
