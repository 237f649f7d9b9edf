using Microsoft.Extensions.Configuration;

namespace Tandem.Modules.Shared.Persistence;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Where module data lives: <c>Tandem:Database:Provider</c>, <c>Tandem:DataDirectory</c>, <c>ConnectionStrings:Tandem</c>.</summary>
/// <param name="SqliteFullSync">
/// <c>Tandem:Database:Sqlite:Synchronous</c>: <c>Full</c> (default) flushes every commit to disk, so nothing answered is
/// lost even on power failure; <c>Normal</c> (WAL) survives any process crash but may lose the last commits on power
/// failure, for about 1.5× the write throughput (docs/performance.md).
/// </param>
public sealed record DatabaseOptions(DatabaseProvider Provider, string DataDirectory, string? PostgresConnectionString, bool SqliteFullSync = true)
{
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var providerText = configuration["Tandem:Database:Provider"] ?? "Sqlite";
        if (!Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var provider))
            throw new InvalidOperationException(
                $"Tandem:Database:Provider is '{providerText}'; use 'Sqlite' (default) or 'Postgres'.");
        var dataDirectory = Path.GetFullPath(configuration["Tandem:DataDirectory"] ?? "data");
        var connectionString = configuration.GetConnectionString("Tandem");
        if (provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "Tandem:Database:Provider is Postgres but ConnectionStrings:Tandem is empty; set it (e.g. ConnectionStrings__Tandem=\"Host=127.0.0.1;Database=tandem;Username=tandem;Password=…\").");
        var synchronous = configuration["Tandem:Database:Sqlite:Synchronous"] ?? "Full";
        if (!synchronous.Equals("Full", StringComparison.OrdinalIgnoreCase) && !synchronous.Equals("Normal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Tandem:Database:Sqlite:Synchronous is '{synchronous}'; use 'Full' (default, safest) or 'Normal'.");
        if (provider == DatabaseProvider.Postgres) connectionString = WithAutoPrepare(connectionString!);
        return new DatabaseOptions(provider, dataDirectory, connectionString, synchronous.Equals("Full", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Statements prepared on the server after a few uses when the connection string does not say otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 256;

    /// <summary>
    /// PostgreSQL: the statements a host runs again and again (the outbox claim, the scheduler's reads, a capture's lookups)
    /// are prepared on the server after a few uses (Npgsql's automatic preparation), so the server parses and plans them
    /// once per connection instead of at every execution: the step scheduler went from 39,000 to 55,000 steps a minute
    /// with it (docs/performance.md). A connection string that sets <c>Max Auto Prepare</c> keeps its value (<c>0</c> turns
    /// it off, e.g. behind PgBouncer in transaction mode).
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
            if (key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)) return connectionString;
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare }.ConnectionString;
    }

    /// <summary>SQLite: one file per module. Pooling on; busy waits up to 30 s instead of failing.</summary>
    public string SqliteConnectionString(string module) =>
        $"Data Source={Path.Combine(DataDirectory, module.ToLowerInvariant() + ".db")};Pooling=True;Default Timeout=30";
}
