using Microsoft.EntityFrameworkCore;
using Tandem.Host.Composition;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>
/// The start-up shortcut that skips EF Core's migrations when a database already has every migration of this build:
/// it must never say "up to date" for a fresh store or a database that misses a migration (an upgrade), on either provider.
/// </summary>
public sealed class AppliedMigrationsTests
{
    private static DatabaseProvider Of(Provider provider) => provider == Provider.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;

    private static async Task<bool> CompleteAsync(TestHost host, Provider provider, ModuleDatabase database)
    {
        await using var scope = host.Scope();
        return await AppliedMigrations.AreCompleteAsync(scope.ServiceProvider, database.ContextType, Of(provider), CancellationToken.None);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_fresh_store_is_not_up_to_date_and_asking_creates_nothing(Provider provider)
    {
        await using var host = TestHost.Create(provider);
        foreach (var database in host.Services.GetServices<ModuleDatabase>())
            Assert.False(await CompleteAsync(host, provider, database), $"{database.Module} on an empty store");
        if (host.DataDirectory is { } directory)
            Assert.False(Directory.Exists(directory) && Directory.EnumerateFiles(directory, "*.db").Any(), "the check created a database file");
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_migrated_store_is_up_to_date_until_one_module_misses_its_latest_migration(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var databases = host.Services.GetServices<ModuleDatabase>().ToList();
        foreach (var database in databases)
            Assert.True(await CompleteAsync(host, provider, database), $"{database.Module} after migrating");

        // What an upgrade looks like: the database has older migrations, this build carries a newer one it has not applied.
        var leads = host.Database("Leads");
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            var history = provider == Provider.Postgres ? "\"leads\".\"__EFMigrationsHistory\"" : "\"__EFMigrationsHistory\"";
            var sql = "UPDATE " + history + " SET \"MigrationId\" = '20000101000000_Older' WHERE \"MigrationId\" = (SELECT max(\"MigrationId\") FROM " + history + ")";
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(sql));
        }
        Assert.False(await CompleteAsync(host, provider, leads), "Leads misses its latest migration");
        foreach (var database in databases.Where(d => d != leads))
            Assert.True(await CompleteAsync(host, provider, database), $"{database.Module} is untouched");
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_migrations_it_expects_are_exactly_those_EF_Core_applies(Provider provider)
    {
        await using var host = TestHost.Create(provider);
        foreach (var database in host.Services.GetServices<ModuleDatabase>())
        {
            await using var scope = host.Scope();
            var target = AppliedMigrations.Target(scope.ServiceProvider, database.ContextType);
            Assert.NotNull(target);
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            Assert.Equal(context.GetType(), target.Value.ProviderContext);
            var efCore = context.Database.GetMigrations().ToList();
            Assert.NotEmpty(efCore);
            Assert.Equal(efCore, AppliedMigrations.MigrationIds(target.Value.Options, target.Value.ProviderContext));
        }
    }
}
