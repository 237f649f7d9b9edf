using Mediator;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
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
    /// Applies every enabled module's migrations (and the platform's) and says, per database, whether it was created,
    /// upgraded or already up to date. A disabled module gets no tables. A database that already has every migration is
    /// recognised with one query, without EF Core (the usual restart).
    /// </summary>
    public async Task<IReadOnlyList<MigrationOutcome>> MigrateAsync(CancellationToken cancellationToken)
    {
        var provider = DatabaseOptions.From(configuration).Provider;
        // A fresh SQLite database is created from the migrations' generated script, without EF Core (SchemaScripts).
        var scripts = configuration.GetValue("Tandem:Database:SchemaScripts", true);
        var outcomes = new List<MigrationOutcome>();
        foreach (var database in databases.Where(d => d.Module == Platform.PlatformDbContext.ModuleName || modules.IsEnabled(d.Module)))
        {
            await using var scope = services.CreateAsyncScope();
            if (await AppliedMigrations.AreCompleteAsync(scope.ServiceProvider, database.ContextType, provider, cancellationToken))
            {
                var upToDate = new MigrationOutcome(database.Module, MigrationKind.UpToDate, 0);
                logger.LogInformation("Database of {Module}: {Outcome}", database.Module, upToDate.Describe());
                outcomes.Add(upToDate);
                continue;
            }
            if (scripts && await SchemaScripts.TryCreateSqliteAsync(scope.ServiceProvider, database.ContextType, cancellationToken) is { } created)
            {
                var fromScript = new MigrationOutcome(database.Module, MigrationKind.Created, created);
                logger.LogInformation("Database of {Module}: {Outcome}", database.Module, fromScript.Describe());
                outcomes.Add(fromScript);
                continue;
            }
            var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var outcome = await InspectAsync(database.Module, db, cancellationToken);
            await db.MigrateModuleAsync(cancellationToken);
            logger.LogInformation("Database of {Module}: {Outcome}", database.Module, outcome.Describe());
            outcomes.Add(outcome);
        }
        // The web app's users and roles live in their own database (src/Web/Identity). Up to date is recognised the same
        // way, without EF Core: building Identity's model and running its migrator cost a restart about a third of its
        // CPU (docs/performance.md, section 3). The roles are created with the database (and again before any user is
        // added), so a database with every migration has them.
        int applied;
        var usersCreated = false;
        await using (var scope = services.CreateAsyncScope())
        {
            // From the script, the roles are not created with the database: they are created before the first user is
            // added (UserAdministration.CreateAsync), which is the first time anything needs them.
            var usersType = typeof(Tandem.Web.Identity.UsersDbContext);
            if (await AppliedMigrations.AreCompleteAsync(scope.ServiceProvider, usersType, provider, cancellationToken))
                applied = 0;
            else if (scripts && await SchemaScripts.TryCreateSqliteAsync(scope.ServiceProvider, usersType, cancellationToken) is { } created)
            {
                applied = created;
                usersCreated = true;
            }
            else
                applied = await Tandem.Web.TandemWeb.MigrateAsync(services, cancellationToken);
        }
        var users = new MigrationOutcome(Tandem.Web.Identity.UsersDbContext.Name,
            usersCreated ? MigrationKind.Created : applied > 0 ? MigrationKind.Upgraded : MigrationKind.UpToDate, applied);
        logger.LogInformation("Database of {Module}: {Outcome}", users.Module, users.Describe());
        outcomes.Add(users);
        return outcomes;
    }

    /// <summary>What migrating will do, read before it runs: no database yet (created), some migrations missing (upgraded), none.</summary>
    private static async Task<MigrationOutcome> InspectAsync(string module, ModuleDbContext db, CancellationToken cancellationToken)
    {
        var all = db.Database.GetMigrations().ToList();
        var history = db.GetService<IHistoryRepository>();
        if (db.Database.IsSqlite())
        {
            // Opening a missing file would create it (or fail when its folder is missing too).
            if (!File.Exists(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource)
                || !await history.ExistsAsync(cancellationToken))
                return new MigrationOutcome(module, MigrationKind.Created, all.Count);
        }
        else
        {
            // Npgsql answers "exists?" by reading the table and logs an error when it is missing (npgsql/efcore.pg#3407):
            // create it first, as the migration does next anyway; no migration applied then means a new database.
            await history.CreateIfNotExistsAsync(cancellationToken);
        }
        var applied = (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(m => m.MigrationId).ToHashSet(StringComparer.Ordinal);
        if (applied.Count == 0) return new MigrationOutcome(module, MigrationKind.Created, all.Count);
        var pending = all.Count(m => !applied.Contains(m));
        return new MigrationOutcome(module, pending == 0 ? MigrationKind.UpToDate : MigrationKind.Upgraded, pending);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // A bad bootstrap key stops the start before anything is created.
        var bootstrapKey = Environment.GetEnvironmentVariable("TANDEM_BOOTSTRAP_API_KEY");
        ApiKeyService.CheckBootstrapKey(bootstrapKey);
        await MigrateAsync(cancellationToken);
        await using (var scope = services.CreateAsyncScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            switch (await keys.BootstrapAsync(bootstrapKey, cancellationToken))
            {
                case BootstrapOutcome.Stored:
                    logger.LogInformation("TANDEM_BOOTSTRAP_API_KEY was stored (hashed) as the first admin key, named 'bootstrap'");
                    break;
                case BootstrapOutcome.AlreadyStored:
                    logger.LogInformation("TANDEM_BOOTSTRAP_API_KEY is already an API key; nothing to do");
                    break;
                case BootstrapOutcome.IgnoredKeysExist:
                    logger.LogWarning("TANDEM_BOOTSTRAP_API_KEY is ignored: API keys exist already, and it only creates the first one on a fresh install. " +
                        "Create keys with 'tandem apikey create --name N --role R' and unset the variable");
                    break;
                case BootstrapOutcome.IgnoredRevoked:
                    logger.LogWarning("TANDEM_BOOTSTRAP_API_KEY is ignored: that key was revoked and stays revoked; unset the variable");
                    break;
            }
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

internal enum MigrationKind { Created, Upgraded, UpToDate }

/// <summary>What <c>migrate</c> did to one module's database.</summary>
internal sealed record MigrationOutcome(string Module, MigrationKind Kind, int Applied)
{
    public string Describe() => Kind switch
    {
        MigrationKind.Created => $"created ({Applied} migration{(Applied == 1 ? "" : "s")} applied)",
        MigrationKind.Upgraded => $"upgraded ({Applied} migration{(Applied == 1 ? "" : "s")} applied)",
        _ => "up to date",
    };
}
