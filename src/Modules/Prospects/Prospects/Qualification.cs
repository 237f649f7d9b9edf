using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Prospects;

/// <summary>Round-robin over the configured owners (<c>Tandem:Prospects:Owners</c>); unassigned when none.</summary>
internal sealed class OwnerAssignment(IReadOnlyList<string> owners)
{
    public bool HasOwners => owners.Count > 0;
    public string? Next(int prospectsSoFar) => owners.Count == 0 ? null : owners[prospectsSoFar % owners.Count];
}

/// <summary>What the ICP check needs to know about a lead.</summary>
internal sealed record LeadFacts(string LeadId, string Kind, string? Company, string? JobTitle, bool CallbackRequested, DateTimeOffset? CallbackRequestedAt);

internal sealed class Qualification(ProspectsDbContext db, OwnerAssignment owners, TimeProvider clock)
{
    /// <summary>
    /// The default ICP is permissive: every lead fits (the configurable ICP and personas come with the Prospects issue).
    /// Creates the prospect once per lead and announces it; returns the existing one otherwise.
    /// </summary>
    public async Task<QualifyLeadResult> QualifyAsync(LeadFacts lead, CancellationToken cancellationToken)
    {
        var existing = await db.Prospects.AsNoTracking().Where(p => p.LeadId == lead.LeadId).Select(p => p.Id).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            await db.SaveChangesAsync(cancellationToken); // keeps the inbox record of a redelivery
            return new QualifyLeadResult(existing, Created: false);
        }
        var now = clock.GetUtcNow();
        var count = owners.HasOwners ? await db.Prospects.CountAsync(cancellationToken) : 0;
        var prospect = new Prospect
        {
            Id = Ids.New(),
            LeadId = lead.LeadId,
            Kind = lead.Kind,
            FitScore = 100,
            FitReasons = ["Default ICP: every lead fits until an ICP is defined."],
            Owner = owners.Next(count),
            // Asking for a callback after reading a guide is consideration; otherwise the buyer is still becoming aware.
            Stage = lead.CallbackRequested ? "consideration" : "awareness",
            Outcome = "open",
            CreatedAt = now,
        };
        db.Prospects.Add(prospect);
        db.Publish(new ProspectQualified(prospect.Id, lead.LeadId, lead.Kind, prospect.FitScore, prospect.Owner, prospect.Stage,
            lead.CallbackRequested, lead.CallbackRequestedAt, now));
        await db.SaveChangesAsync(cancellationToken);
        return new QualifyLeadResult(prospect.Id, Created: true);
    }
}

/// <summary>A lead became an MQL: check it against the ICP (once per MQL, whatever the redeliveries).</summary>
internal sealed class QualifyMql(ProspectsDbContext db, Qualification qualification) : INotificationHandler<LeadQualified>
{
    public async ValueTask Handle(LeadQualified notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(QualifyMql), cancellationToken)) return;
        await qualification.QualifyAsync(new LeadFacts(notification.LeadId, notification.Kind, notification.Company, notification.JobTitle,
            notification.CallbackRequested, notification.CallbackRequestedAt), cancellationToken);
    }
}

internal sealed class QualifyLeadValidator : IValidator<QualifyLead>
{
    public void Validate(QualifyLead m, ValidationErrors errors) => errors.Required("leadId", m.LeadId).SingleLine("leadId", m.LeadId, Limits.Id);
}

/// <summary>A rep qualifies a lead by hand: the lead is read from Leads through its contract.</summary>
internal sealed class QualifyLeadHandler(ISender sender, Qualification qualification) : ICommandHandler<QualifyLead, QualifyLeadResult>
{
    public async ValueTask<QualifyLeadResult> Handle(QualifyLead command, CancellationToken cancellationToken)
    {
        LeadDetails lead;
        try
        {
            lead = await sender.Send(new GetLead(command.LeadId), cancellationToken);
        }
        catch (NotFoundException)
        {
            throw ValidationFailedException.For("leadId", $"No lead has the id '{command.LeadId}'.");
        }
        return await qualification.QualifyAsync(
            new LeadFacts(lead.Id, lead.Kind, lead.Company, lead.JobTitle, lead.CallbackRequested, null), cancellationToken);
    }
}

internal sealed class GetProspectHandler(ProspectsDbContext db) : IQueryHandler<GetProspect, ProspectDetails>
{
    public async ValueTask<ProspectDetails> Handle(GetProspect query, CancellationToken cancellationToken) =>
        (await db.Prospects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.Id, cancellationToken))?.ToDetails()
        ?? throw new NotFoundException("Prospect", query.Id);
}

internal sealed class ListProspectsValidator : IValidator<ListProspects>
{
    public void Validate(ListProspects m, ValidationErrors errors)
    {
        errors.OneOf("stage", m.Stage, ["awareness", "consideration", "decision"])
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

internal static class ProspectEndpoints
{
    public static ProspectDetails ToDetails(this Prospect p) =>
        new(p.Id, p.LeadId, new ProspectFit(p.FitScore, p.FitReasons), p.PersonaId, p.Owner, p.Stage, p.Outcome, p.CreatedAt);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/", async (QualifyLead command, ISender sender, CancellationToken ct) =>
        {
            var result = await sender.Send(command, ct);
            return result.Created
                ? Results.Created($"/api/prospects/{result.ProspectId}", result)
                : Results.Ok(result);
        }).WithName("QualifyLead").WithSummary("Qualify a lead by hand (checked against the ICP)");

        api.MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetProspect(id), ct)))
            .WithName("GetProspect").WithSummary("One prospect with its ICP fit and reasons, owner, stage and outcome");

        api.MapGet("/", async (string? stage, string? owner, string? leadId, int? page, int? pageSize, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new ListProspects(stage, owner, leadId, page ?? 1, pageSize ?? 50), ct)))
            .WithName("ListProspects").WithSummary("Search prospects by stage, owner or lead");
    }
}
