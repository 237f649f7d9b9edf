using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Leads.Scoring;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Search;

internal static class SearchEndpoints
{
    public static void MapSearch(this IEndpointRouteBuilder api)
    {
        api.MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new GetLead(id), ct)))
            .WithName("GetLead").WithSummary("One lead with score reasons (decayed), interests, sources, consents, merges and status history");
        api.MapGet("/", async (string? email, string? phone, string? status, string? q, int? page, int? pageSize, string? kind, string? channel,
                    string? campaignId, string? stage, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new ListLeads(email, phone, status, q, page ?? Paging.FirstPage, pageSize ?? Paging.DefaultPageSize,
                    kind, channel, campaignId, stage), ct)))
            .WithName("ListLeads").WithSummary("Search leads with filters and paging (email and phone are normalised before matching)");
        api.MapGet("/{id}/timeline", async (string id, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await LeadTimeline.ComposeAsync(sender, id, ct)))
            .WithName("GetLeadTimeline").WithSummary("Every touch on the lead from every module, oldest first");
    }
}

internal static class LeadProjection
{
    public static LeadDetails ToDetails(this Lead l, MqlDefinition definition, DateTimeOffset now,
        IReadOnlyList<LeadMerge>? merges = null, IReadOnlyList<LeadStatusEntry>? statuses = null)
    {
        var consents = l.Consents.OrderBy(s => s.At).ThenBy(s => s.Id)
            .Select(s => new LeadConsentRecord(s.Purpose, s.Granted, s.Text, s.At, s.Proof, s.Channel, s.Kind)).ToList();
        return new LeadDetails(
            l.Id, l.Email, l.Phone, l.FirstName, l.LastName, l.Company, l.JobTitle, l.PostalCode, l.Kind, l.Status,
            ScoreCard.Evaluate(l.ScoreEntries, definition, now),
            l.Sources.OrderBy(s => s.Id).Select(s => new LeadSourceRecord(s.Channel, s.CampaignId, s.AssetId, s.Detail, s.Reference, s.At) { ReferredBy = s.ReferredBy }).ToList(),
            consents,
            l.CallbackRequestedAt is not null,
            l.CreatedAt)
        {
            PhoneValid = l.PhoneAsTyped is null,
            PhoneAsTyped = l.PhoneAsTyped,
            JourneyStage = l.JourneyStage,
            EditedFields = l.EditedFields?.Split(',') ?? [],
            RejectionReason = l.RejectionReason,
            LinkedInUrl = l.LinkedInUrl,
            // A withdrawal is never lost: the ledger keeps every entry, the current state is the latest per purpose and channel.
            CurrentConsents = consents.GroupBy(c => (c.Purpose, c.Channel)).Select(g => g.Last()).ToList(),
            Merges = (merges ?? []).Select(m => new LeadMergeRecord(m.Id, m.MatchedOn.Split(','), m.FilledFields?.Split(',') ?? [], m.Reference, m.At,
                m.UndoneAt, m.RecreatedLeadId)).ToList(),
            StatusHistory = (statuses ?? []).Select(s => new LeadStatusChange(s.From, s.To, s.Reason, s.By, s.At)).ToList(),
        };
    }

    public static IQueryable<Lead> WithDetails(this IQueryable<Lead> leads) =>
        leads.AsNoTracking().Include(l => l.Sources).Include(l => l.Consents).Include(l => l.ScoreEntries).AsSplitQuery();
}

internal sealed class GetLeadHandler(LeadsDbContext db, MqlDefinitions definitions, TimeProvider clock) : IQueryHandler<GetLead, LeadDetails>
{
    public async ValueTask<LeadDetails> Handle(GetLead query, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.WithDetails().FirstOrDefaultAsync(l => l.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Lead", query.Id);
        var merges = await db.Merges.AsNoTracking().Where(m => m.LeadId == query.Id).OrderBy(m => m.At).ToListAsync(cancellationToken);
        var statuses = await db.StatusChanges.AsNoTracking().Where(m => m.LeadId == query.Id).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        // Whom this lead referred, and where each of them stands now (one query, on the ReferredBy index).
        var referrals = await (
            from s in db.Sources.AsNoTracking()
            where s.ReferredBy == query.Id
            join l in db.Leads.AsNoTracking() on s.LeadId equals l.Id
            orderby s.Id
            select new LeadReferral(l.Id, l.FirstName, l.LastName, l.Company, l.Status, s.At)).Take(500).ToListAsync(cancellationToken);
        var (_, definition) = await definitions.CurrentAsync(cancellationToken);
        return lead.ToDetails(definition, clock.GetUtcNow(), merges, statuses) with
        {
            Referrals = referrals.DistinctBy(r => r.LeadId).ToList(),
        };
    }
}

internal sealed class GetLeadContactHandler(LeadsDbContext db) : IQueryHandler<GetLeadContact, LeadContact?>
{
    public async ValueTask<LeadContact?> Handle(GetLeadContact query, CancellationToken cancellationToken) =>
        await db.Leads.AsNoTracking().Where(l => l.Id == query.Id)
            .Select(l => new LeadContact(l.Id, l.Email, l.Phone, l.FirstName, l.LastName, l.Company, l.JobTitle, l.LinkedInUrl))
            .FirstOrDefaultAsync(cancellationToken);
}

internal sealed class GetLeadContactsHandler(LeadsDbContext db) : IQueryHandler<GetLeadContacts, IReadOnlyList<LeadContact>>
{
    public async ValueTask<IReadOnlyList<LeadContact>> Handle(GetLeadContacts query, CancellationToken cancellationToken)
    {
        if (query.Ids.Count == 0) return [];
        var ids = query.Ids.Distinct().ToList();
        return await db.Leads.AsNoTracking().Where(l => ids.Contains(l.Id))
            .Select(l => new LeadContact(l.Id, l.Email, l.Phone, l.FirstName, l.LastName, l.Company, l.JobTitle, l.LinkedInUrl))
            .ToListAsync(cancellationToken);
    }
}

internal sealed class GetLeadContactFactsHandler(LeadsDbContext db, MqlDefinitions definitions, TimeProvider clock)
    : IQueryHandler<GetLeadContactFacts, LeadContactFacts?>
{
    public async ValueTask<LeadContactFacts?> Handle(GetLeadContactFacts query, CancellationToken cancellationToken)
    {
        var id = query.Id;
        var lead = await db.Leads.AsNoTracking().Where(l => l.Id == id)
            .Select(l => new
            {
                l.Email, l.Phone, l.Kind, l.PostalCode, l.Status, l.CallbackRequestedAt, l.CreatedAt,
                // As GetLead's readers check it: a source detail that says so, whatever its case.
                Indirect = l.Sources.Any(s => s.Detail != null && s.Detail.ToLower().Contains("collected indirectly")),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (lead is null) return null;
        var consents = await db.Consents.AsNoTracking().Where(c => c.LeadId == id).OrderBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new LeadConsentRecord(c.Purpose, c.Granted, c.Text, c.At, c.Proof, c.Channel, c.Kind)).ToListAsync(cancellationToken);
        DateTimeOffset? callbackAt = null;
        if (lead.CallbackRequestedAt is not null)
        {
            // The same answer as GetLead's score reasons: the latest callback request still counted, else the lead's creation.
            var entries = await db.ScoreEntries.AsNoTracking().Where(e => e.LeadId == id).ToListAsync(cancellationToken);
            var (_, definition) = await definitions.CurrentAsync(cancellationToken);
            callbackAt = ScoreCard.Evaluate(entries, definition, clock.GetUtcNow()).Reasons
                .Where(r => r.Rule == ScoringRule.CallbackRequested).Select(r => (DateTimeOffset?)r.At).Max() ?? lead.CreatedAt;
        }
        return new LeadContactFacts(id, lead.Email, lead.Phone, lead.Kind, lead.PostalCode, lead.Status, consents, callbackAt, lead.Indirect);
    }
}

/// <summary>
/// <see cref="GetLeadContactFactsHandler"/>'s answer for many leads: per chunk of 1,000 ids, the leads (with the same
/// <c>EXISTS</c> on their sources), their consents, and the score entries of those that asked for a callback — three
/// statements however many leads, computed exactly as the single query does.
/// </summary>
internal sealed class GetLeadsContactFactsHandler(LeadsDbContext db, MqlDefinitions definitions, TimeProvider clock)
    : IQueryHandler<GetLeadsContactFacts, IReadOnlyList<LeadContactFacts>>
{
    private const int Chunk = 1000;

    public async ValueTask<IReadOnlyList<LeadContactFacts>> Handle(GetLeadsContactFacts query, CancellationToken cancellationToken)
    {
        var result = new List<LeadContactFacts>(query.Ids.Count);
        MqlDefinition? definition = null;
        var now = clock.GetUtcNow();
        foreach (var chunk in query.Ids.Where(id => id is not null).Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            var ids = chunk.ToList();
            var leads = await db.Leads.AsNoTracking().Where(l => ids.Contains(l.Id))
                .Select(l => new
                {
                    l.Id, l.Email, l.Phone, l.Kind, l.PostalCode, l.Status, l.CallbackRequestedAt, l.CreatedAt,
                    // As GetLead's readers check it: a source detail that says so, whatever its case.
                    Indirect = l.Sources.Any(s => s.Detail != null && s.Detail.ToLower().Contains("collected indirectly")),
                })
                .ToListAsync(cancellationToken);
            if (leads.Count == 0) continue;
            var found = leads.Select(l => l.Id).ToList();
            var consents = (await db.Consents.AsNoTracking().Where(c => found.Contains(c.LeadId))
                    .OrderBy(c => c.LeadId).ThenBy(c => c.At).ThenBy(c => c.Id)
                    .Select(c => new { c.LeadId, Record = new LeadConsentRecord(c.Purpose, c.Granted, c.Text, c.At, c.Proof, c.Channel, c.Kind) })
                    .ToListAsync(cancellationToken))
                .ToLookup(c => c.LeadId, c => c.Record, StringComparer.Ordinal);
            var callers = leads.Where(l => l.CallbackRequestedAt is not null).Select(l => l.Id).ToList();
            var entries = callers.Count == 0
                ? Enumerable.Empty<ScoreEntry>().ToLookup(e => e.LeadId, StringComparer.Ordinal)
                : (await db.ScoreEntries.AsNoTracking().Where(e => callers.Contains(e.LeadId)).ToListAsync(cancellationToken))
                    .ToLookup(e => e.LeadId, StringComparer.Ordinal);
            if (callers.Count > 0 && definition is null) definition = (await definitions.CurrentAsync(cancellationToken)).Definition;
            foreach (var lead in leads)
            {
                DateTimeOffset? callbackAt = null;
                if (lead.CallbackRequestedAt is not null)
                    // The same answer as GetLead's score reasons: the latest callback request still counted, else the lead's creation.
                    callbackAt = ScoreCard.Evaluate(entries[lead.Id], definition!, now).Reasons
                        .Where(r => r.Rule == ScoringRule.CallbackRequested).Select(r => (DateTimeOffset?)r.At).Max() ?? lead.CreatedAt;
                result.Add(new LeadContactFacts(lead.Id, lead.Email, lead.Phone, lead.Kind, lead.PostalCode, lead.Status, consents[lead.Id].ToList(),
                    callbackAt, lead.Indirect));
            }
        }
        return result;
    }
}

internal sealed class FindLeadBySourceHandler(LeadsDbContext db) : IQueryHandler<FindLeadBySource, string?>
{
    public async ValueTask<string?> Handle(FindLeadBySource query, CancellationToken cancellationToken) =>
        await db.Sources.AsNoTracking().Where(s => s.Reference == query.Reference).Select(s => s.LeadId).FirstOrDefaultAsync(cancellationToken);
}

internal sealed class ListLeadsValidator : IValidator<ListLeads>
{
    public void Validate(ListLeads m, ValidationErrors errors)
    {
        errors.Page(m.Page, m.PageSize);
        errors.OneOf("status", m.Status, LeadStatus.All.ToArray()).MaxLength("q", m.Query, Limits.Search)
            .MaxLength("email", m.Email, Limits.Email).MaxLength("phone", m.Phone, Limits.Phone)
            .OneOf("kind", m.Kind, LeadKind.All.ToArray()).OneOf("channel", m.Channel, LeadChannel.All.ToArray())
            .OneOf("stage", m.Stage, JourneyStage.All.ToArray()).SingleLine("campaignId", m.CampaignId, Limits.Id);
        if (!string.IsNullOrWhiteSpace(m.Email) && ContactNormalizer.Email(m.Email) is null) errors.Add("email", "Not a valid email address.");
        if (!string.IsNullOrWhiteSpace(m.Phone) && ContactNormalizer.French.PhoneKey(m.Phone) is null) errors.Add("phone", "Not a valid phone number.");
    }
}

internal sealed class ListLeadsHandler(LeadsDbContext db, ContactNormalizer normalizer, MqlDefinitions definitions, TimeProvider clock) : IQueryHandler<ListLeads, LeadPage>
{
    public async ValueTask<LeadPage> Handle(ListLeads query, CancellationToken cancellationToken)
    {
        IQueryable<Lead> leads = db.Leads;
        if (ContactNormalizer.Email(query.Email) is { } email) leads = leads.Where(l => l.Email == email);
        if (normalizer.PhoneKey(query.Phone) is { } phone) leads = leads.Where(l => l.Phone == phone);
        if (query.Status is not null) leads = leads.Where(l => l.Status == query.Status);
        if (query.Kind is not null) leads = leads.Where(l => l.Kind == query.Kind);
        if (query.Channel is not null) leads = leads.Where(l => l.Channel == query.Channel);
        if (query.CampaignId is not null) leads = leads.Where(l => l.CampaignId == query.CampaignId);
        if (query.Stage is not null) leads = leads.Where(l => l.JourneyStage == query.Stage);
        // The total is exact up to ExactTotal matches (or the end of the page asked for); beyond, the count stops there:
        // counting a million matching rows to print "1,000,000" costs seconds and tells a person nothing "10,000+" does not.
        var countUpTo = Math.Max(ListLeadsLimits.ExactTotal, query.Page * query.PageSize);
        IQueryable<string> ids;
        if (!string.IsNullOrWhiteSpace(query.Query))
        {
            // Accents and case do not matter: both sides are folded the same way (LeadSearch). Each alternative is a range on
            // an indexed column (a prefix), never a scan of every name: first name first, last name first and company from
            // indexes that carry the id (no row per match), email from the unique Email index (a row per email match; a second
            // (Email, Id) index cost every import insert more than it saved here, docs/performance.md "Lead import").
            var q = LeadSearch.Fold(string.Join(' ', query.Query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            var end = LeadSearch.PrefixEnd(q);
            var company = ContactNormalizer.CompanyKey(q) ?? q;
            var companyEnd = LeadSearch.PrefixEnd(company);
            ids = leads.Where(l => string.Compare(l.SearchText, q) >= 0 && string.Compare(l.SearchText, end) < 0).Select(l => l.Id)
                .Union(leads.Where(l => string.Compare(l.NameKey, q) >= 0 && string.Compare(l.NameKey, end) < 0).Select(l => l.Id))
                .Union(leads.Where(l => string.Compare(l.CompanyKey, company) >= 0 && string.Compare(l.CompanyKey, companyEnd) < 0).Select(l => l.Id))
                .Union(leads.Where(l => string.Compare(l.Email, q) >= 0 && string.Compare(l.Email, end) < 0).Select(l => l.Id));
        }
        else ids = leads.Select(l => l.Id);
        var counted = await ids.Take(countUpTo + 1).CountAsync(cancellationToken);
        var capped = counted > countUpTo;
        var pageIds = await ids.OrderBy(id => id).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        var loaded = await db.Leads.Where(l => pageIds.Contains(l.Id)).WithDetails().ToDictionaryAsync(l => l.Id, cancellationToken);
        var items = pageIds.Select(id => loaded[id]).ToList();
        var (_, definition) = await definitions.CurrentAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return new LeadPage(items.Select(l => l.ToDetails(definition, now)).ToList(), capped ? countUpTo : counted, query.Page, query.PageSize, capped);
    }
}

/// <summary>
/// The timeline composes one query per module (docs/architecture.md, "Timelines"): each module answers
/// <c>Get{Module}Timeline(LeadId)</c> from its Contracts with <see cref="TimelineEntry"/> items, and this merges them by
/// time. A module that is off answers 503 through the pipeline: its part is left out, the rest is shown.
/// </summary>
internal static class LeadTimeline
{
    public static async Task<IReadOnlyList<TimelineEntry>> ComposeAsync(ISender sender, string leadId, CancellationToken ct)
    {
        var parts = new List<TimelineEntry>(await sender.Send(new GetLeadsTimeline(leadId), ct));
        try { parts.AddRange((await sender.Send(new GetContentTimeline(leadId), ct)).Select(Describe)); }
        catch (ModuleDisabledException) { } // Content is off: its part is left out
        // Other modules add their query here as they answer one (Prospects; Outreach).
        return parts.OrderBy(e => e.At).ToList();
    }

    private static TimelineEntry Describe(ContentTimelineEntry e)
    {
        var what = e.Type switch
        {
            ContentTimelineTypes.Visit => $"Visited the page {e.Title}",
            ContentTimelineTypes.Submission => $"Submitted the form {e.Title}",
            ContentTimelineTypes.Download => $"Downloaded {e.Title}",
            _ => e.Title,
        };
        if (e.Path is not null) what += $" ({e.Path})";
        if (e.Campaign is not null) what += $", campaign {e.Campaign}";
        if (e.Utm is not null) what += $", UTM {e.Utm}";
        return new TimelineEntry(e.At, "Content", e.Type, what + ".");
    }
}

internal sealed class GetLeadsTimelineHandler(LeadsDbContext db) : IQueryHandler<GetLeadsTimeline, IReadOnlyList<TimelineEntry>>
{
    private const string Module = LeadsModule.ModuleName;

    public async ValueTask<IReadOnlyList<TimelineEntry>> Handle(GetLeadsTimeline query, CancellationToken cancellationToken)
    {
        var id = query.LeadId;
        if (!await db.Leads.AnyAsync(l => l.Id == id, cancellationToken)) throw new NotFoundException("Lead", id);
        var entries = new List<TimelineEntry>();
        entries.AddRange((await db.Sources.AsNoTracking().Where(s => s.LeadId == id).ToListAsync(cancellationToken))
            .Select(s => new TimelineEntry(s.At, Module, "source", $"Captured from {s.Channel}{(s.Detail is null ? "" : $" ({s.Detail})")}{(s.CampaignId is null ? "" : $", campaign {s.CampaignId}")}.")));
        entries.AddRange((await db.Consents.AsNoTracking().Where(s => s.LeadId == id).ToListAsync(cancellationToken))
            .Select(s => new TimelineEntry(s.At, Module, "consent", $"Consent {(s.Granted ? "given" : "withdrawn")} for {s.Purpose} ({s.Channel}).")));
        entries.AddRange((await db.ScoreEntries.AsNoTracking().Where(s => s.LeadId == id).ToListAsync(cancellationToken))
            .Select(s => new TimelineEntry(s.At, Module, "score", $"{s.Rule}{(s.Detail is null ? "" : $" ({s.Detail})")}: {s.Points} points.")));
        entries.AddRange((await db.StatusChanges.AsNoTracking().Where(s => s.LeadId == id).ToListAsync(cancellationToken))
            .Select(s => new TimelineEntry(s.At, Module, "status", $"{s.From} → {s.To}{(s.Reason is null ? "" : $": {s.Reason}")} (by {s.By}).")));
        entries.AddRange((await db.Merges.AsNoTracking().Where(s => s.LeadId == id).ToListAsync(cancellationToken))
            .Select(s => new TimelineEntry(s.At, Module, "merge", $"Merged on {s.MatchedOn}{(s.UndoneAt is null ? "" : " (undone)")}.")));
        return entries.OrderBy(e => e.At).ToList();
    }
}
