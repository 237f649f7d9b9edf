using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Prospects.Journey;

internal sealed class ChangeProspectStageValidator : IValidator<ChangeProspectStage>
{
    public void Validate(ChangeProspectStage m, ValidationErrors errors) => errors.Required("stage", m.Stage).OneOf("stage", m.Stage, ProspectStages.All);
}

internal sealed class ChangeProspectStageHandler(ProspectsDbContext db) : ICommandHandler<ChangeProspectStage, ProspectDetails>
{
    public async ValueTask<ProspectDetails> Handle(ChangeProspectStage command, CancellationToken cancellationToken)
    {
        var prospect = await db.Prospects.FirstOrDefaultAsync(p => p.Id == command.ProspectId, cancellationToken) ?? throw new NotFoundException("Prospect", command.ProspectId);
        prospect.MoveTo(command.Stage);
        await db.SaveChangesAsync(cancellationToken);
        return prospect.ToDetails();
    }
}

internal sealed class RecordProspectOutcomeValidator : IValidator<RecordProspectOutcome>
{
    public void Validate(RecordProspectOutcome m, ValidationErrors errors)
    {
        errors.Required("outcome", m.Outcome).OneOf("outcome", m.Outcome, [ProspectOutcomes.Won, ProspectOutcomes.Lost, ProspectOutcomes.Open])
            .SingleLine("reason", m.Reason, Limits.Detail);
        if (m.Outcome == ProspectOutcomes.Lost && string.IsNullOrWhiteSpace(m.Reason)) errors.Add("reason", "Say why the prospect was lost.");
    }
}

internal sealed class RecordProspectOutcomeHandler(ProspectsDbContext db, TimeProvider clock) : ICommandHandler<RecordProspectOutcome, ProspectDetails>
{
    public async ValueTask<ProspectDetails> Handle(RecordProspectOutcome command, CancellationToken cancellationToken)
    {
        var prospect = await db.Prospects.FirstOrDefaultAsync(p => p.Id == command.ProspectId, cancellationToken) ?? throw new NotFoundException("Prospect", command.ProspectId);
        prospect.Close(command.Outcome, command.Reason, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return prospect.ToDetails();
    }
}

internal sealed class ReassignProspectValidator : IValidator<ReassignProspect>
{
    public void Validate(ReassignProspect m, ValidationErrors errors) => errors.Required("owner", m.Owner).SingleLine("owner", m.Owner, Limits.Name);
}

internal sealed class ReassignProspectHandler(ProspectsDbContext db) : ICommandHandler<ReassignProspect, ProspectDetails>
{
    public async ValueTask<ProspectDetails> Handle(ReassignProspect command, CancellationToken cancellationToken)
    {
        var prospect = await db.Prospects.FirstOrDefaultAsync(p => p.Id == command.ProspectId, cancellationToken) ?? throw new NotFoundException("Prospect", command.ProspectId);
        prospect.Owner = command.Owner;
        await db.SaveChangesAsync(cancellationToken);
        return prospect.ToDetails();
    }
}

/// <summary>Every touch dates the prospect's first and last contact (the SLA's first touch); a booked meeting moves it to decision.</summary>
internal sealed class TrackTouches(ProspectsDbContext db) : INotificationHandler<TouchRecorded>
{
    public async ValueTask Handle(TouchRecorded notification, CancellationToken cancellationToken)
    {
        if (notification.ProspectId is null) return;
        if (!await db.BeginConsumeAsync(nameof(TrackTouches), cancellationToken)) return;
        var prospect = await db.Prospects.FirstOrDefaultAsync(p => p.Id == notification.ProspectId, cancellationToken);
        if (prospect is not null)
        {
            if (notification.Kind is not ("opened" or "clicked" or "delivered" or "bounced" or "unsubscribed")) prospect.Touched(notification.OccurredAt);
            if (notification.Outcome == TaskOutcomes.MeetingBooked) prospect.MoveTo(ProspectStages.Decision);
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}

internal sealed class GetProspectHandler(ProspectsDbContext db) : IQueryHandler<GetProspect, ProspectDetails>
{
    public async ValueTask<ProspectDetails> Handle(GetProspect query, CancellationToken cancellationToken) =>
        (await db.Prospects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.Id, cancellationToken))?.ToDetails()
        ?? throw new NotFoundException("Prospect", query.Id);
}

/// <summary>The contact card outreach snapshots at enrolment: the lead's details (through Leads' contract) and the persona's script.</summary>
internal sealed class GetProspectContactHandler(ProspectsDbContext db, ISender sender) : IQueryHandler<GetProspectContact, ProspectContact>
{
    public async ValueTask<ProspectContact> Handle(GetProspectContact query, CancellationToken cancellationToken)
    {
        // The prospect and its persona in one statement (a left join).
        var found = await (
            from x in db.Prospects.AsNoTracking()
            where x.Id == query.ProspectId
            join pe in db.Personas.AsNoTracking() on x.PersonaId equals pe.Id into personas
            from pe in personas.DefaultIfEmpty()
            select new { Prospect = x, Persona = pe }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Prospect", query.ProspectId);
        var (p, persona) = (found.Prospect, found.Persona);
        // One indexed read of the contact card (GetLead would read the lead's whole history); null when erased or unknown:
        // outreach then gets no address and skips the channels it cannot reach.
        var lead = await sender.Send(new GetLeadContact(p.LeadId), cancellationToken);
        return new ProspectContact(p.Id, p.LeadId, lead?.Email, lead?.Phone, lead?.FirstName, lead?.LastName, lead?.Company, lead?.JobTitle, p.Owner,
            p.FitScore, p.FitReasons, p.PersonaId, persona?.Name, persona?.CallScript, persona?.TemplateVariant, lead?.LinkedInUrl);
    }
}

/// <summary>The contact cards of many prospects: the prospects with their personas in one statement, their leads' cards in one more.</summary>
internal sealed class GetProspectContactsHandler(ProspectsDbContext db, ISender sender) : IQueryHandler<GetProspectContacts, IReadOnlyList<ProspectContact>>
{
    public async ValueTask<IReadOnlyList<ProspectContact>> Handle(GetProspectContacts query, CancellationToken cancellationToken)
    {
        if (query.ProspectIds.Count == 0) return [];
        var ids = query.ProspectIds.Distinct().ToList();
        var found = await (
            from x in db.Prospects.AsNoTracking()
            where ids.Contains(x.Id)
            join pe in db.Personas.AsNoTracking() on x.PersonaId equals pe.Id into personas
            from pe in personas.DefaultIfEmpty()
            select new { Prospect = x, Persona = pe }).ToListAsync(cancellationToken);
        if (found.Count == 0) return [];
        var leads = (await sender.Send(new GetLeadContacts(found.Select(f => f.Prospect.LeadId).Distinct().ToList()), cancellationToken))
            .ToDictionary(l => l.Id, StringComparer.Ordinal);
        return found.Select(f =>
        {
            var (p, persona) = (f.Prospect, f.Persona);
            var lead = leads.GetValueOrDefault(p.LeadId);
            return new ProspectContact(p.Id, p.LeadId, lead?.Email, lead?.Phone, lead?.FirstName, lead?.LastName, lead?.Company, lead?.JobTitle, p.Owner,
                p.FitScore, p.FitReasons, p.PersonaId, persona?.Name, persona?.CallScript, persona?.TemplateVariant, lead?.LinkedInUrl);
        }).ToList();
    }
}

internal sealed class ListProspectsValidator : IValidator<ListProspects>
{
    public void Validate(ListProspects m, ValidationErrors errors)
    {
        errors.OneOf("stage", m.Stage, ProspectStages.All)
            .MaxLength("owner", m.Owner, Limits.Name).MaxLength("leadId", m.LeadId, Limits.Id);
        if (m.Page is < 1 or > 100_000) errors.Add("page", "Pages start at 1 and stop at 100000; narrow the search instead.");
        if (m.PageSize is < 1 or > 500) errors.Add("pageSize", "Between 1 and 500.");
    }
}

internal sealed class ListProspectsHandler(ProspectsDbContext db) : IQueryHandler<ListProspects, ProspectPage>
{
    public async ValueTask<ProspectPage> Handle(ListProspects query, CancellationToken cancellationToken)
    {
        IQueryable<Prospect> prospects = db.Prospects.AsNoTracking();
        if (query.Stage is not null) prospects = prospects.Where(p => p.Stage == query.Stage);
        if (query.Owner is not null) prospects = prospects.Where(p => p.Owner == query.Owner);
        if (query.LeadId is not null) prospects = prospects.Where(p => p.LeadId == query.LeadId);
        var total = await prospects.CountAsync(cancellationToken);
        var items = await prospects.OrderBy(p => p.Id).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new ProspectPage(items.Select(p => p.ToDetails()).ToList(), total, query.Page, query.PageSize);
    }
}

/// <summary>
/// Created in the period (by creation time, per owner), won and lost in it (by the time the outcome was recorded, listed
/// one by one so that Outreach can credit them to a sequence and a step). Two queries.
/// </summary>
internal sealed class GetProspectNumbersHandler(ProspectsDbContext db) : IQueryHandler<GetProspectNumbers, ProspectNumbers>
{
    public async ValueTask<ProspectNumbers> Handle(GetProspectNumbers query, CancellationToken cancellationToken)
    {
        IQueryable<Prospect> all = db.Prospects.AsNoTracking();
        if (query.Owner is not null) all = all.Where(p => p.Owner == query.Owner);
        // Few rows per period; DateTimeOffset comparisons are translated on both providers through the stored form.
        var created = await all.Where(p => p.CreatedAt >= query.From && p.CreatedAt < query.To)
            .GroupBy(p => p.Owner).Select(g => new OwnerProspectCount(g.Key, g.Count())).ToListAsync(cancellationToken);
        var decided = await all
            .Where(p => (p.Outcome == ProspectOutcomes.Won || p.Outcome == ProspectOutcomes.Lost) && p.OutcomeAt >= query.From && p.OutcomeAt < query.To)
            .Select(p => new DecidedProspect(p.Id, p.Owner, p.Outcome)).ToListAsync(cancellationToken);
        return new ProspectNumbers(created.Sum(c => c.Prospects), decided.Count(d => d.Outcome == ProspectOutcomes.Won),
            decided.Count(d => d.Outcome == ProspectOutcomes.Lost), created, decided);
    }
}

internal static class ProspectMapping
{
    public static ProspectDetails ToDetails(this Prospect p) =>
        new(p.Id, p.LeadId, new ProspectFit(p.FitScore, p.FitReasons), p.PersonaId, p.Owner, p.Stage, p.Outcome, p.CreatedAt, p.IcpId, p.OutcomeReason,
            p.FirstTouchAt);
}
