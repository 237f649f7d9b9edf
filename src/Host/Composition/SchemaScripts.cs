using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Tandem.Host.Composition;

/// <summary>
/// A fresh SQLite database is created from a SQL script generated from the migrations, instead of by EF Core's migrator.
/// The migrator builds the context's model, its migrations' target models and the history repository before it runs a
/// single statement — on a first start, six times — and that was most of what a first start costs beyond a restart
/// (docs/performance.md, section 2). The script is exactly what EF Core generates for "every migration, from nothing"
/// (<c>IMigrator.GenerateScript()</c>), history rows included, so the database it makes is the database the migrator
/// makes, and every later upgrade runs through EF Core's migrations as before.
/// <para>
/// The scripts are embedded in the host (<c>src/Host/Schema/&lt;provider context&gt;.sql</c>). A test regenerates each
/// one and fails when the file differs (<c>TANDEM_UPDATE_SCHEMA_SCRIPTS=1</c> rewrites them); at run time a script is
/// used only when its history rows name exactly the migrations this build carries, otherwise the migrator runs, so a
/// stale script can make a start slower, never different.
/// </para>
/// </summary>
internal static partial class SchemaScripts
{
    private const string Prefix = "Tandem.Host.Schema.";

    /// <summary>The embedded script of a provider context (e.g. <c>SqliteLeadsDbContext</c>), or null.</summary>
    public static string? Find(Type providerContext)
    {
        using var stream = typeof(SchemaScripts).Assembly.GetManifestResourceStream(Prefix + providerContext.Name + ".sql");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The migration ids a script records in the history table, in order.</summary>
    public static IReadOnlyList<string> MigrationIds(string script) =>
        HistoryInsert().Matches(script).Select(m => m.Groups["id"].Value).ToList();

    /// <summary>
    /// Creates the SQLite database of <paramref name="contextType"/> from its script when the file does not exist yet and
    /// the script matches this build's migrations. Returns the number of migrations applied, or null when it did nothing
    /// (another provider, an existing file, no script, a stale script): the caller then runs EF Core's migrations.
    /// </summary>
    public static async Task<int?> TryCreateSqliteAsync(IServiceProvider scope, Type contextType, CancellationToken cancellationToken)
    {
        if (AppliedMigrations.Target(scope, contextType) is not var (options, providerContext)) return null;
        var relational = RelationalOptionsExtension.Extract(options);
        if (relational.ConnectionString is not { } connectionString || !options.Extensions.Any(e => e.GetType().Name.StartsWith("Sqlite", StringComparison.Ordinal)))
            return null;
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var path = Path.GetFullPath(builder.DataSource);
        if (File.Exists(path) || Find(providerContext) is not { } script) return null;
        var ids = MigrationIds(script);
        if (!ids.SequenceEqual(AppliedMigrations.MigrationIds(options, providerContext), StringComparer.Ordinal)) return null;

        if (Path.GetDirectoryName(path) is { } directory) Directory.CreateDirectory(directory);
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = false;
        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            // As the migration path does: WAL is persistent in the file; readers never block the writer.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var create = connection.CreateCommand())
        {
            // One transaction per migration, as EF Core writes the script: a crash in between leaves a database whose
            // history says which migrations it has, and the next start upgrades it with the migrator.
            create.CommandText = script;
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        return ids.Count;
    }

    [GeneratedRegex("""INSERT INTO "__EFMigrationsHistory" \("MigrationId", "ProductVersion"\)\s*VALUES \('(?<id>[^']+)'""")]
    private static partial Regex HistoryInsert();
}
