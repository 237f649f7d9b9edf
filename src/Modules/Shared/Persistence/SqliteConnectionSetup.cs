using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Modules.Shared.Persistence;

/// <summary>
/// Per connection: SQLite itself waits for the write lock (its busy handler retries within milliseconds) instead of
/// failing at once and leaving the retry to the driver, which sleeps 150 ms between attempts — under concurrent
/// writes that sleep, not the work, dominated latency. And the configured durability (<c>synchronous</c>).
/// </summary>
internal sealed class SqliteConnectionSetup(bool fullSync) : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSetup Full = new(fullSync: true);
    public static readonly SqliteConnectionSetup Normal = new(fullSync: false);

    private readonly string Pragmas = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = " + (fullSync ? "FULL;" : "NORMAL;");

    /// <summary>Applies the pragmas to a connection opened outside EF (the group-commit writer's own).</summary>
    public void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
