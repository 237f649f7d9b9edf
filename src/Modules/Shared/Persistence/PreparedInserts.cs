using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tandem.Modules.Shared.Persistence;

/// <summary>
/// The SQLite fast path of a save that only adds rows (a submission and its outbox row, a captured lead with its sources,
/// consents and score entries, a prospect, an enrolment, inbox rows): one <c>INSERT</c> per row, with a statement prepared
/// once per table on the module writer's connection and kept there, instead of EF Core's update pipeline, which builds
/// the SQL text of every row again on each save and makes SQLite parse it again (a seventh of the host's CPU on the
/// form submission path, docs/performance.md). What the save writes is EF Core's own: the columns, names, converters
/// and parameter types come from the model and its type mappings; rows go in foreign-key order; a key the database
/// generates is read back with <c>RETURNING</c> and set on the entity. Anything this does not cover exactly — an update
/// or a delete in the same save, a type in an inheritance hierarchy, owned or complex types, a table shared by two
/// types, a default or computed column, a generated key other than one integer — leaves the whole save to EF Core.
/// A constraint failure is a <see cref="DbUpdateException"/> naming the row, as from EF Core.
/// </summary>
internal static class PreparedInserts
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
    /// The rows to insert, in foreign-key order, when every change tracked by <paramref name="db"/> is an added row this
    /// path covers; otherwise null (EF Core saves). Change detection has run.
    /// </summary>
    public static List<(EntityEntry Entry, IProperty? Generated, object Plan)>? Collect(DbContext db)
    {
        var plans = ByModel.GetValue(db.Model, static model => new Plans(model));
        var sql = db.GetService<ISqlGenerationHelper>();
        List<(EntityEntry, IProperty?, object, int)>? rows = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Unchanged) continue;
            if (entry.State != EntityState.Added) return null;
            if (plans.For(entry.Metadata, sql) is not { } plan) return null;
            IProperty? generated = null;
            if (plan.GeneratedKey is { } key)
            {
                var property = entry.Property(key.Name);
                if (property.IsTemporary)
                {
                    if (!plan.Returns) return null;
                    generated = key;
                }
                else if (Equals(property.CurrentValue, key.Sentinel)) return null;
                else plan = plan.WithKey!;
            }
            (rows ??= []).Add((entry, generated, plan, plan.Rank));
        }
        if (rows is null) return null;
        // Principals first; rows of one rank keep the order they were added in (a stable sort).
        var ordered = new List<(EntityEntry, IProperty?, object)>(rows.Count);
        var ranks = rows.Select(r => r.Item4).Distinct().Order().ToList();
        foreach (var rank in ranks)
            foreach (var row in rows)
                if (row.Item4 == rank) ordered.Add((row.Item1, row.Item2, row.Item3));
        return ordered;
    }

    /// <summary>
    /// Runs the inserts of <see cref="Collect"/> on the writer's connection, inside its transaction, and returns the rows
    /// written. The keys the database generated are set on the entities only once every row is in: a failure leaves the
    /// tracked entities as they were, as EF Core does, so that a caller may save them again.
    /// </summary>
    public static int Execute(ModuleWriter writer, IReadOnlyList<(EntityEntry Entry, IProperty? Generated, object Plan)> rows,
        DbConnection connection, DbTransaction transaction)
    {
        List<(PropertyEntry Property, object? Value)>? generatedKeys = null;
        foreach (var (entry, generated, boxed) in rows)
        {
            var plan = (Plan)boxed;
            var command = writer.Command(plan, c =>
            {
                var created = c.CreateCommand();
                created.CommandText = plan.Sql;
                return created;
            });
            command.Transaction = transaction;
            command.Parameters.Clear();
            var values = entry.CurrentValues;
            for (var i = 0; i < plan.Columns.Length; i++)
            {
                var property = plan.Columns[i];
                command.Parameters.Add(plan.Mappings[i].CreateParameter(command, Names[i], values[property], property.IsNullable));
            }
            try
            {
                if (generated is null)
                {
                    command.ExecuteNonQuery();
                }
                else
                {
                    var value = Convert.ChangeType(command.ExecuteScalar(), generated.ClrType, System.Globalization.CultureInfo.InvariantCulture);
                    (generatedKeys ??= []).Add((entry.Property(generated.Name), value));
                }
            }
            catch (SqliteException ex)
            {
                throw new DbUpdateException(
                    $"An error occurred while saving the entity changes ({entry.Metadata.DisplayName()}). See the inner exception for details.",
                    ex, [entry]);
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
        if (generatedKey is null)
            return new Plan { Rank = rank, Columns = [.. columns], Mappings = mappings, Sql = InsertSql(sql, table, columns, null) };
        List<IProperty> all = [generatedKey, .. columns];
        return new Plan
        {
            Rank = rank, Columns = [.. columns], Mappings = mappings, GeneratedKey = generatedKey,
            Returns = generatedKey.ClrType == typeof(long) || generatedKey.ClrType == typeof(int),
            Sql = InsertSql(sql, table, columns, generatedKey),
            WithKey = new Plan
            {
                Rank = rank, Columns = [.. all], Mappings = [.. all.Select(p => p.GetRelationalTypeMapping())],
                Sql = InsertSql(sql, table, all, null),
            },
        };
    }

    private static string InsertSql(ISqlGenerationHelper sql, StoreObjectIdentifier table, IReadOnlyList<IProperty> columns, IProperty? returning)
    {
        var names = string.Join(", ", columns.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var values = string.Join(", ", columns.Select((_, i) => "@p" + i));
        var text = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values})";
        return returning is null ? text : $"{text} RETURNING {sql.DelimitIdentifier(returning.GetColumnName(table)!)}";
    }
}
