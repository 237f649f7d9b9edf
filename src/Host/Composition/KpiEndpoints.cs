using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Host.Composition;

/// <summary>
/// <c>GET /api/kpis</c>: the one set of numbers marketing and sales share, composed by the host from each module's own
/// numbers query (Content: visitors and campaign costs; Leads: leads, MQLs, rejections per source; Outreach: calls,
/// emails, replies, meetings, outcomes). A switched-off module's part is null and named in <c>unavailable</c>.
/// </summary>
internal static class KpiEndpoints
{
    public static void MapKpiEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/kpis", GetAsync).WithTags("Platform").WithName("GetKpis")
            .WithSummary("Lead generation and prospecting numbers for a period, optionally for one campaign, channel or owner (rates are fractions 0..1)")
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static async Task<Ok<Kpis>> GetAsync(ISender sender, TimeProvider clock, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? campaignId = null, string? channel = null, string? owner = null)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        if (start >= end)
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["from"] = ["Must be before 'to'."] });
        var unavailable = new List<string>();

        var content = await Try(() => sender.Send(new GetContentNumbers(start, end, campaignId, channel), ct), "content", unavailable);
        var leads = await Try(() => sender.Send(new GetLeadNumbers(start, end, campaignId, channel), ct), "leads", unavailable);
        // Outbound numbers are per owner, not per campaign: they answer the same period.
        var outbound = await Try(() => sender.Send(new GetOutboundNumbers(start, end, owner), ct), "outreach", unavailable);

        LeadGeneration? generation = null;
        if (content is not null || leads is not null)
        {
            var costs = (content?.Campaigns ?? []).Where(c => c.Cost is not null).GroupBy(c => c.Cost!.Currency).ToList();
            // Cost per lead only makes sense in one currency; mixed currencies give the costs and no ratio.
            var cost = costs.Count == 1 ? new Money(costs[0].Sum(c => c.Cost!.Amount), costs[0].Key) : null;
            var visitors = content?.Visitors;
            var leadCount = leads?.Leads;
            var mqls = leads?.Mqls;
            generation = new LeadGeneration(
                visitors, leadCount, mqls, cost,
                costs.Count > 1 ? costs.Select(g => new Money(g.Sum(c => c.Cost!.Amount), g.Key)).ToList() : null,
                cost is not null && leadCount > 0 ? Math.Round(cost.Amount / leadCount.Value, 2) : null,
                cost is not null && mqls > 0 ? Math.Round(cost.Amount / mqls.Value, 2) : null,
                Rate(leadCount, visitors), Rate(mqls, leadCount));
        }
        var prospecting = outbound is null ? null : new Prospecting(outbound.Prospects, outbound.CallsMade, outbound.EmailsSent,
            outbound.Replies, outbound.ResponseRate, outbound.MeetingsBooked, outbound.Won, outbound.Lost, outbound.WinRate, outbound.NoShows,
            outbound.ByOwner ?? [], outbound.BySequence ?? [], outbound.ByStep ?? [], outbound.ByVariant ?? []);
        var bySource = leads?.BySource.Select(s => new SourceKpis(s.Channel, s.CampaignId, s.Leads, s.Mqls, s.Rejected, s.Won)).ToList();
        return TypedResults.Ok(new Kpis(start, end, campaignId, channel, owner, generation, prospecting, bySource ?? [], unavailable));
    }

    private static double? Rate(long? part, long? whole) => part is null || whole is not > 0 ? null : Math.Round((double)part.Value / whole.Value, 4);

    private static async Task<T?> Try<T>(Func<ValueTask<T>> query, string module, List<string> unavailable) where T : class
    {
        try
        {
            return await query();
        }
        catch (ModuleDisabledException)
        {
            unavailable.Add(module);
            return null;
        }
    }
}

/// <summary>The answer of <c>GET /api/kpis</c>.</summary>
internal sealed record Kpis(DateTimeOffset From, DateTimeOffset To, string? CampaignId, string? Channel, string? Owner,
    LeadGeneration? LeadGeneration, Prospecting? Prospecting, IReadOnlyList<SourceKpis> BySource, IReadOnlyList<string> Unavailable);

/// <summary>Marketing's numbers; a ratio is null when its denominator is zero (or the costs are in several currencies).</summary>
internal sealed record LeadGeneration(long? Visitors, long? Leads, long? Mqls, Money? Cost, IReadOnlyList<Money>? CostsByCurrency,
    decimal? CostPerLead, decimal? CostPerMql, double? VisitorToLeadRate, double? LeadToMqlRate);

/// <summary>Sales' numbers, then the same per owner, per sequence and per step, and per A/B variant of a step (docs/outbound.md, "Numbers").</summary>
internal sealed record Prospecting(int Prospects, int CallsMade, int EmailsSent, int Replies, double ResponseRate, int MeetingsBooked,
    int Won, int Lost, double WinRate, int NoShows, IReadOnlyList<OwnerNumbers> ByOwner, IReadOnlyList<SequenceNumbers> BySequence,
    IReadOnlyList<StepNumbers> ByStep, IReadOnlyList<VariantNumbers> ByVariant);

/// <summary>Leads per source, with what sales made of them.</summary>
internal sealed record SourceKpis(string Channel, string? CampaignId, int Leads, int Mqls, int Rejected, int Won);
