using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Leads.Import;

/// <summary>
/// The indexes of <see cref="Lead"/> that only serve search and likely-duplicate proposals — <c>(SearchText, Id)</c>,
/// <c>(NameKey, Id)</c>, <c>(CompanyKey, Id)</c> and <c>PostalCode</c> — which a large import drops before its first batch
/// and builds again at its end (docs/leads.md, "Import"; docs/performance.md, "Lead import"). Their keys are in no
/// order an import can follow, so every row lands at a random place in each of them; building one from the finished
/// table is a sort. Nothing an import or a capture needs to stay correct reads them: the unique email, phone and
/// LinkedIn indexes, the id and the sources' reference stay.
/// <para>
/// Each statement is idempotent (<c>IF EXISTS</c> / <c>IF NOT EXISTS</c>) and built from the EF Core model, so the
/// index built again is the one the migrations made: same name, columns, uniqueness and filter. Run inside the
/// module writer's transaction (<c>db.WriteAsync</c>).
/// </para>
/// </summary>
internal sealed class SearchIndexes(LeadsDbContext db)
{
    /// <summary>The deferrable indexes, by the properties they are on.</summary>
    private static readonly string[][] Deferrable =
    [
        [nameof(Lead.SearchText), nameof(Lead.Id)],
        [nameof(Lead.NameKey), nameof(Lead.Id)],
        [nameof(Lead.CompanyKey), nameof(Lead.Id)],
        [nameof(Lead.PostalCode)],
    ];

    private IEnumerable<IIndex> Indexes()
    {
        var lead = db.Model.FindEntityType(typeof(Lead))!;
        foreach (var properties in Deferrable)
            yield return lead.GetIndexes().SingleOrDefault(i => i.Properties.Select(p => p.Name).SequenceEqual(properties))
                ?? throw new InvalidOperationException($"The Leads model has no index on ({string.Join(", ", properties)}).");
    }

    /// <summary>The database names of the deferrable indexes (for the docs, logs and tests).</summary>
    public IReadOnlyList<string> Names => [.. Indexes().Select(i => i.GetDatabaseName()!)];

    /// <summary>Drops the deferrable indexes that exist.</summary>
    public async Task DropAsync(CancellationToken ct)
    {
        var schema = db.Model.FindEntityType(typeof(Lead))!.GetSchema();
        foreach (var index in Indexes())
        {
            var sql = $"DROP INDEX IF EXISTS {ModuleDbContext.Quoted(schema, index.GetDatabaseName()!)}";
            await db.Database.ExecuteSqlRawAsync(sql, ct);
        }
    }

    /// <summary>
    /// Builds the deferrable indexes that are missing, in one module write (after <paramref name="prepare"/>, run in the same
    /// write: the import gives the writer's connection its page cache for the sort); returns how many were built.
    /// </summary>
    public async Task<int> BuildMissingAsync(Func<CancellationToken, Task>? prepare, CancellationToken ct)
    {
        var missing = Names.Count - await CountExistingAsync(ct);
        if (missing == 0) return 0;
        await db.WriteAsync(async c =>
        {
            if (prepare is not null) await prepare(c);
            await EnsureAsync(c);
            return 0;
        }, ct);
        return missing;
    }

    /// <summary>Builds the deferrable indexes that are missing (instant for those that exist).</summary>
    private async Task EnsureAsync(CancellationToken ct)
    {
        var table = db.QuotedTable<Lead>();
        var entity = db.Model.FindEntityType(typeof(Lead))!;
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        foreach (var index in Indexes())
        {
            var columns = string.Join(", ", index.Properties.Select(p => $"\"{p.GetColumnName(store)}\""));
            var filter = index.GetFilter() is { } f ? $" WHERE {f}" : "";
            var sql = $"CREATE {(index.IsUnique ? "UNIQUE " : "")}INDEX IF NOT EXISTS \"{index.GetDatabaseName()}\" ON {table} ({columns}){filter}";
            await db.Database.ExecuteSqlRawAsync(sql, ct);
        }
    }

    /// <summary>How many of the deferrable indexes exist now.</summary>
    private async Task<int> CountExistingAsync(CancellationToken ct)
    {
        var names = Names;
        var schema = db.Model.FindEntityType(typeof(Lead))!.GetSchema();
        var list = string.Join(", ", names.Select(n => $"'{n}'"));
        var sql = db.Database.IsSqlite()
            ? $"SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'index' AND name IN ({list})"
            : $"SELECT COUNT(*)::int AS \"Value\" FROM pg_indexes WHERE schemaname = '{schema ?? "public"}' AND indexname IN ({list})";
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync(ct);
    }
}
