using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Modules.Prospects.Contracts;

namespace Tandem.Modules.Prospects;

internal static class ProspectEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPut("/icp", async (DefineIcp command, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(command, ct)))
            .WithName("DefineIcp").WithSummary("Create or replace (by name) an ideal customer profile");
        api.MapGet("/icp", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new ListIcps(), ct)))
            .WithName("ListIcps").WithSummary("The ideal customer profiles");
        api.MapPost("/personas", async (DefinePersona command, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(command, ct);
            return Results.Created($"/api/prospects/personas", created);
        }).WithName("DefinePersona").WithSummary("Define a buyer persona");
        api.MapGet("/personas", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new ListPersonas(), ct)))
            .WithName("ListPersonas").WithSummary("The buyer personas");
        api.MapPost("/accounts", async (DefineAccount command, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(command, ct))).WithName("DefineAccount").WithSummary("Create or update a company with its firmographics");
        Outbound.OutboundEndpoints.Map(api);

        api.MapPost("/", async (QualifyLead command, ISender sender, CancellationToken ct) =>
        {
            var result = await sender.Send(command, ct);
            return result.Created
                ? Results.Created($"/api/prospects/{result.ProspectId}", new QualifiedBody(result.ProspectId, result.ProspectId, result.Created))
                : Results.Ok(new QualifiedBody(result.ProspectId, result.ProspectId, result.Created));
        }).WithName("QualifyLead").WithSummary("Qualify a lead by hand (scored against the ICPs)");

        api.MapGet("/overdue", async (string? owner, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new ListOverdueProspects(owner), ct)))
            .WithName("ListOverdueProspects").WithSummary("Prospects past the first-touch SLA (business hours) without a touch, most overdue first");

        api.MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetProspect(id), ct)))
            .WithName("GetProspect").WithSummary("One prospect with its ICP fit and reasons, owner, stage and outcome");

        api.MapGet("/", async (string? stage, string? owner, string? leadId, int? page, int? pageSize, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new ListProspects(stage, owner, leadId, page ?? 1, pageSize ?? 50), ct)))
            .WithName("ListProspects").WithSummary("Search prospects by stage, owner or lead");

        api.MapPost("/{id}/stage", async (string id, StageBody body, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new ChangeProspectStage(id, body.Stage!), ct))).WithName("ChangeProspectStage").WithSummary("Move a prospect along the journey");
        api.MapPost("/{id}/outcome", async (string id, OutcomeBody body, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new RecordProspectOutcome(id, body.Outcome!, body.Reason), ct))).WithName("RecordProspectOutcome").WithSummary("Won or lost, with a reason");
        api.MapPost("/{id}/owner", async (string id, OwnerBody body, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new ReassignProspect(id, body.Owner!), ct))).WithName("ReassignProspect").WithSummary("Give the prospect to another rep");
    }

    internal sealed record QualifiedBody(string Id, string ProspectId, bool Created);
    internal sealed record StageBody(string? Stage);
    internal sealed record OutcomeBody(string? Outcome, string? Reason);
    internal sealed record OwnerBody(string? Owner);
}
