using System.Data.Common;

namespace Tandem.Modules.Leads.Import;

/// <summary>
/// One statement run for many rows inside the writer's transaction: a prepared command executed per row on SQLite (in
/// process, no round trip), a <see cref="DbBatch"/> sent once per flush where the provider supports batching (PostgreSQL:
/// one round trip for thousands of rows).
/// </summary>
internal sealed class BulkCommand : IDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction? _transaction;
    private readonly string _sql;
    private readonly string[] _names;
    private readonly DbCommand? _prepared;
    private readonly List<object?[]> _pending = [];

    public BulkCommand(DbConnection connection, DbTransaction? transaction, string sql, params string[] names)
    {
        (_connection, _transaction, _sql, _names) = (connection, transaction, sql, names);
        if (connection.CanCreateBatch) return;
        _prepared = connection.CreateCommand();
        _prepared.Transaction = transaction;
        _prepared.CommandText = sql;
        foreach (var name in names)
        {
            var parameter = _prepared.CreateParameter();
            parameter.ParameterName = "@" + name;
            _prepared.Parameters.Add(parameter);
        }
        _prepared.Prepare();
    }

    public int Executed { get; private set; }

    public async Task<int> RunAsync(object?[] values, CancellationToken ct)
    {
        if (_prepared is null)
        {
            _pending.Add(values);
            return 0;
        }
        for (var i = 0; i < values.Length; i++) _prepared.Parameters[i].Value = values[i] ?? DBNull.Value;
        Executed++;
        return await _prepared.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Sends what is pending (batching providers); returns the rows affected.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        if (_pending.Count == 0) return 0;
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
        _pending.Clear();
        return await batch.ExecuteNonQueryAsync(ct);
    }

    public void Dispose() => _prepared?.Dispose();
}
