using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;

namespace Tandem.Modules.Shared.Persistence;

/// <summary>
/// The SQLite fast path of a save that adds rows (a submission and its outbox row, a captured lead with its sources,
/// consents and score entries, a prospect, an enrolment, inbox rows) and updates rows by key (a scheduled step done):
/// one statement per row, prepared once per table (an update: per table and set of columns) on the module writer's
/// connection and kept there, instead of EF Core's update pipeline, which builds the SQL text of every row again on each
/// save, sends each row as a command of its own on SQLite, and makes SQLite parse it again (a seventh of the host's CPU
/// on the form submission path, docs/performance.md). What the save writes is EF Core's own: the columns, names,
/// converters and parameter types come from the model and its type mappings; inserts go in foreign-key order, then the
/// updates; a key the database generates is read back with <c>RETURNING</c> and set on the entity. Anything this does
/// not cover exactly — a delete, an update of a key, a foreign key or a unique-index column (whose order against the
/// other rows EF Core works out), a concurrency token, a type in an inheritance hierarchy, owned or complex types, a
/// table shared by two types, a default or computed column, a generated key other than one integer — leaves the whole
/// save to EF Core. A constraint failure is a <see cref="DbUpdateException"/> naming the row, an update that finds no row
/// a <see cref="DbUpdateConcurrencyException"/>, as from EF Core.
/// </summary>
internal static class PreparedWrites
{
    /// <summary>How one entity type is inserted; null in the table when the type is left to EF Core.</summary>
    private sealed class Plan
    {
        public required int Rank { get; init; }
        public required IProperty[] Columns { get; init; }
        public required RelationalTypeMapping[] Mappings { get; init; }
        public required string Sql { get; init; }
        /// <summary>
        /// The key generated on add (EF Core's convention for a single integer or GUID key). <see cref="Sql"/> leaves it out and
        /// reads it back (<see cref="Returns"/>) for a row whose key is still temporary; <see cref="WithKey"/> gives it.
        /// </summary>
        public IProperty? GeneratedKey { get; init; }
        /// <summary>Whether the database can generate <see cref="GeneratedKey"/> (an integer: SQLite's row id).</summary>
        public bool Returns { get; init; }
        /// <summary>The same insert with the generated key given (a GUID made by EF Core, a key set by hand).</summary>
        public Plan? WithKey { get; init; }
        /// <summary>Every property of the type, in the order of an update's bit mask; null when updates are left to EF Core.</summary>
        public IProperty[]? Properties { get; init; }
        /// <summary>
        /// Properties an update here may not change: keys, foreign keys and unique-index columns, whose order against other
        /// rows of the save matters (EF Core sorts those).
        /// </summary>
        public bool[]? Frozen { get; init; }
        /// <summary>The updates built so far, by the bit mask of the properties they set.</summary>
        public Dictionary<ulong, Update> Updates { get; } = [];
    }

    /// <summary>An <c>UPDATE … WHERE key</c> of some columns of one entity type.</summary>
    private sealed class Update
    {
        public required IProperty[] Columns { get; init; }
        public required RelationalTypeMapping[] Mappings { get; init; }
        public required string Sql { get; init; }
    }

    private sealed class Plans(IModel model)
    {
        private readonly Dictionary<IEntityType, Plan?> _byType = [];
        private readonly Lock _lock = new();

        public Plan? For(IEntityType type, ISqlGenerationHelper sql)
        {
            lock (_lock)
            {
                if (_byType.TryGetValue(type, out var plan)) return plan;
                plan = Build(model, type, sql, []);
                _byType[type] = plan;
                return plan;
            }
        }

        /// <summary>The update of the properties <paramref name="entry"/> modified, or null when EF Core has to order it.</summary>
        public Update? UpdateFor(EntityEntry entry, Plan plan, ISqlGenerationHelper sql)
        {
            if (plan.Properties is not { } properties) return null;
            var mask = 0UL;
            for (var i = 0; i < properties.Length; i++)
            {
                if (!entry.Property(properties[i]).IsModified) continue;
                if (plan.Frozen![i]) return null;
                mask |= 1UL << i;
            }
            if (mask == 0) return null;
            lock (_lock)
            {
                if (plan.Updates.TryGetValue(mask, out var update)) return update;
                var type = entry.Metadata;
                var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
                var set = properties.Where((_, i) => (mask & (1UL << i)) != 0).ToList();
                var key = type.FindPrimaryKey()!.Properties;
                List<IProperty> columns = [.. set, .. key];
                var assignments = string.Join(", ", set.Select((p, i) => $"{sql.DelimitIdentifier(p.GetColumnName(table)!)} = {Names[i]}"));
                var where = string.Join(" AND ", key.Select((p, i) => $"{sql.DelimitIdentifier(p.GetColumnName(table)!)} = {Names[set.Count + i]}"));
                update = new Update
                {
                    Columns = [.. columns], Mappings = [.. columns.Select(p => p.GetRelationalTypeMapping())],
                    Sql = $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {assignments} WHERE {where}",
                };
                plan.Updates[mask] = update;
                return update;
            }
        }

        private Plan? Build(IModel model, IEntityType type, ISqlGenerationHelper sql, HashSet<IEntityType> visiting)
        {
            if (_byType.TryGetValue(type, out var known)) return known;
            if (!visiting.Add(type)) return null; // a cycle of foreign keys: EF Core orders those rows
            // Principals first: a row goes after the rows of every type it references.
            var rank = 0;
            foreach (var foreignKey in type.GetForeignKeys())
            {
                var principal = foreignKey.PrincipalEntityType;
                if (principal == type) { visiting.Remove(type); return null; }
                var principalPlan = Build(model, principal, sql, visiting);
                _byType[principal] = principalPlan;
                if (principalPlan is null) { visiting.Remove(type); return null; }
                rank = Math.Max(rank, principalPlan.Rank + 1);
            }
            visiting.Remove(type);
            return Describe(model, type, rank, sql);
        }
    }

    private static readonly ConditionalWeakTable<IModel, Plans> ByModel = new();

    /// <summary>
    /// The rows to write when every change tracked by <paramref name="db"/> is an added row, or an updated one, that this
    /// path covers (an update of columns no foreign key and no unique index reads, so that its order against the other
    /// rows does not matter); otherwise null (EF Core saves). Inserts come first, principals before dependents, then the
    /// updates. Change detection has run.
    /// </summary>
    public static List<Row>? Collect(DbContext db)
    {
        var plans = ByModel.GetValue(db.Model, static model => new Plans(model));
        var sql = db.GetService<ISqlGenerationHelper>();
        List<(Row Row, int Rank)>? inserts = null;
        List<Row>? updates = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Unchanged) continue;
            if (entry.State is not (EntityState.Added or EntityState.Modified)) return null;
            if (plans.For(entry.Metadata, sql) is not { } plan) return null;
            if (entry.State == EntityState.Modified)
            {
                if (plans.UpdateFor(entry, plan, sql) is not { } update) return null;
                (updates ??= []).Add(new Row(entry, null, update));
                continue;
            }
            IProperty? generated = null;
            if (plan.GeneratedKey is { } key)
            {
                var property = entry.Property(key);
                if (property.IsTemporary)
                {
                    if (!plan.Returns) return null;
                    generated = key;
                }
                else if (Equals(property.CurrentValue, key.Sentinel)) return null;
                else plan = plan.WithKey!;
            }
            (inserts ??= []).Add((new Row(entry, generated, plan), plan.Rank));
        }
        if (inserts is null && updates is null) return null;
        var ordered = new List<Row>((inserts?.Count ?? 0) + (updates?.Count ?? 0));
        if (inserts is not null)
        {
            // Principals first; rows of one rank keep the order they were added in (a stable sort).
            foreach (var rank in inserts.Select(r => r.Rank).Distinct().Order())
                foreach (var (row, rowRank) in inserts)
                    if (rowRank == rank) ordered.Add(row);
        }
        if (updates is not null) ordered.AddRange(updates);
        return ordered;
    }

    /// <summary>One row to write: an insert (<see cref="Plan"/>) or an update (<see cref="Update"/>).</summary>
    internal readonly record struct Row(EntityEntry Entry, IProperty? Generated, object Statement);

    /// <summary>
    /// Writes the rows of <see cref="Collect"/> on the writer's connection, inside its transaction, and returns how many. The
    /// keys the database generated are set on the entities only once every row is written: a failure leaves the tracked
    /// entities as they were, as EF Core does, so that a caller may save them again. An update that finds no row is EF
    /// Core's <see cref="DbUpdateConcurrencyException"/>.
    /// </summary>
    public static int Execute(ModuleWriter writer, IReadOnlyList<Row> rows, DbConnection connection, DbTransaction transaction)
    {
        List<(PropertyEntry Property, object? Value)>? generatedKeys = null;
        foreach (var (entry, generated, statement) in rows)
        {
            var (sql, columns, mappings) = statement switch
            {
                Plan insert => (insert.Sql, insert.Columns, insert.Mappings),
                Update update => (update.Sql, update.Columns, update.Mappings),
                _ => throw new InvalidOperationException("Not a statement of this path."),
            };
            var command = writer.Command(statement, c =>
            {
                var created = c.CreateCommand();
                created.CommandText = sql;
                return created;
            });
            command.Transaction = transaction;
            command.Parameters.Clear();
            var values = entry.CurrentValues;
            for (var i = 0; i < columns.Length; i++)
                command.Parameters.Add(mappings[i].CreateParameter(command, Names[i], values[columns[i]], columns[i].IsNullable));
            int affected;
            try
            {
                if (generated is null)
                {
                    affected = command.ExecuteNonQuery();
                }
                else
                {
                    var value = Convert.ChangeType(command.ExecuteScalar(), generated.ClrType, System.Globalization.CultureInfo.InvariantCulture);
                    (generatedKeys ??= []).Add((entry.Property(generated), value));
                    affected = 1;
                }
            }
            catch (SqliteException ex)
            {
                throw new DbUpdateException(
                    $"An error occurred while saving the entity changes ({entry.Metadata.DisplayName()}). See the inner exception for details.",
                    ex, [entry]);
            }
            if (affected != 1)
            {
                // EF Core's own exception names its entries through the change tracker's internal entry (IUpdateEntry).
#pragma warning disable EF1001
                IUpdateEntry updateEntry = entry.GetInfrastructure();
#pragma warning restore EF1001
                throw new DbUpdateConcurrencyException(
                    $"The database operation was expected to affect 1 row(s), but actually affected {affected} row(s); data may have been modified or deleted since entities were loaded ({entry.Metadata.DisplayName()}).",
                    [updateEntry]);
            }
        }
        foreach (var (property, value) in generatedKeys ?? [])
        {
            property.CurrentValue = value;
            property.IsTemporary = false;
        }
        return rows.Count;
    }

    private static readonly string[] Names = [.. Enumerable.Range(0, 200).Select(i => "@p" + i)];

    private static Plan? Describe(IModel model, IEntityType type, int rank, ISqlGenerationHelper sql)
    {
        if (type.IsOwned() || type.BaseType is not null || type.GetDirectlyDerivedTypes().Any() || type.GetComplexProperties().Any()
            || type.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || type.GetViewName() is not null || type.GetSqlQuery() is not null
            || type.GetTableName() is not { } tableName)
            return null;
        var table = StoreObjectIdentifier.Table(tableName, type.GetSchema());
        if (model.GetRelationalModel().FindTable(table.Name, table.Schema) is not { } mapped || mapped.EntityTypeMappings.Count() != 1)
            return null;
        var key = type.FindPrimaryKey();
        IProperty? generatedKey = null;
        var columns = new List<IProperty>();
        foreach (var property in type.GetProperties())
        {
            if (property.GetColumnName(table) is null) return null;
            if (property.GetDefaultValueSql() is not null || property.GetComputedColumnSql() is not null || property.TryGetDefaultValue(out _)
                || property.GetBeforeSaveBehavior() != PropertySaveBehavior.Save)
                return null;
            if (property.ValueGenerated != ValueGenerated.Never)
            {
                // Only a single key generated on add, which no foreign key references (a dependent added in the same
                // save would need the generated value first).
                if (key is not { Properties.Count: 1 } || key.Properties[0] != property || key.GetReferencingForeignKeys().Any()
                    || property.ValueGenerated != ValueGenerated.OnAdd)
                    return null;
                generatedKey = property;
                continue;
            }
            columns.Add(property);
        }
        if (columns.Count + 1 > Names.Length) return null;
        var mappings = new RelationalTypeMapping[columns.Count];
        for (var i = 0; i < columns.Count; i++)
            mappings[i] = columns[i].GetRelationalTypeMapping();
        // Updates: every property by position (at most 64, the bit mask), unless a concurrency token asks for EF Core's checks.
        var all = type.GetProperties().ToArray();
        var updatable = all.Length <= 64 && !all.Any(p => p.IsConcurrencyToken) && key is not null;
        var properties = updatable ? all : null;
        var frozen = updatable ? all.Select(p => p.IsKey() || p.IsForeignKey() || p.GetContainingIndexes().Any(i => i.IsUnique)).ToArray() : null;
        if (generatedKey is null)
            return new Plan
            {
                Rank = rank, Columns = [.. columns], Mappings = mappings, Sql = InsertSql(sql, table, columns, null), Properties = properties, Frozen = frozen,
            };
        List<IProperty> withKey = [generatedKey, .. columns];
        return new Plan
        {
            Rank = rank, Columns = [.. columns], Mappings = mappings, GeneratedKey = generatedKey,
            Returns = generatedKey.ClrType == typeof(long) || generatedKey.ClrType == typeof(int),
            Sql = InsertSql(sql, table, columns, generatedKey), Properties = properties, Frozen = frozen,
            WithKey = new Plan
            {
                Rank = rank, Columns = [.. withKey], Mappings = [.. withKey.Select(p => p.GetRelationalTypeMapping())],
                Sql = InsertSql(sql, table, withKey, null),
            },
        };
    }

    private static string InsertSql(ISqlGenerationHelper sql, StoreObjectIdentifier table, IReadOnlyList<IProperty> columns, IProperty? returning)
    {
        var names = string.Join(", ", columns.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var values = string.Join(", ", Names.Take(columns.Count));
        var text = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values})";
        return returning is null ? text : $"{text} RETURNING {sql.DelimitIdentifier(returning.GetColumnName(table)!)}";
    }
}
