using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Leads;

internal static class LeadEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        // The caller comes from the authenticated key, never from the body: it is the proof of the consents it sends.
        api.MapPost("/", async (CaptureLead command, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                var result = await sender.Send(command with { Caller = CallerOf(user) }, ct);
                return Results.Created($"/api/leads/{result.Id}", result);
            })
            .Produces<CaptureLeadResult>(StatusCodes.Status201Created)
            .WithName("CaptureLead").WithSummary("Capture a lead (merged into the same person when found); consents record the calling API key as their proof");

        api.MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetLead(id), ct)))
            .WithName("GetLead").WithSummary("One lead with score reasons, sources and consents");

        api.MapGet("/", async (string? email, string? phone, string? status, string? q, int? page, int? pageSize, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new ListLeads(email, phone, status, q, page ?? 1, pageSize ?? 50), ct)))
            .WithName("ListLeads").WithSummary("Search leads (email and phone are normalised before matching)");

        api.MapGet("/mql-definition", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetMqlDefinition(), ct)))
            .WithName("GetMqlDefinition").WithSummary("The shared definition of an MQL");
    }

    private static ApiCaller? CallerOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? new ApiCaller(id, user.FindFirstValue(ClaimTypes.Name) ?? id) : null;
}

internal static class LeadProjection
{
    public static LeadDetails ToDetails(this Lead l) => new(
        l.Id, l.Email, l.Phone, l.FirstName, l.LastName, l.Company, l.JobTitle, l.PostalCode, l.Kind, l.Status,
        new LeadScore(l.Score, l.ScoreEntries.OrderBy(s => s.Id).Select(s => new LeadScoreReason(s.Rule, s.Points, s.At)).ToList()),
        l.Sources.OrderBy(s => s.Id).Select(s => new LeadSourceRecord(s.Channel, s.CampaignId, s.AssetId, s.Detail, s.Reference, s.At)).ToList(),
        l.Consents.OrderBy(s => s.Id).Select(s => new LeadConsentRecord(s.Purpose, s.Granted, s.Text, s.At, s.Proof)).ToList(),
        l.CallbackRequestedAt is not null,
        l.CreatedAt);

    public static IQueryable<Lead> WithDetails(this IQueryable<Lead> leads) =>
        leads.AsNoTracking().Include(l => l.Sources).Include(l => l.Consents).Include(l => l.ScoreEntries).AsSplitQuery();
}

internal sealed class GetLeadHandler(LeadsDbContext db) : IQueryHandler<GetLead, LeadDetails>
{
    public async ValueTask<LeadDetails> Handle(GetLead query, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.WithDetails().FirstOrDefaultAsync(l => l.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Lead", query.Id);
        return lead.ToDetails();
    }
}

internal sealed class FindLeadBySourceHandler(LeadsDbContext db) : IQueryHandler<FindLeadBySource, string?>
{
    public async ValueTask<string?> Handle(FindLeadBySource query, CancellationToken cancellationToken) =>
        await db.Sources.AsNoTracking().Where(s => s.Reference == query.Reference).Select(s => s.LeadId).FirstOrDefaultAsync(cancellationToken);
}

internal sealed class GetMqlDefinitionHandler(MqlPolicy policy) : IQueryHandler<GetMqlDefinition, MqlDefinition>
{
    private readonly MqlDefinition _definition = policy.ToDefinition();

    public ValueTask<MqlDefinition> Handle(GetMqlDefinition query, CancellationToken cancellationToken) => ValueTask.FromResult(_definition);
}

internal sealed class ListLeadsValidator : IValidator<ListLeads>
{
    public static readonly string[] Statuses = ["new", "mql", "accepted", "rejected", "customer"];

    public void Validate(ListLeads m, ValidationErrors errors)
    {
        errors.OneOf("status", m.Status, Statuses).MaxLength("q", m.Query, Limits.Search)
            .MaxLength("email", m.Email, Limits.Email).MaxLength("phone", m.Phone, Limits.Phone);
        if (m.Page is < 1 or > 100_000) errors.Add("page", "Pages start at 1 and stop at 100000; narrow the search instead.");
        if (m.PageSize is < 1 or > 500) errors.Add("pageSize", "Between 1 and 500.");
        if (!string.IsNullOrWhiteSpace(m.Email) && ContactNormalizer.Email(m.Email) is null) errors.Add("email", "Not a valid email address.");
        if (!string.IsNullOrWhiteSpace(m.Phone) && ContactNormalizer.Phone(m.Phone) is null) errors.Add("phone", "Not a valid phone number.");
    }
}

internal sealed class ListLeadsHandler(LeadsDbContext db) : IQueryHandler<ListLeads, LeadPage>
{
    public async ValueTask<LeadPage> Handle(ListLeads query, CancellationToken cancellationToken)
    {
        IQueryable<Lead> leads = db.Leads;
        if (ContactNormalizer.Email(query.Email) is { } email) leads = leads.Where(l => l.Email == email);
        if (ContactNormalizer.Phone(query.Phone) is { } phone) leads = leads.Where(l => l.Phone == phone);
        if (query.Status is not null) leads = leads.Where(l => l.Status == query.Status);
        if (!string.IsNullOrWhiteSpace(query.Query))
        {
            // Accents and case do not matter: both sides are folded the same way (LeadSearch).
            var q = LeadSearch.Fold(query.Query.Trim());
            leads = leads.Where(l => l.SearchText != null && l.SearchText.Contains(q));
        }
        var total = await leads.CountAsync(cancellationToken);
        var items = await leads.OrderBy(l => l.Id).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .WithDetails().ToListAsync(cancellationToken);
        return new LeadPage(items.Select(l => l.ToDetails()).ToList(), total, query.Page, query.PageSize);
    }
}
