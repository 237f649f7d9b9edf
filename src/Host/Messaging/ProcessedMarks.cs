using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Host.Messaging;

/// <summary>
/// Messages of one module published successfully and waiting to be marked processed. Until they are marked they keep
/// their lease or reservation, so nobody else takes them; if the process dies first, they are delivered again and the
/// consumers' inboxes absorb it. Since nobody waits on a mark being durable, the marks ride along: one statement joins
/// the next transaction the module's writer commits for someone else (<see cref="ModuleWriter.RideAsync{T}"/>), and only
/// commits on its own when nothing else comes soon — under load that saves a transaction, and its fsync, per hop and
/// batch (docs/architecture.md, "Marks ride along"). Without group commit each flush is a transaction of its own.
/// </summary>
internal sealed class ProcessedMarks(IServiceScopeFactory scopes, ModuleDatabase database, TimeProvider clock, ILogger logger)
{
    private readonly ConcurrentQueue<Guid> _ids = new();
    private int _scheduled;
    private Task _flush = Task.CompletedTask;
    private Statement? _statement;
    private ModuleWriter? _writer;

    /// <summary>The update, from the module's model: its table, its provider, and how an id is stored.</summary>
    private sealed record Statement(string Sql, bool Sqlite, RelationalTypeMapping IdMapping);

    public void Add(Guid id)
    {
        _ids.Enqueue(id);
        if (Interlocked.Exchange(ref _scheduled, 1) == 0) _flush = ScheduleAsync();
    }

    /// <summary>Completes once everything added so far is marked (or its marking failed and was logged); marks now, without waiting for a ride.</summary>
    public async Task FlushedAsync()
    {
        var flush = Volatile.Read(ref _flush);
        _writer?.Nudge();
        await flush;
        if (_ids.IsEmpty) return;
        // Added while that flush ran (or past its 10,000): the next one takes them.
        flush = Volatile.Read(ref _flush);
        _writer?.Nudge();
        await flush;
    }

    private async Task ScheduleAsync()
    {
        try
        {
            if (_statement is null) Prepare();
            if (_writer is { } writer) await writer.RideAsync(Mark);
            else
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
                await db.Database.OpenConnectionAsync();
                await using var transaction = await db.Database.BeginTransactionAsync();
                Mark(db.Database.GetDbConnection(), transaction.GetDbTransaction(), CancellationToken.None);
                await transaction.CommitAsync();
            }
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _scheduled, 0);
            logger.LogWarning(ex, "Marking outbox messages of {Module} processed failed; they will be delivered again after their lease (consumers are idempotent)", database.Module);
        }
    }

    private void Prepare()
    {
        using var scope = scopes.CreateScope();
        var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
        var sqlite = db.Database.IsSqlite();
        var table = db.QuotedTable<OutboxMessage>();
        // SQLite: one prepared statement run per id (no parsing after the first); PostgreSQL: one statement for all of them.
        var match = sqlite ? "\"Id\" = $id" : "\"Id\" = ANY(@ids)";
        var done = sqlite ? "$done" : "@done";
        var sql = $"""UPDATE {table} SET "ProcessedAt" = {done}, "LockedBy" = NULL, "LockedUntil" = NULL WHERE {match} AND "ProcessedAt" IS NULL""";
        var id = db.Model.FindEntityType(typeof(OutboxMessage))!.FindProperty(nameof(OutboxMessage.Id))!;
        _writer = scope.ServiceProvider.GetKeyedService<ModuleWriter>(database.Module);
        _statement = new Statement(sql, sqlite, (RelationalTypeMapping)id.GetTypeMapping());
    }

    /// <summary>Marks what is queued, inside the transaction it is given; a later <see cref="Add"/> schedules the next one.</summary>
    private int Mark(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _scheduled, 0);
        var ids = new List<Guid>();
        while (ids.Count < 10_000 && _ids.TryDequeue(out var id)) ids.Add(id);
        if (!_ids.IsEmpty && Interlocked.Exchange(ref _scheduled, 1) == 0) _flush = ScheduleAsync();
        if (ids.Count == 0) return 0;
        var statement = _statement!;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (!statement.Sqlite)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement.Sql;
            command.Parameters.Add(Parameter(command, "done", now));
            command.Parameters.Add(Parameter(command, "ids", ids.ToArray()));
            return command.ExecuteNonQuery();
        }
        var marked = 0;
        var prepared = _writer is { } writer ? writer.Command(this, Create) : Create(connection);
        try
        {
            prepared.Transaction = transaction;
            foreach (var id in ids)
            {
                prepared.Parameters.Clear();
                prepared.Parameters.Add(Parameter(prepared, "$done", now));
                prepared.Parameters.Add(statement.IdMapping.CreateParameter(prepared, "$id", id, nullable: false));
                marked += prepared.ExecuteNonQuery();
            }
        }
        finally
        {
            if (_writer is null) prepared.Dispose();
        }
        return marked;
    }

    private DbCommand Create(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = _statement!.Sql;
        return command;
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }
}
