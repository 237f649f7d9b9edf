using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Shared.Compliance;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Leads.Privacy;

/// <summary>
/// An identifier of a person who asked to be forgotten (docs/compliance.md, "Data-subject rights"), kept only as its
/// <see cref="PersonalDataHash"/>: captures and imports carrying it are refused, so the person is not brought back.
/// </summary>
internal sealed class ErasedIdentifier
{
    public required string Hash { get; init; }
    /// <summary>email, phone or linkedin.</summary>
    public required string Kind { get; init; }
    public DateTimeOffset ErasedAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<ErasedIdentifier>(b =>
    {
        b.ToTable("ErasedIdentifiers");
        b.HasKey(x => x.Hash);
        b.Property(x => x.Hash).HasMaxLength(64);
        b.Property(x => x.Kind).HasMaxLength(10);
    });
}

/// <summary>Set-based checks against the erased identifiers: one query per batch of contacts.</summary>
internal static class ErasedIdentifiers
{
    /// <summary>The hashes of a normalised email, E.164 phone and LinkedIn profile URL (any may be null).</summary>
    public static IEnumerable<string> HashesOf(string? email, string? phone, string? linkedInUrl = null)
    {
        if (email is not null) yield return PersonalDataHash.Of(PersonalDataHash.Email, email);
        if (phone is not null) yield return PersonalDataHash.Of(PersonalDataHash.Phone, phone);
        if (linkedInUrl is not null) yield return PersonalDataHash.Of(PersonalDataHash.LinkedIn, linkedInUrl);
    }

    /// <summary>Which of <paramref name="hashes"/> belong to erased people.</summary>
    public static async Task<HashSet<string>> AmongAsync(LeadsDbContext db, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        var erased = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in hashes.Distinct().Chunk(1000))
            erased.UnionWith(await db.ErasedIdentifiers.AsNoTracking().Where(e => chunk.Contains(e.Hash)).Select(e => e.Hash).ToListAsync(cancellationToken));
        return erased;
    }

    public const string Refusal = "This person asked to be forgotten (GDPR art. 17): they are not recorded again.";
}

internal sealed class RecordConsentEventsValidator : IValidator<RecordConsentEvents>
{
    public void Validate(RecordConsentEvents m, ValidationErrors errors)
    {
        errors.Required("leadId", m.LeadId).SingleLine("leadId", m.LeadId, Limits.Id).MaxCount("consents", m.Consents, Limits.Consents)
            .SingleLine("by", m.By, Limits.Name);
        foreach (var c in m.Consents ?? [])
            errors.Required("consents.purpose", c.Purpose).SingleLine("consents.purpose", c.Purpose, Limits.Key).MultiLine("consents.text", c.Text, Limits.Text)
                .SingleLine("consents.proof", c.Proof, Limits.Proof);
    }
}

/// <summary>Adds consent events to the lead's ledger (effective at once: the latest entry of a purpose decides) and audits them.</summary>
internal sealed class RecordConsentEventsHandler(LeadsDbContext db, TimeProvider clock) : ICommandHandler<RecordConsentEvents, ConsentEventsRecorded>
{
    public async ValueTask<ConsentEventsRecorded> Handle(RecordConsentEvents command, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.AsNoTracking().Where(l => l.Id == command.LeadId).Select(l => new { l.Id, l.Kind }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Lead", command.LeadId);
        var now = clock.GetUtcNow();
        foreach (var c in command.Consents)
            db.Consents.Add(new LeadConsentEntry
            {
                LeadId = lead.Id, Purpose = c.Purpose, Granted = c.Granted, Text = c.Text, Proof = c.Proof,
                Channel = c.Channel ?? ConsentChannel.FromPurpose(c.Purpose), Kind = lead.Kind, At = now,
            });
        db.Publish(new PrivacyAuditRecorded(PrivacyAuditKinds.ConsentChanged, $"lead:{lead.Id}",
            string.Join("; ", command.Consents.Select(c => $"{c.Purpose} {(c.Granted ? "given" : "withdrawn")}")), command.By, now, LeadsModule.ModuleName));
        await db.SaveChangesAsync(cancellationToken);
        return new ConsentEventsRecorded(command.Consents.Count);
    }
}

/// <summary>Normalises the identifiers a data-subject request names (emails as Leads stores them, phones as E.164).</summary>
internal static class SubjectIdentifiers
{
    public static (List<string> Emails, List<string> Phones) Normalise(IReadOnlyList<string> emails, IReadOnlyList<string> phones, ContactNormalizer normalizer) =>
        (emails.Select(ContactNormalizer.Email).OfType<string>().Distinct().ToList(),
         phones.Select(p => normalizer.PhoneKey(p)).OfType<string>().Distinct().ToList());
}

/// <summary>Leads' part of an export: every lead with one of the emails or phones, with its ledger and timeline.</summary>
internal sealed class ExportLeadsPersonalDataHandler(LeadsDbContext db, ISender sender, ContactNormalizer normalizer)
    : IQueryHandler<ExportLeadsPersonalData, LeadsPersonalData>
{
    public async ValueTask<LeadsPersonalData> Handle(ExportLeadsPersonalData query, CancellationToken cancellationToken)
    {
        var (emails, phones) = SubjectIdentifiers.Normalise(query.Emails, query.Phones, normalizer);
        var ids = await db.Leads.AsNoTracking().Where(l => (l.Email != null && emails.Contains(l.Email)) || (l.Phone != null && phones.Contains(l.Phone)))
            .Select(l => l.Id).ToListAsync(cancellationToken);
        var leads = new List<LeadDetails>(ids.Count);
        var timeline = new List<TimelineEntry>();
        foreach (var id in ids)
        {
            leads.Add(await sender.Send(new GetLead(id), cancellationToken));
            timeline.AddRange(await sender.Send(new GetLeadsTimeline(id), cancellationToken));
        }
        var allEmails = emails.Concat(leads.Select(l => l.Email).OfType<string>()).Distinct().ToList();
        var allPhones = phones.Concat(leads.Select(l => l.Phone).OfType<string>()).Distinct().ToList();
        var erased = await ErasedIdentifiers.AmongAsync(db, allEmails.Select(e => PersonalDataHash.Of(PersonalDataHash.Email, e))
            .Concat(allPhones.Select(p => PersonalDataHash.Of(PersonalDataHash.Phone, p))).ToList(), cancellationToken);
        return new LeadsPersonalData(allEmails, allPhones, leads, timeline, erased.Count > 0);
    }
}

/// <summary>
/// Erases the people from Leads, any number at once: their leads and everything attached (sources, consent ledger, score
/// entries, merges with their captured copies, status history) are deleted set-based, and the hashes of every email and
/// phone they had are kept in <see cref="ErasedIdentifier"/>.
/// </summary>
internal sealed class EraseLeadsPersonalDataHandler(LeadsDbContext db, ContactNormalizer normalizer, TimeProvider clock)
    : ICommandHandler<EraseLeadsPersonalData, LeadsPersonalDataErased>
{
    public async ValueTask<LeadsPersonalDataErased> Handle(EraseLeadsPersonalData command, CancellationToken cancellationToken)
    {
        var (emails, phones) = SubjectIdentifiers.Normalise(command.Emails, command.Phones, normalizer);
        var leads = new List<(string Id, string? Email, string? Phone, string? LinkedInUrl)>();
        foreach (var chunk in emails.Chunk(500))
            leads.AddRange((await db.Leads.AsNoTracking().Where(l => chunk.Contains(l.Email!)).Select(l => new { l.Id, l.Email, l.Phone, l.LinkedInUrl }).ToListAsync(cancellationToken))
                .Select(l => (l.Id, l.Email, l.Phone, l.LinkedInUrl)));
        foreach (var chunk in phones.Chunk(500))
            leads.AddRange((await db.Leads.AsNoTracking().Where(l => chunk.Contains(l.Phone!)).Select(l => new { l.Id, l.Email, l.Phone, l.LinkedInUrl }).ToListAsync(cancellationToken))
                .Select(l => (l.Id, l.Email, l.Phone, l.LinkedInUrl)));
        var ids = leads.Select(l => l.Id).Distinct().ToList();
        var allEmails = emails.Concat(leads.Select(l => l.Email).OfType<string>()).Distinct().ToList();
        var allPhones = phones.Concat(leads.Select(l => l.Phone).OfType<string>()).Distinct().ToList();

        var deleted = 0;
        foreach (var chunk in ids.Chunk(500))
            deleted += await db.WriteAsync(async ct =>
            {
                var n = await db.Sources.Where(s => chunk.Contains(s.LeadId)).ExecuteDeleteAsync(ct);
                n += await db.Consents.Where(s => chunk.Contains(s.LeadId)).ExecuteDeleteAsync(ct);
                n += await db.ScoreEntries.Where(s => chunk.Contains(s.LeadId)).ExecuteDeleteAsync(ct);
                n += await db.Merges.Where(s => chunk.Contains(s.LeadId) || (s.RecreatedLeadId != null && chunk.Contains(s.RecreatedLeadId))).ExecuteDeleteAsync(ct);
                n += await db.StatusChanges.Where(s => chunk.Contains(s.LeadId)).ExecuteDeleteAsync(ct);
                n += await db.Leads.Where(l => chunk.Contains(l.Id)).ExecuteDeleteAsync(ct);
                return n;
            }, cancellationToken);

        var hashes = allEmails.Select(e => (Kind: PersonalDataHash.Email, Hash: PersonalDataHash.Of(PersonalDataHash.Email, e)))
            .Concat(allPhones.Select(p => (Kind: PersonalDataHash.Phone, Hash: PersonalDataHash.Of(PersonalDataHash.Phone, p))))
            // The profile URL too: a Connections.csv row carries no email, and must not bring the person back either.
            .Concat(leads.Select(l => l.LinkedInUrl).OfType<string>().Distinct()
                .Select(u => (Kind: PersonalDataHash.LinkedIn, Hash: PersonalDataHash.Of(PersonalDataHash.LinkedIn, u)))).ToList();
        var known = await ErasedIdentifiers.AmongAsync(db, hashes.Select(h => h.Hash).ToList(), cancellationToken);
        var now = clock.GetUtcNow();
        if (command.Remember)
            foreach (var (kind, hash) in hashes.Where(h => !known.Contains(h.Hash)).DistinctBy(h => h.Hash))
                db.ErasedIdentifiers.Add(new ErasedIdentifier { Hash = hash, Kind = kind, ErasedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        return new LeadsPersonalDataErased(ids, allEmails, allPhones, deleted);
    }
}

/// <summary>
/// The retention purge's candidates, set-based: leads created before the cut-off with no source (capture) and no score
/// entry (a behaviour: click, visit, download, form, reply) since. Score entries never include email opens.
/// </summary>
internal sealed class FindInactiveLeadsHandler(LeadsDbContext db) : IQueryHandler<FindInactiveLeads, InactiveLeads>
{
    public async ValueTask<InactiveLeads> Handle(FindInactiveLeads query, CancellationToken cancellationToken)
    {
        var before = query.Before;
        var leads = db.Leads.AsNoTracking();
        if (query.AfterId is { } after) leads = leads.Where(l => string.Compare(l.Id, after) > 0);
        var items = await leads
            .Where(l => l.CreatedAt < before
                        && !db.Sources.Any(s => s.LeadId == l.Id && s.At >= before)
                        && !db.ScoreEntries.Any(s => s.LeadId == l.Id && s.At >= before))
            .OrderBy(l => l.Id).Take(Math.Clamp(query.Limit, 1, 10_000))
            .Select(l => new InactiveLead(l.Id, l.Email, l.Phone, l.CreatedAt))
            .ToListAsync(cancellationToken);
        return new InactiveLeads(items);
    }
}
