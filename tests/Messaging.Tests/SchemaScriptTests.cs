using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Tandem.Host.Composition;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>
/// A fresh SQLite database is created from a script generated from the migrations (src/Host/Composition/SchemaScripts.cs):
/// the embedded scripts must be what EF Core generates today, and the databases they make must be the ones the
/// migrator makes.
/// </summary>
public sealed class SchemaScriptTests
{
    private const string UpdateVariable = "TANDEM_UPDATE_SCHEMA_SCRIPTS";

    /// <summary>Every SQLite design-time factory of the host's databases (four modules, the platform, the web app's users).</summary>
    private static List<DbContext> SqliteContexts()
    {
        var assemblies = new[]
        {
            typeof(TandemApp).Assembly, typeof(Tandem.Web.Identity.UsersDbContext).Assembly,
            typeof(Tandem.Modules.Leads.LeadsModule).Assembly, typeof(Tandem.Modules.Content.ContentModule).Assembly,
            typeof(Tandem.Modules.Prospects.ProspectsModule).Assembly, typeof(Tandem.Modules.Outreach.OutreachModule).Assembly,
        };
        return assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false }
                && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDesignTimeDbContextFactory<>)))
            .Select(t => (DbContext)t.GetMethod(nameof(IDesignTimeDbContextFactory<DbContext>.CreateDbContext))!
                .Invoke(Activator.CreateInstance(t, nonPublic: true), [Array.Empty<string>()])!)
            .Where(c => c.Database.IsSqlite())
            .OrderBy(c => c.GetType().Name, StringComparer.Ordinal)
            .ToList();
    }

    private static string SchemaFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return Path.Combine(dir.FullName, "src", "Host", "Schema");
        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Each_embedded_script_is_what_the_migrations_generate_today()
    {
        var contexts = SqliteContexts();
        Assert.Equal(6, contexts.Count);
        var stale = new List<string>();
        foreach (var db in contexts)
        {
            using (db)
            {
                var generated = db.GetService<IMigrator>().GenerateScript().ReplaceLineEndings("\n");
                var name = db.GetType().Name;
                Assert.Equal(db.Database.GetMigrations().ToList(), SchemaScripts.MigrationIds(generated));
                if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
                {
                    Directory.CreateDirectory(SchemaFolder());
                    File.WriteAllText(Path.Combine(SchemaFolder(), name + ".sql"), generated);
                    continue;
                }
                if (SchemaScripts.Find(db.GetType())?.ReplaceLineEndings("\n") != generated) stale.Add(name);
            }
        }
        Assert.True(stale.Count == 0,
            $"The schema scripts of {string.Join(", ", stale)} differ from the migrations (a migration was added or changed). " +
            $"Regenerate them: {UpdateVariable}=1 dotnet test tests/Messaging.Tests --filter FullyQualifiedName~SchemaScriptTests, then rebuild.");
    }

    [Fact]
    public async Task A_database_made_from_its_script_is_the_database_the_migrator_makes()
    {
        await using var fromScripts = TestHost.Create(Provider.Sqlite);
        await using var fromMigrator = await TestHost.StartAsync(Provider.Sqlite, "--Tandem:Database:SchemaScripts=false");
        var contexts = fromScripts.Services.GetServices<ModuleDatabase>().Select(d => d.ContextType).Append(typeof(Tandem.Web.Identity.UsersDbContext)).ToList();
        Assert.Equal(6, contexts.Count);
        foreach (var contextType in contexts)
        {
            await using var scope = fromScripts.Scope();
            Assert.True(await SchemaScripts.TryCreateSqliteAsync(scope.ServiceProvider, contextType, CancellationToken.None) > 0,
                $"{contextType.Name} was not created from its script");
            // A second call finds the file and leaves it alone.
            Assert.Null(await SchemaScripts.TryCreateSqliteAsync(scope.ServiceProvider, contextType, CancellationToken.None));
        }
        var files = Directory.GetFiles(fromMigrator.DataDirectory!, "*.db").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(6, files.Count);
        Assert.Equal(files, Directory.GetFiles(fromScripts.DataDirectory!, "*.db").Select(Path.GetFileName).Order().ToList());
        foreach (var file in files)
        {
            var expected = await SchemaOfAsync(Path.Combine(fromMigrator.DataDirectory!, file!));
            var actual = await SchemaOfAsync(Path.Combine(fromScripts.DataDirectory!, file!));
            Assert.True(expected.Count > 2, $"{file}: the migrator made no tables");
            if (file == "identity.db")
            {
                // The one difference, on purpose: the migrator's path also creates the four roles; from the script they are
                // created before the first user is added (below), the first moment anything reads them.
                Assert.Contains("rows AspNetRoles 4", expected);
                Assert.Contains("rows AspNetRoles 0", actual);
                actual[actual.IndexOf("rows AspNetRoles 0")] = "rows AspNetRoles 4";
            }
            Assert.Equal(expected, actual);
        }
        await using (var scope = fromScripts.Scope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<Tandem.Web.Identity.UserAdministration>()
                .CreateAsync("first.admin@example.com", "admin", "a long enough passphrase 42");
            Assert.Empty(created.Errors);
        }
        Assert.Contains("rows AspNetRoles 4", await SchemaOfAsync(Path.Combine(fromScripts.DataDirectory!, "identity.db")));
        // And the host treats it as up to date from then on: no migration runs on the next start.
        var outcomes = await fromScripts.Services.GetRequiredService<StartupTasks>().MigrateAsync(CancellationToken.None);
        Assert.All(outcomes, o => Assert.Equal(MigrationKind.UpToDate, o.Kind));
    }

    /// <summary>
    /// Every table, index and trigger with its SQL, the journal mode, the history rows and each table's row count (seeded
    /// rows). Not EF Core's <c>__EFMigrationsLock</c>: the migrator makes it for itself while it runs, and makes it again
    /// whenever it runs on a database made from a script.
    /// </summary>
    private static async Task<List<string>> SchemaOfAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var rows = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> '__EFMigrationsLock' ORDER BY type, name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add($"{reader.GetString(0)} {reader.GetString(1)} on {reader.GetString(2)}: {reader.GetString(3)}");
        }
        // Rows the migrations seed (the built-in sequence, the MQL definition…): the same count in every table.
        foreach (var table in rows.Where(r => r.StartsWith("table ", StringComparison.Ordinal)).Select(r => r.Split(' ')[1]).ToList())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM \"{table}\"";
            rows.Add($"rows {table} {await command.ExecuteScalarAsync()}");
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode";
            rows.Add("journal_mode " + await command.ExecuteScalarAsync());
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT \"MigrationId\" || ' ' || \"ProductVersion\" FROM \"__EFMigrationsHistory\" ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add("history " + reader.GetString(0));
        }
        return rows;
    }
}
