using Mediator;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Web.Kpi;

/// <summary>The manager dashboard's numbers for a period.</summary>
/// <remarks>Composed from the same three queries as <c>GET /api/kpis</c>, with the same rules, so both show the same numbers.</remarks>
public sealed record KpiSnapshot(
    DateTimeOffset From, DateTimeOffset To, long? Visitors, long? Leads, long? Mqls, int? Prospects, int? MeetingsBooked, int? Won,
    int? CallsMade, int? EmailsSent, int? Replies, double? ResponseRate, double? WinRate, Money? Cost, decimal? CostPerLead, decimal? CostPerMql,
    IReadOnlyList<SourceNumbers> BySource, IReadOnlyList<string> Unavailable)
{
    /// <summary>Calls, emails, response rate, meetings, no-shows and win rate per rep (empty when Outreach is off).</summary>
    public IReadOnlyList<OwnerNumbers> ByOwner { get; init; } = [];

    /// <summary>The same numbers per sequence.</summary>
    public IReadOnlyList<SequenceNumbers> BySequence { get; init; } = [];
}

/// <summary>Asks Content, Leads and Outreach for their numbers (a switched-off module's part is null and named unavailable).</summary>
public sealed class KpiSnapshots(ISender sender)
{
    public async Task<KpiSnapshot> GetAsync(DateTimeOffset from, DateTimeOffset to, string? campaignId, string? channel, string? owner, CancellationToken ct)
    {
        var unavailable = new List<string>();
        var content = await Try(() => sender.Send(new GetContentNumbers(from, to, campaignId, channel), ct), "content", unavailable);
        var leads = await Try(() => sender.Send(new GetLeadNumbers(from, to, campaignId, channel), ct), "leads", unavailable);
        var outbound = await Try(() => sender.Send(new GetOutboundNumbers(from, to, owner), ct), "outreach", unavailable);

        var costs = (content?.Campaigns ?? []).Where(c => c.Cost is not null).GroupBy(c => c.Cost!.Currency).ToList();
        var cost = costs.Count == 1 ? new Money(costs[0].Sum(c => c.Cost!.Amount), costs[0].Key) : null;
        long? leadCount = leads?.Leads;
        long? mqls = leads?.Mqls;
        return new KpiSnapshot(from, to, content?.Visitors, leadCount, mqls, outbound?.Prospects, outbound?.MeetingsBooked, outbound?.Won,
            outbound?.CallsMade, outbound?.EmailsSent, outbound?.Replies, outbound?.ResponseRate, outbound?.WinRate, cost,
            cost is not null && leadCount > 0 ? Math.Round(cost.Amount / leadCount.Value, 2) : null,
            cost is not null && mqls > 0 ? Math.Round(cost.Amount / mqls.Value, 2) : null,
            leads?.BySource ?? [], unavailable)
        {
            ByOwner = outbound?.ByOwner ?? [],
            BySequence = outbound?.BySequence ?? [],
        };
    }

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
