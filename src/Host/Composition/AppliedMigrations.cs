using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Host.Composition;

/// <summary>
/// Whether a module database already has every migration this build carries, found with one plain ADO.NET query of
/// its history table: no DbContext is created, so a restart on an up-to-date database does not pay EF Core's first use
/// (internal services, the migrator, the history model: a third of the start-up, docs/performance.md). Anything other
/// than a clear "all applied" (no file yet, no history table, a missing id, options not found) answers false, and the
/// caller runs EF Core's own migrations as before, so cold starts and upgrades are unchanged.
/// </summary>
internal static class AppliedMigrations
{
    private const string DefaultHistoryTable = "__EFMigrationsHistory";

    /// <summary>True when every migration of <paramref name="contextType"/>'s provider context is in its history table.</summary>
    /// <param name="scope">A service scope (DbContext options are scoped).</param>
    /// <param name="contextType">The module's context type as registered (<c>ModuleDatabase.ContextType</c>).</param>
    /// <param name="provider">The configured provider (<c>Tandem:Database:Provider</c>).</param>
    public static async Task<bool> AreCompleteAsync(IServiceProvider scope, Type contextType, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var target = Target(scope, contextType);
        if (target is null) return false;
        var (options, providerContext) = target.Value;
        var known = MigrationIds(options, providerContext);
        if (known.Count == 0) return false;
        var applied = await ReadAppliedAsync(options, provider, cancellationToken);
        return applied is not null && known.All(applied.Contains);
    }

    /// <summary>
    /// The options the host registered for this module, and the provider context they build (e.g. <c>SqliteLeadsDbContext</c>,
    /// whose migrations are the provider's). EF Core registers one non-generic <see cref="DbContextOptions"/> per context.
    /// </summary>
    internal static (DbContextOptions Options, Type ProviderContext)? Target(IServiceProvider scope, Type contextType)
    {
        foreach (var options in scope.GetServices<DbContextOptions>())
            if (contextType.IsAssignableFrom(options.ContextType)) return (options, options.ContextType);
        return null;
    }

    /// <summary>The migration ids EF Core finds for <paramref name="providerContext"/>, by its own rule (MigrationsAssembly).</summary>
    internal static IReadOnlyList<string> MigrationIds(DbContextOptions options, Type providerContext)
    {
        var relational = RelationalOptionsExtension.Extract(options);
        var assembly = relational.MigrationsAssemblyObject
            ?? (relational.MigrationsAssembly is { } name ? Assembly.Load(new AssemblyName(name)) : providerContext.Assembly);
        return assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false } && t.IsSubclassOf(typeof(Migration))
                && ContextOf(t) == providerContext)
            .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    // The first [DbContext] up the inheritance chain, as EF Core reads it.
    private static Type? ContextOf(Type type)
    {
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
            if (current.GetCustomAttribute<DbContextAttribute>(inherit: false) is { } attribute) return attribute.ContextType;
        return null;
    }

    /// <summary>The applied migration ids (compared case-insensitively, as EF Core does), or null when there is no history yet.</summary>
    internal static async Task<HashSet<string>?> ReadAppliedAsync(DbContextOptions options, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var relational = RelationalOptionsExtension.Extract(options);
        var table = relational.MigrationsHistoryTableName ?? DefaultHistoryTable;
        if (relational.ConnectionString is not { } connectionString) return null;
        return provider switch
        {
            DatabaseProvider.Sqlite => await ReadSqliteAsync(connectionString, table, cancellationToken),
            DatabaseProvider.Postgres => await ReadPostgresAsync(connectionString, relational.MigrationsHistoryTableSchema, table, cancellationToken),
            _ => null,
        };
    }

    private static async Task<HashSet<string>?> ReadSqliteAsync(string connectionString, string table, CancellationToken cancellationToken)
    {
        // Never create the file here: a missing database is a cold start, which EF Core's migrations handle.
        var builder = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        if (!File.Exists(Path.GetFullPath(builder.DataSource))) return null;
        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
            exists.Parameters.AddWithValue("$name", table);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0) return null;
        }
        // The migration path turns WAL on; it is persistent, so this is a no-op read unless the file lost it.
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }
        return await ReadIdsAsync(connection, $"SELECT \"MigrationId\" FROM {Quote(table)}", cancellationToken);
    }

    private static async Task<HashSet<string>?> ReadPostgresAsync(string connectionString, string? schema, string table, CancellationToken cancellationToken)
    {
        var qualified = schema is null ? Quote(table) : Quote(schema) + "." + Quote(table);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // A probe that cannot fail: a missing table (fresh schema) must not show up as an error in the server log.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection))
        {
            exists.Parameters.AddWithValue("name", qualified);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true) return null;
        }
        return await ReadIdsAsync(connection, $"SELECT \"MigrationId\" FROM {qualified}", cancellationToken);
    }

    private static async Task<HashSet<string>> ReadIdsAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
