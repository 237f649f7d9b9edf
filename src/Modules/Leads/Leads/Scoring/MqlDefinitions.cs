using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;

namespace Tandem.Modules.Leads.Scoring;

/// <summary>The default definition (version 0, from configuration) and the last definition read, shared by the scopes.</summary>
internal sealed class MqlDefinitionCache(MqlDefinition defaults, TimeProvider clock)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    private (int Version, MqlDefinition Definition, DateTimeOffset ReadAt)? _last;

    public MqlDefinition Defaults { get; } = defaults;

    public (int, MqlDefinition)? Fresh() =>
        _last is { } last && clock.GetUtcNow() - last.ReadAt < Freshness ? (last.Version, last.Definition) : null;

    public void Remember(int version, MqlDefinition definition) => _last = (version, definition, clock.GetUtcNow());

    public void Forget() => _last = null;
}

/// <summary>
/// The one shared MQL definition: the newest recorded version, or the configured default while nobody changed it. Read at
/// most every two seconds per host (another host's change is seen within that time).
/// </summary>
internal sealed class MqlDefinitions(LeadsDbContext db, MqlDefinitionCache cache)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<(int Version, MqlDefinition Definition)> CurrentAsync(CancellationToken cancellationToken)
    {
        if (cache.Fresh() is { } fresh) return fresh;
        var latest = await db.MqlDefinitions.AsNoTracking().OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);
        var current = latest is null ? (0, cache.Defaults) : (latest.Version, Read(latest.Definition));
        cache.Remember(current.Item1, current.Item2);
        return current;
    }

    public static MqlDefinition Read(string json) => JsonSerializer.Deserialize<MqlDefinition>(json, Json)!;

    public static string Write(MqlDefinition definition) => JsonSerializer.Serialize(definition, Json);
}
