using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Numbers;

internal static class NumbersEndpoint
{
    /// <summary><c>GET /api/leads/numbers?from=&amp;to=&amp;campaignId=&amp;channel=</c>: the Leads part of the KPIs, per first-touch source.</summary>
    public static void MapNumbers(this IEndpointRouteBuilder api) =>
        api.MapGet("/numbers", async (DateTimeOffset? from, DateTimeOffset? to, string? campaignId, string? channel, ISender sender, CancellationToken ct) =>
            {
                var errors = new ValidationErrors();
                if (from is null) errors.Add("from", "Give the start of the period (ISO 8601, e.g. 2026-03-01T00:00:00Z).");
                if (to is null) errors.Add("to", "Give the end of the period (excluded).");
                errors.ThrowIfAny();
                return TypedResults.Ok(await sender.Send(new GetLeadNumbers(from!.Value, to!.Value, campaignId, channel), ct));
            })
            .WithName("GetLeadNumbers").WithSummary("Leads, MQLs, rejections and customers in [from, to), per first-touch source (channel, campaign)");
}
