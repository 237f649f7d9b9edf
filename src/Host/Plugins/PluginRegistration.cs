using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tandem.Host.Plugins;

/// <summary>Registers the plugin catalog and the guard for calls into plugins.</summary>
internal static class PluginRegistration
{
    /// <summary>Registers <see cref="PluginCatalog"/>, <see cref="PluginInvoker"/>, <see cref="PluginChannels"/> and
    /// their settings. Plugins are not loaded here: call <see cref="PluginCatalog.LoadAll"/> once the host's
    /// services are built (plugins get the host's <c>ILeadSink</c> from them).</summary>
    public static IServiceCollection AddTandemPlugins(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(PluginOptions.From(configuration));
        services.AddSingleton(sp => new PluginCatalog(
            sp.GetRequiredService<PluginOptions>(),
            configuration,
            sp,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PluginInvoker>();
        services.AddSingleton<PluginChannels>();
        services.AddSingleton<PluginPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<PluginPoller>());
        return services;
    }

    /// <summary>Loads every plugin (once) and returns the catalog. Call at start-up, before reporting ready.</summary>
    public static PluginCatalog LoadTandemPlugins(this IServiceProvider services)
    {
        var catalog = services.GetRequiredService<PluginCatalog>();
        catalog.LoadAll();
        return catalog;
    }
}
