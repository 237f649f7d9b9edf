using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Capture;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Lifecycle;

/// <summary>The reason sales gives when rejecting.</summary>
internal sealed record RejectBody(string? Reason);

internal static class LifecycleEndpoints
{
    public static void MapLifecycle(this IEndpointRouteBuilder api)
    {
        api.MapPost("/{id}/accept", async (string id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new AcceptLead(id, Callers.Of(user)), ct)))
            .WithName("AcceptLead").WithSummary("Sales accepts the lead (from new or mql)");
        api.MapPost("/{id}/reject", async (string id, RejectBody body, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new RejectLead(id, body.Reason, Callers.Of(user)), ct)))
            .WithName("RejectLead").WithSummary("Sales rejects the lead with a reason (required): the feedback marketing sees per source");
        api.MapPost("/{id}/customer", async (string id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new MarkLeadCustomer(id, Callers.Of(user)), ct)))
            .WithName("MarkLeadCustomer").WithSummary("The lead bought: it becomes a customer");
    }
}

/// <summary>The allowed moves: new → mql → accepted | rejected → customer (a rejected lead can still buy later; sales can act before mql).</summary>
internal static class Transitions
{
    private static readonly Dictionary<string, string[]> From = new(StringComparer.Ordinal)
    {
        [LeadStatus.Accepted] = [LeadStatus.New, LeadStatus.Mql, LeadStatus.Rejected],
        [LeadStatus.Rejected] = [LeadStatus.New, LeadStatus.Mql, LeadStatus.Accepted],
        [LeadStatus.Customer] = [LeadStatus.New, LeadStatus.Mql, LeadStatus.Accepted, LeadStatus.Rejected],
    };

    public static async Task<LeadStatusChanged> MoveAsync(LeadsDbContext db, TimeProvider clock, string id, string to, string? reason, ApiCaller? caller, CancellationToken ct)
    {
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) ?? throw new NotFoundException("Lead", id);
        if (!From[to].Contains(lead.Status))
            throw new ConflictException($"A {lead.Status} lead cannot become {to}.", $"Allowed from: {string.Join(", ", From[to])}.");
        var now = clock.GetUtcNow();
        var from = lead.Status;
        lead.Status = to;
        lead.UpdatedAt = now;
        switch (to)
        {
            case LeadStatus.Accepted: lead.AcceptedAt = now; break;
            case LeadStatus.Rejected: lead.RejectedAt = now; lead.RejectionReason = reason; break;
            case LeadStatus.Customer: lead.CustomerAt = now; break;
        }
        db.StatusChanges.Add(new LeadStatusEntry { LeadId = id, From = from, To = to, Reason = reason, By = Callers.Describe(caller), At = now });
        await db.SaveChangesAsync(ct);
        return new LeadStatusChanged(id, from, to, now);
    }
}

internal sealed class AcceptLeadHandler(LeadsDbContext db, TimeProvider clock) : ICommandHandler<AcceptLead, LeadStatusChanged>
{
    public async ValueTask<LeadStatusChanged> Handle(AcceptLead command, CancellationToken cancellationToken) =>
        await Transitions.MoveAsync(db, clock, command.Id, LeadStatus.Accepted, null, command.Caller, cancellationToken);
}

internal sealed class RejectLeadValidator : IValidator<RejectLead>
{
    public void Validate(RejectLead m, ValidationErrors errors) =>
        errors.Required("reason", m.Reason).MultiLine("reason", m.Reason, Limits.Detail);
}

internal sealed class RejectLeadHandler(LeadsDbContext db, TimeProvider clock) : ICommandHandler<RejectLead, LeadStatusChanged>
{
    public async ValueTask<LeadStatusChanged> Handle(RejectLead command, CancellationToken cancellationToken) =>
        await Transitions.MoveAsync(db, clock, command.Id, LeadStatus.Rejected, command.Reason!.Trim(), command.Caller, cancellationToken);
}

internal sealed class MarkLeadCustomerHandler(LeadsDbContext db, TimeProvider clock) : ICommandHandler<MarkLeadCustomer, LeadStatusChanged>
{
    public async ValueTask<LeadStatusChanged> Handle(MarkLeadCustomer command, CancellationToken cancellationToken) =>
        await Transitions.MoveAsync(db, clock, command.Id, LeadStatus.Customer, null, command.Caller, cancellationToken);
}
