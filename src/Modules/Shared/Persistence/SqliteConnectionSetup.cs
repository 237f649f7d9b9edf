using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Modules.Shared.Persistence;

/// <summary>
/// Per connection: SQLite itself waits for the write lock (its busy handler retries within milliseconds) instead of
/// failing at once and leaving the retry to the driver, which sleeps 150 ms between attempts — under concurrent
/// writes that sleep, not the work, dominated latency. And the configured durability (<c>synchronous</c>).
/// Both settings live on the native connection, which the driver's pool keeps open and hands out again: they are set
/// once per native connection, not at every open (EF Core opens a connection for each query).
/// </summary>
internal sealed class SqliteConnectionSetup(bool fullSync) : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSetup Full = new(fullSync: true);
    public static readonly SqliteConnectionSetup Normal = new(fullSync: false);

    private static readonly object Done = new();
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();
    private readonly string Pragmas = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = " + (fullSync ? "FULL;" : "NORMAL;");

    private bool NeedsSetup(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || !_configured.TryGetValue(handle, out _);

    private void Configured(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) _configured.AddOrUpdate(handle, Done);
    }

    /// <summary>Applies the pragmas to a connection opened outside EF (the group-commit writer's own).</summary>
    public void Apply(DbConnection connection)
    {
        if (!NeedsSetup(connection)) return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        Configured(connection);
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsSetup(connection)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        Configured(connection);
    }
}
