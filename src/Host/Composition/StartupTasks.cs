using Mediator;
using Tandem.Host.Access;
using Tandem.Host.Plugins;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Host.Composition;

/// <summary>What runs before the host reports ready: migrations, the bootstrap key, plugin loading.</summary>
internal sealed class StartupTasks(
    IServiceProvider services, IConfiguration configuration, ModuleCatalog modules, IEnumerable<ModuleDatabase> databases, Readiness readiness,
    ILogger<StartupTasks> logger)
{
    /// <summary>
    /// Applies every enabled module's migrations (and the platform's). A disabled module gets no tables. A database that
    /// already has every migration is recognised with one query, without EF Core (the usual restart).
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var provider = DatabaseOptions.From(configuration).Provider;
        foreach (var database in databases.Where(d => d.Module == Platform.PlatformDbContext.ModuleName || modules.IsEnabled(d.Module)))
        {
            await using var scope = services.CreateAsyncScope();
            if (await AppliedMigrations.AreCompleteAsync(scope.ServiceProvider, database.ContextType, provider, cancellationToken))
            {
                logger.LogInformation("Database of {Module} is up to date", database.Module);
                continue;
            }
            var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            await db.MigrateModuleAsync(cancellationToken);
            logger.LogInformation("Database of {Module} migrated", database.Module);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        await using (var scope = services.CreateAsyncScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            if (await keys.BootstrapAsync(Environment.GetEnvironmentVariable("TANDEM_BOOTSTRAP_API_KEY"), cancellationToken))
                logger.LogInformation("TANDEM_BOOTSTRAP_API_KEY was stored (hashed) as the first admin key");
        }
        await LoadPluginsAsync(cancellationToken);
        readiness.MarkReady();
    }

    /// <summary>Loads the plugins (a broken one is recorded, never fatal) and tells Outreach which channels exist.</summary>
    private async Task LoadPluginsAsync(CancellationToken cancellationToken)
    {
        var catalog = services.LoadTandemPlugins(); // logs each plugin's status itself
        if (!modules.IsEnabled("Outreach")) return;
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(new ChannelsChanged(catalog.Channels), cancellationToken);
    }
}
