using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tandem.Modules.Shared.Persistence;

/// <summary>
/// The outbox and inbox rows a save adds, written as multi-row <c>INSERT … VALUES (…), (…)</c> statements (per 500 rows)
/// instead of EF Core's one statement per row: a form submission's path adds seven of them across the modules, and every
/// batch consumer adds one inbox row per message. Same columns, same values, same type mappings as EF Core's own insert
/// (each value becomes a parameter mapped by EF Core), same transaction; a failure (a duplicate inbox key: a concurrent
/// second delivery) fails the save with a <see cref="DbUpdateException"/>, as EF Core's insert did.
/// </summary>
internal sealed class MessageRows
{
    private const int RowsPerStatement = 500;

    private readonly List<OutboxMessage> _outbox = [];
    private readonly List<InboxMessage> _inbox = [];

    /// <summary>Detaches the added outbox and inbox rows of <paramref name="db"/>'s change tracker.</summary>
    public static MessageRows Take(ModuleDbContext db)
    {
        var rows = new MessageRows();
        List<EntityEntry>? taken = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State != EntityState.Added) continue;
            switch (entry.Entity)
            {
                case OutboxMessage m: rows._outbox.Add(m); (taken ??= []).Add(entry); break;
                case InboxMessage m: rows._inbox.Add(m); (taken ??= []).Add(entry); break;
            }
        }
        if (taken is not null) foreach (var entry in taken) entry.State = EntityState.Detached;
        return rows;
    }

    /// <summary>Puts the rows back into the change tracker, as they were before <see cref="Take"/> (the save failed).</summary>
    public void Restore(ModuleDbContext db)
    {
        foreach (var m in _outbox) db.OutboxMessages.Add(m);
        foreach (var m in _inbox) db.InboxMessages.Add(m);
    }

    public async Task<int> InsertAsync(ModuleDbContext db, CancellationToken cancellationToken)
    {
        if (_outbox.Count == 0 && _inbox.Count == 0) return 0;
        try
        {
            return await InsertAsync(db, _outbox, cancellationToken) + await InsertAsync(db, _inbox, cancellationToken);
        }
        catch (DbException ex)
        {
            throw new DbUpdateException("An outbox or inbox row could not be saved (a message consumed twice?).", ex);
        }
    }

    private static async Task<int> InsertAsync<T>(ModuleDbContext db, List<T> rows, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return 0;
        var entity = db.Model.FindEntityType(typeof(T))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = entity.GetProperties().ToList();
        var mappings = properties.Select(p => (RelationalTypeMapping)p.GetTypeMapping()).ToList();
        using var factory = db.Database.GetDbConnection().CreateCommand(); // makes the parameters; never executed
        var columns = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""));
        var name = table.Schema is null ? $"\"{table.Name}\"" : $"\"{table.Schema}\".\"{table.Name}\"";
        var inserted = 0;
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var parameters = new DbParameter[chunk.Length * properties.Count];
            var values = new System.Text.StringBuilder();
            var i = 0;
            foreach (var row in chunk)
            {
                values.Append(values.Length == 0 ? "(" : ", (");
                for (var c = 0; c < properties.Count; c++)
                {
                    if (c > 0) values.Append(", ");
                    values.Append('{').Append(i).Append('}');
                    // A parameter made by the column's own type mapping: the value stored exactly as EF Core stores it.
                    parameters[i] = mappings[c].CreateParameter(factory, "p" + i, properties[c].PropertyInfo!.GetValue(row), properties[c].IsNullable);
                    i++;
                }
                values.Append(')');
            }
            // Only the table's and columns' names (from the model) and the placeholders are spliced in; every value is a parameter.
            var sql = $"INSERT INTO {name} ({columns}) VALUES {values}";
            inserted += await db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
        }
        return inserted;
    }
}
