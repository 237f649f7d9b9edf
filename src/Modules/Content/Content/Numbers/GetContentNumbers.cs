using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Content;

internal static class ContentNumbersEndpoint
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/numbers", async (DateTimeOffset from, DateTimeOffset to, string? campaignId, string? channel, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new GetContentNumbers(from, to, campaignId, channel), ct)))
            .WithName("GetContentNumbers").WithSummary("Visits, distinct visitors and submissions in [from, to), in total and per campaign")
            .Produces<ContentNumbers>();
}

internal sealed class GetContentNumbersValidator : IValidator<GetContentNumbers>
{
    public void Validate(GetContentNumbers m, ValidationErrors errors)
    {
        if (m.To <= m.From) errors.Add("to", "Must be after from.");
        errors.SingleLine("campaignId", m.CampaignId, Limits.Id);
        if (m.Channel is not null) errors.OneOf("channel", m.Channel, Campaigns.Channels);
    }
}

/// <summary>Visits, distinct visitors and submissions in [From, To), in total and per campaign: a few grouped queries, no row loops.</summary>
internal sealed class GetContentNumbersHandler(ContentDbContext db) : IQueryHandler<GetContentNumbers, ContentNumbers>
{
    public async ValueTask<ContentNumbers> Handle(GetContentNumbers query, CancellationToken cancellationToken)
    {
        var campaigns = db.Campaigns.AsNoTracking()
            .Where(c => query.CampaignId == null || c.Id == query.CampaignId)
            .Where(c => query.Channel == null || c.Channel == query.Channel);
        var visits = db.Visits.AsNoTracking().Where(v => v.At >= query.From && v.At < query.To);
        var submissions = db.Submissions.AsNoTracking().Where(s => s.SubmittedAt >= query.From && s.SubmittedAt < query.To);
        if (query.CampaignId is not null || query.Channel is not null)
        {
            visits = visits.Where(v => campaigns.Any(c => c.Id == v.CampaignId));
            submissions = submissions.Where(s => campaigns.Any(c => c.Id == s.CampaignId));
        }

        var visitCount = await visits.LongCountAsync(cancellationToken);
        var visitors = await visits.Select(v => v.VisitorId).Distinct().LongCountAsync(cancellationToken);
        var submissionCount = await submissions.LongCountAsync(cancellationToken);
        var visitsByCampaign = await visits.Where(v => v.CampaignId != null).GroupBy(v => v.CampaignId!)
            .Select(g => new { Id = g.Key, Visits = g.LongCount(), Visitors = g.Select(v => v.VisitorId).Distinct().LongCount() })
            .ToDictionaryAsync(x => x.Id, cancellationToken);
        var submissionsByCampaign = await submissions.Where(s => s.CampaignId != null).GroupBy(s => s.CampaignId!)
            .Select(g => new { Id = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(x => x.Id, x => x.Count, cancellationToken);

        var fromDay = DateOnly.FromDateTime(query.From.UtcDateTime);
        var toDay = DateOnly.FromDateTime(query.To.UtcDateTime);
        var perCampaign = (await campaigns.ToListAsync(cancellationToken))
            .Where(c => visitsByCampaign.ContainsKey(c.Id) || submissionsByCampaign.ContainsKey(c.Id)
                || ((c.StartsOn is null || c.StartsOn <= toDay) && (c.EndsOn is null || c.EndsOn >= fromDay)))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new CampaignNumbers(c.Id, c.Name, c.Channel,
                c.CostAmount is { } amount ? new Money(amount, c.CostCurrency!) : null,
                visitsByCampaign.GetValueOrDefault(c.Id)?.Visitors ?? 0,
                visitsByCampaign.GetValueOrDefault(c.Id)?.Visits ?? 0,
                submissionsByCampaign.GetValueOrDefault(c.Id)))
            .ToList();
        return new ContentNumbers(visitors, visitCount, submissionCount, perCampaign);
    }
}
