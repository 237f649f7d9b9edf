using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Scoring;

/// <summary>Scores what a lead does with content: visits of landing pages and downloads of gated assets (weighted by stage).</summary>
internal sealed class ContentEngagement(LeadsDbContext db, LeadEngagement engagement)
    : INotificationHandler<LeadVisitedPages>, INotificationHandler<AssetDownloaded>
{
    public async ValueTask Handle(LeadVisitedPages notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(ContentEngagement), cancellationToken)) return;
        var actions = notification.Visits
            .Select(v => new ScoredAction(ScoringRule.PageVisited, "page:" + v.LandingPageId, v.At, v.Interest, "page:" + v.LandingPageId))
            .ToList();
        await engagement.ScoreAsync(notification.LeadId, actions, cancellationToken);
    }

    public async ValueTask Handle(AssetDownloaded notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(ContentEngagement), cancellationToken)) return;
        var leadId = notification.LeadId
            ?? await db.Sources.Where(s => s.Reference == notification.SubmissionId).Select(s => s.LeadId).FirstOrDefaultAsync(cancellationToken);
        var rule = ScoringRule.AssetDownloaded(notification.JourneyStage);
        if (leadId is null || rule is null)
        {
            // A submission nobody could be reached at has no lead; an unknown stage scores nothing. Consumed, not retried.
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var asset = "asset:" + notification.AssetId;
        await engagement.ScoreAsync(leadId, [new ScoredAction(rule, asset, notification.At, notification.Interest, asset)], cancellationToken);
    }
}

/// <summary>Adds scored actions to one lead, evaluates it, saves (with LeadQualified when it crosses the threshold).</summary>
internal sealed class LeadEngagement(LeadsDbContext db, MqlDefinitions definitions, TimeProvider clock)
{
    public async Task<LeadScore?> ScoreAsync(string leadId, IReadOnlyList<ScoredAction> actions, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.Include(l => l.ScoreEntries).FirstOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null)
        {
            await db.SaveChangesAsync(cancellationToken); // the inbox row, when consuming
            return null;
        }
        var (_, definition) = await definitions.CurrentAsync(cancellationToken);
        var now = clock.GetUtcNow();
        Scorer.Add(lead, actions, definition);
        Scorer.Evaluate(db, lead, definition, now);
        lead.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return ScoreCard.Evaluate(lead.ScoreEntries, definition, now);
    }
}

internal sealed class RecordLeadEngagementValidator : IValidator<RecordLeadEngagement>
{
    public void Validate(RecordLeadEngagement m, ValidationErrors errors) =>
        errors.Required("leadId", m.LeadId).SingleLine("leadId", m.LeadId, Limits.Id)
            .Required("kind", m.Kind).OneOf("kind", m.Kind, EngagementKind.All.ToArray())
            .SingleLine("reference", m.Reference, Limits.Reference).SingleLine("interest", m.Interest, Limits.Key);
}

/// <summary>Outreach reports a click or a reply: scored like any other action (once per reference and window).</summary>
internal sealed class RecordLeadEngagementHandler(LeadEngagement engagement) : ICommandHandler<RecordLeadEngagement, LeadScore>
{
    public async ValueTask<LeadScore> Handle(RecordLeadEngagement command, CancellationToken cancellationToken)
    {
        var key = command.Reference is null ? null : "email:" + command.Reference;
        return await engagement.ScoreAsync(command.LeadId, [new ScoredAction(command.Kind, key, command.At, command.Interest, key)], cancellationToken)
            ?? throw new NotFoundException("Lead", command.LeadId);
    }
}
