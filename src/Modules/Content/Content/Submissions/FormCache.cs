using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;

namespace Tandem.Modules.Content;

/// <summary>
/// What a submission reads of its form (the form, its asset, the landing page, the campaign utm_campaign names), kept in
/// memory for a short while: every submission of a form reads the same few rows, and at a few hundred submissions a
/// second that read was a tenth of Content's CPU and a read transaction per request (docs/performance.md, "The form
/// from memory"). Rules (docs/architecture.md, "Caches"):
/// <list type="bullet">
/// <item>A change of a form, asset, landing page or campaign saved by this host empties the cache once committed
/// (<see cref="Data.ContentDbContext"/>), and a read that began before it is not kept: this host never answers from a
/// form older than its own last edit.</item>
/// <item>Another host sharing the database (PostgreSQL) sees an edit within <c>Tandem:Content:FormCacheMs</c>
/// (default 1,000 ms): entries expire, on the host's clock.</item>
/// <item>Bounded: unknown form ids are not kept, and past <see cref="MaxEntries"/> entries (utm_campaign is free text)
/// the cache starts over.</item>
/// </list>
/// </summary>
internal sealed class FormCache(TimeProvider clock, TimeSpan lifetime)
{
    public const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private long _generation;

    public FormCache(TimeProvider clock, IConfiguration configuration)
        : this(clock, TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("Tandem:Content:FormCacheMs", 1000), 0, 60_000)))
    {
    }

    public bool Enabled => lifetime > TimeSpan.Zero;

    /// <summary>Entries kept now (for tests and diagnostics).</summary>
    public int Count => _entries.Count;

    internal readonly record struct Key(string FormId, string? Slug, string? UtmCampaign);

    private sealed record Entry(SubmitFormHandler.FoundForm Found, long Generation, long StoredAt);

    /// <summary>The form as read within the lifetime and since this host's last change, or <paramref name="read"/>'s answer.</summary>
    public async Task<SubmitFormHandler.FoundForm?> GetAsync(Key key, Func<Task<SubmitFormHandler.FoundForm?>> read)
    {
        if (!Enabled) return await read();
        var generation = Volatile.Read(ref _generation);
        if (_entries.TryGetValue(key, out var entry) && entry.Generation == generation
            && clock.GetElapsedTime(entry.StoredAt) < lifetime)
            return entry.Found;
        var storedAt = clock.GetTimestamp();
        var found = await read();
        if (found is null) return null;
        if (_entries.Count >= MaxEntries) _entries.Clear();
        // Kept with the generation seen before reading: if a change was committed meanwhile, the entry is never served.
        _entries[key] = new Entry(found, generation, storedAt);
        return found;
    }

    /// <summary>Forgets every entry: a form, asset, landing page or campaign was changed and committed by this host.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }
}
