using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SQLitePCL;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Leads.Import;

/// <summary>
/// One statement run for many rows inside the writer's transaction. On SQLite (in process, no round trip) the statement
/// is prepared once on the connection's own handle and each row is bound by position and stepped (SQLitePCL's
/// <c>raw</c> API: no data reader, no parameter objects and no parameter lookup by name per row — that per-row ADO.NET
/// work ran on the import's writer, its bottleneck; docs/performance.md, "Lead import"). Where the provider supports
/// batching (PostgreSQL) a <see cref="DbBatch"/> is sent once per flush: one round trip for thousands of rows; an insert
/// made with <see cref="Insert{TEntity}"/> is sent to PostgreSQL as one binary <c>COPY</c> instead, which the server
/// takes as a stream of rows rather than a statement to plan and run per row.
/// </summary>
internal sealed class BulkCommand : IDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction? _transaction;
    private readonly string _sql;
    private readonly string[] _names;
    private readonly sqlite3? _handle;
    private readonly sqlite3_stmt? _statement;
    private readonly int[] _indexes = [];
    private readonly List<object?[]> _pending = [];

    public BulkCommand(DbConnection connection, DbTransaction? transaction, string sql, params string[] names)
    {
        (_connection, _transaction, _sql, _names) = (connection, transaction, sql, names);
        if (connection.CanCreateBatch) return;
        if (connection is not SqliteConnection { Handle: { } handle })
            throw new NotSupportedException($"{connection.GetType().Name}: bulk writes need a provider with batches or SQLite.");
        _handle = handle;
        Check(raw.sqlite3_prepare_v2(handle, sql, out var statement));
        _statement = statement;
        _indexes = new int[names.Length];
        for (var i = 0; i < names.Length; i++)
            _indexes[i] = raw.sqlite3_bind_parameter_index(statement, "@" + names[i]) is var index and > 0
                ? index : throw new InvalidOperationException($"@{names[i]} is not a parameter of: {sql}");
    }

    /// <summary>PostgreSQL inserts: the <c>COPY … FROM STDIN (FORMAT BINARY)</c> statement and each column's type.</summary>
    private string? _copy;
    private string[] _types = [];

    /// <summary>An insert of <paramref name="columns"/> (named as the entity's columns) into <typeparamref name="TEntity"/>'s table.</summary>
    public static BulkCommand Insert<TEntity>(ModuleDbContext db, DbTransaction? transaction, string[] columns) where TEntity : class
    {
        var table = db.QuotedTable<TEntity>();
        var list = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var connection = db.Database.GetDbConnection();
        var command = new BulkCommand(connection, transaction, $"INSERT INTO {table} ({list}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))})", columns);
        if (connection is NpgsqlConnection)
        {
            var entity = db.Model.FindEntityType(typeof(TEntity))!;
            var properties = entity.GetProperties().ToDictionary(p => p.GetColumnName(), StringComparer.Ordinal);
            command._copy = $"COPY {table} ({list}) FROM STDIN (FORMAT BINARY)";
            // "character varying(254)" → "character varying": the binary format does not carry the length.
            command._types = [.. columns.Select(c => properties[c].GetColumnType() is var t && t.IndexOf('(') is var i and > 0 ? t[..i] : t)];
        }
        return command;
    }

    public int Executed { get; private set; }

    /// <summary>The rows whose statement changed nothing (an update whose guard no longer held), in the order run.</summary>
    public List<object?[]> Unchanged { get; } = [];

    /// <summary>Runs the statement for one row (SQLite, synchronously: the engine is in process) or queues it for <see cref="FlushAsync"/>.</summary>
    public ValueTask<int> RunAsync(object?[] values, CancellationToken ct)
    {
        if (_statement is null)
        {
            _pending.Add(values);
            return ValueTask.FromResult(0);
        }
        ct.ThrowIfCancellationRequested();
        Executed++;
        var changed = Step(values);
        if (changed == 0) Unchanged.Add(values);
        return ValueTask.FromResult(changed);
    }

    private int Step(object?[] values)
    {
        var statement = _statement!;
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                var index = _indexes[i];
                Check(values[i] switch
                {
                    null or DBNull => raw.sqlite3_bind_null(statement, index),
                    string s => raw.sqlite3_bind_text(statement, index, s),
                    int n => raw.sqlite3_bind_int64(statement, index, n),
                    long n => raw.sqlite3_bind_int64(statement, index, n),
                    bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
                    double d => raw.sqlite3_bind_double(statement, index, d),
                    byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
                    var other => throw new NotSupportedException($"@{_names[i]}: a {other.GetType().Name} is not bound by the import's SQLite writer."),
                });
            }
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE) Check(rc);
            return raw.sqlite3_changes(_handle);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Throws what Microsoft.Data.Sqlite throws for a failed call (a <see cref="SqliteException"/> with SQLite's codes).</summary>
    private void Check(int rc)
    {
        if (rc is raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE) return;
        SqliteException.ThrowExceptionForRC(rc, _handle);
    }

    /// <summary>Sends what is pending (batching providers); returns the rows affected.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        if (_pending.Count == 0) return 0;
        if (_copy is not null) return await CopyAsync(ct);
        await using var batch = _connection.CreateBatch();
        batch.Transaction = _transaction;
        foreach (var values in _pending)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = _sql;
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@" + _names[i];
                parameter.Value = values[i] ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            batch.BatchCommands.Add(command);
        }
        Executed += _pending.Count;
        var changed = await batch.ExecuteNonQueryAsync(ct);
        for (var i = 0; i < _pending.Count; i++)
            if (batch.BatchCommands[i].RecordsAffected == 0) Unchanged.Add(_pending[i]);
        _pending.Clear();
        return changed;
    }

    private async Task<int> CopyAsync(CancellationToken ct)
    {
        // In the connection's transaction: the rows commit, or roll back, with the rest of the batch.
        await using (var copy = await ((NpgsqlConnection)_connection).BeginBinaryImportAsync(_copy!, ct))
        {
            foreach (var values in _pending)
            {
                await copy.StartRowAsync(ct);
                for (var i = 0; i < values.Length; i++)
                {
                    var type = _types[i];
                    await (values[i] switch
                    {
                        null or DBNull => copy.WriteNullAsync(ct),
                        string text => copy.WriteAsync(text, type, ct),
                        int n => copy.WriteAsync(n, type, ct),
                        long n => copy.WriteAsync(n, type, ct),
                        bool b => copy.WriteAsync(b, type, ct),
                        double d => copy.WriteAsync(d, type, ct),
                        DateTimeOffset at => copy.WriteAsync(at, type, ct),
                        var other => throw new NotSupportedException($"@{_names[i]}: a {other.GetType().Name} is not written by the import's COPY."),
                    });
                }
            }
            await copy.CompleteAsync(ct);
        }
        var rows = _pending.Count;
        Executed += rows;
        _pending.Clear();
        return rows;
    }

    public void Dispose() => _statement?.Dispose();
}
