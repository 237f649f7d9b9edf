using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Numbers;

internal sealed class GetLeadNumbersValidator : IValidator<GetLeadNumbers>
{
    public void Validate(GetLeadNumbers m, ValidationErrors errors)
    {
        if (m.To <= m.From) errors.Add("to", "The end of the period comes after its start.");
        errors.SingleLine("campaignId", m.CampaignId, Limits.Id).OneOf("channel", m.Channel, LeadChannel.All.ToArray());
    }
}

/// <summary>
/// Set-based counts per first-touch source: four grouped queries (created, qualified, rejected, customers in the period),
/// each on an indexed time column; nothing is loaded per lead.
/// </summary>
internal sealed class GetLeadNumbersHandler(LeadsDbContext db) : IQueryHandler<GetLeadNumbers, LeadNumbers>
{
    public async ValueTask<LeadNumbers> Handle(GetLeadNumbers query, CancellationToken cancellationToken)
    {
        IQueryable<Lead> leads = db.Leads.AsNoTracking();
        if (query.CampaignId is not null) leads = leads.Where(l => l.CampaignId == query.CampaignId);
        if (query.Channel is not null) leads = leads.Where(l => l.Channel == query.Channel);
        var (from, to) = (query.From, query.To);
        var created = await Count(leads.Where(l => l.CreatedAt >= from && l.CreatedAt < to), cancellationToken);
        var mqls = await Count(leads.Where(l => l.QualifiedAt >= from && l.QualifiedAt < to), cancellationToken);
        var rejected = await Count(leads.Where(l => l.RejectedAt >= from && l.RejectedAt < to), cancellationToken);
        var customers = await Count(leads.Where(l => l.CustomerAt >= from && l.CustomerAt < to), cancellationToken);
        var keys = created.Keys.Union(mqls.Keys).Union(rejected.Keys).Union(customers.Keys).OrderBy(k => k.Channel).ThenBy(k => k.CampaignId);
        var bySource = keys.Select(k => new SourceNumbers(k.Channel, k.CampaignId,
            created.GetValueOrDefault(k), mqls.GetValueOrDefault(k), rejected.GetValueOrDefault(k), customers.GetValueOrDefault(k))).ToList();
        return new LeadNumbers(created.Values.Sum(), mqls.Values.Sum(), rejected.Values.Sum(), customers.Values.Sum(), bySource);
    }

    private static async Task<Dictionary<(string Channel, string? CampaignId), int>> Count(IQueryable<Lead> leads, CancellationToken ct) =>
        (await leads.GroupBy(l => new { l.Channel, l.CampaignId }).Select(g => new { g.Key.Channel, g.Key.CampaignId, Count = g.Count() }).ToListAsync(ct))
        .ToDictionary(x => (x.Channel ?? "unknown", x.CampaignId), x => x.Count);
}
