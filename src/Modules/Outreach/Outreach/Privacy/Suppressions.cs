using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Compliance;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Privacy;

/// <summary>
/// One address that must never be contacted (docs/compliance.md, "Suppression lists"): an email, a phone (E.164) or an
/// email domain. Always found by <see cref="Hash"/> (<see cref="PersonalDataHash"/>); <see cref="Value"/> is kept in clear
/// for lists a person can read back, and null for people who asked to be forgotten.
/// </summary>
internal sealed class SuppressionEntry
{
    public long Id { get; init; }
    /// <summary>email, phone or domain.</summary>
    public required string Kind { get; init; }
    public required string Hash { get; init; }
    public string? Value { get; set; }
    /// <summary>unsubscribed, do-not-call, hard-bounce, objection, erased, import…</summary>
    public required string Reason { get; init; }
    public string? By { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<SuppressionEntry>(b =>
    {
        b.ToTable("Suppressions");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.Hash).IsUnique();
        b.Property(x => x.Kind).HasMaxLength(10);
        b.Property(x => x.Hash).HasMaxLength(64);
        b.Property(x => x.Value).HasMaxLength(254);
        b.Property(x => x.Reason).HasMaxLength(64);
        b.Property(x => x.By).HasMaxLength(200);
    });
}

/// <summary>Reading and writing the suppression list, set-based: one query per batch whatever its size.</summary>
internal static class SuppressionList
{
    /// <summary>The hashes a contact is suppressed under: its email, the email's domain and its phone.</summary>
    public static List<string> HashesOf(string? email, string? phone)
    {
        var hashes = new List<string>(3);
        if (PersonalDataHash.NormaliseEmail(email) is { } e)
        {
            hashes.Add(PersonalDataHash.Of(PersonalDataHash.Email, e));
            hashes.Add(PersonalDataHash.Of(PersonalDataHash.Domain, PersonalDataHash.DomainOf(e)!));
        }
        if (PersonalDataHash.NormalisePhone(phone) is { } p) hashes.Add(PersonalDataHash.Of(PersonalDataHash.Phone, p));
        return hashes;
    }

    /// <summary>The hashes that suppress a contact for <paramref name="channel"/>: email and domain for email, phone for calls, none otherwise.</summary>
    public static List<string> HashesFor(string channel, string? email, string? phone) =>
        channel == ContactChannels.Email ? HashesOf(email, null) : channel == ContactChannels.Call ? HashesOf(null, phone) : [];

    /// <summary>
    /// For each of <paramref name="hashes"/> that is listed, why (<c>on the suppression list (kind: reason)</c>): one read
    /// per 1,000 hashes, for a whole batch of contacts.
    /// </summary>
    public static async Task<Dictionary<string, string>> ReasonsAsync(OutreachDbContext db, IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in hashes.Distinct(StringComparer.Ordinal).Chunk(1000))
        {
            var listed = await db.Suppressions.AsNoTracking().Where(s => chunk.Contains(s.Hash)).Select(s => new { s.Hash, s.Kind, s.Reason })
                .ToListAsync(cancellationToken);
            foreach (var s in listed) found[s.Hash] = $"on the suppression list ({s.Kind}: {s.Reason})";
        }
        return found;
    }

    /// <summary>
    /// Adds entries (kind, normalised value) not already listed, in one insert; with <paramref name="hashedOnly"/> the
    /// value is not kept in clear and existing entries for it lose theirs. Returns (added, already present).
    /// </summary>
    public static async Task<(int Added, int Present)> AddAsync(OutreachDbContext db, IEnumerable<(string Kind, string Value)> entries, string reason, string? by,
        bool hashedOnly, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var wanted = entries.Select(e => (e.Kind, e.Value, Hash: PersonalDataHash.Of(e.Kind, e.Value))).DistinctBy(e => e.Hash).ToList();
        if (wanted.Count == 0) return (0, 0);
        var hashes = wanted.Select(e => e.Hash).ToList();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in hashes.Chunk(1000))
        {
            var existing = await db.Suppressions.Where(s => chunk.Contains(s.Hash)).ToListAsync(cancellationToken);
            foreach (var s in existing)
            {
                present.Add(s.Hash);
                if (hashedOnly) s.Value = null;
            }
        }
        var added = 0;
        foreach (var e in wanted.Where(e => !present.Contains(e.Hash)))
        {
            db.Suppressions.Add(new SuppressionEntry
            {
                Kind = e.Kind, Hash = e.Hash, Value = hashedOnly ? null : e.Value, Reason = reason, By = by, CreatedAt = now,
            });
            added++;
        }
        return (added, present.Count);
    }
}

internal sealed class AddSuppressionsValidator : IValidator<AddSuppressions>
{
    public static readonly string[] Kinds = [PersonalDataHash.Email, PersonalDataHash.Phone, PersonalDataHash.Domain];

    public void Validate(AddSuppressions m, ValidationErrors errors)
    {
        errors.Required("reason", m.Reason).SingleLine("reason", m.Reason, Limits.Key).SingleLine("by", m.By, Limits.Name);
        if (m.Entries is null or { Count: 0 }) errors.Add("entries", "Give at least one email, phone or domain.");
        else if (m.Entries.Count > 100_000) errors.Add("entries", "At most 100000 entries per request.");
    }
}

/// <summary>
/// Puts addresses on the suppression list in one commit (one lookup of what is already there per 1,000 entries) and records
/// the suppression in the audit log. Entries that cannot be read are refused by line, the others are kept.
/// </summary>
internal sealed class AddSuppressionsHandler(OutreachDbContext db, TimeProvider clock) : ICommandHandler<AddSuppressions, SuppressionsAdded>
{
    public async ValueTask<SuppressionsAdded> Handle(AddSuppressions command, CancellationToken cancellationToken)
    {
        var refused = new List<SuppressionProblem>();
        var entries = new List<(string, string)>(command.Entries.Count);
        for (var i = 0; i < command.Entries.Count; i++)
        {
            var (kind, value) = (command.Entries[i].Kind?.Trim().ToLowerInvariant(), command.Entries[i].Value);
            string? normalised = kind switch
            {
                PersonalDataHash.Email => PersonalDataHash.NormaliseEmail(value),
                PersonalDataHash.Phone => PersonalDataHash.NormalisePhone(value),
                PersonalDataHash.Domain => value?.Trim().TrimStart('@').ToLowerInvariant() is { Length: > 2 and <= 253 } d && d.Contains('.') && !d.Any(char.IsWhiteSpace) ? d : null,
                _ => null,
            };
            if (normalised is null)
            {
                if (refused.Count < 100) refused.Add(new SuppressionProblem(i + 1, kind is "email" or "phone" or "domain" ? $"Not a valid {kind}." : "Kind must be email, phone or domain."));
                continue;
            }
            entries.Add((kind!, normalised));
        }
        var now = clock.GetUtcNow();
        var (added, present) = await SuppressionList.AddAsync(db, entries, command.Reason, command.By, hashedOnly: false, now, cancellationToken);
        if (added > 0)
            db.Publish(new PrivacyAuditRecorded(PrivacyAuditKinds.Suppressed, null, $"{added} entries added to the suppression list ({command.Reason}).",
                command.By, now, OutreachModule.ModuleName));
        await db.SaveChangesAsync(cancellationToken);
        return new SuppressionsAdded(added, present, refused);
    }
}
