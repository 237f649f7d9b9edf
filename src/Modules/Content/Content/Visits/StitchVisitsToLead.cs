using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Messaging;

namespace Tandem.Modules.Content;

/// <summary>
/// Leads captured a submission: Content links it to the lead (visitor→lead conversion per form, page and campaign) and, when
/// the submission came from a browser with a visitor id, stitches that visitor's earlier visits to the lead, remembers the
/// visitor as that lead (later visits are announced at once) and announces the stitched visits (<see cref="LeadVisitedPages"/>).
/// One commit, behind the inbox: a redelivery changes nothing and announces nothing twice. A batch consumer: the captures of
/// one outbox claim are linked together (docs/architecture.md, "Batch consumers").
/// </summary>
internal sealed class StitchVisitsToLead(ContentDbContext db, TimeProvider clock) : IBatchNotificationHandler<LeadCaptured>
{
    private const string Consumer = "content.stitch-visits";

    public async ValueTask Handle(LeadCaptured notification, CancellationToken cancellationToken)
    {
        if (notification.Source is not { Channel: "content", Reference: { } submissionId }) return;
        var leadId = notification.LeadId;
        var visitorId = await db.Submissions.Where(s => s.Id == submissionId).Select(s => s.VisitorId).FirstOrDefaultAsync(cancellationToken);
        if (visitorId is null)
        {
            // No browser visits to stitch (JSON, pop-up, or no cookie): one UPDATE, harmless if delivered twice.
            await db.WriteAsync(ct => db.Submissions.Where(s => s.Id == submissionId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeadId, leadId), ct), cancellationToken);
            return;
        }
        if (!await db.BeginConsumeAsync(Consumer, cancellationToken)) return;
        await StitchAsync(submissionId, leadId, visitorId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async ValueTask Handle(IReadOnlyList<Delivery<LeadCaptured>> batch, CancellationToken cancellationToken)
    {
        var captured = batch.Where(d => d.Notification.Source is { Channel: "content", Reference: not null }).ToList();
        if (captured.Count == 0) return;
        var ids = captured.Select(d => d.Notification.Source!.Reference!).Distinct().ToList();
        var visitors = (await db.Submissions.Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.VisitorId }).ToListAsync(cancellationToken))
            .ToDictionary(s => s.Id, s => s.VisitorId, StringComparer.Ordinal);
        var links = captured.Where(d => visitors.GetValueOrDefault(d.Notification.Source!.Reference!) is null).ToList();
        var stitches = captured.Except(links).ToList();
        if (stitches.Select(d => visitors[d.Notification.Source!.Reference!]).Distinct().Count() < stitches.Count)
            throw new InvalidOperationException("One browser became two leads in one batch: stitched one by one, in order.");
        if (links.Count > 0)
        {
            // No browser visits: one UPDATE for all of them, harmless if delivered twice.
            await db.WriteAsync(ct => LinkAsync(links.Select(d => (d.Notification.Source!.Reference!, d.Notification.LeadId)).ToList(), ct),
                cancellationToken);
        }
        if (stitches.Count == 0) return;
        foreach (var d in await db.BeginConsumeBatchAsync(Consumer, stitches, cancellationToken))
            await StitchAsync(d.Notification.Source!.Reference!, d.Notification.LeadId, visitors[d.Notification.Source!.Reference!]!, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Sets each submission's lead with one statement per 1,000 submissions (two parameters each, far below SQLite's and
    /// PostgreSQL's limits), joined to a VALUES list whose columns are <c>column1</c>, <c>column2</c> on both providers,
    /// instead of one statement per submission.
    /// </summary>
    private async Task<int> LinkAsync(List<(string SubmissionId, string LeadId)> links, CancellationToken cancellationToken)
    {
        var table = db.QuotedTable<Submission>();
        var updated = 0;
        foreach (var chunk in links.Chunk(1_000))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"({{{2 * i}}}, {{{2 * i + 1}}})"));
            var parameters = chunk.SelectMany(l => new object[] { l.SubmissionId, l.LeadId }).ToArray();
            // Only the table's name (from the model) and the parameters' placeholders are spliced in; every value is a parameter.
            var sql = $"UPDATE {table} SET \"LeadId\" = v.column2 FROM (VALUES {values}) AS v WHERE {table}.\"Id\" = v.column1";
            updated += await db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
        }
        return updated;
    }

    private async Task StitchAsync(string submissionId, string leadId, string visitorId, CancellationToken cancellationToken)
    {
        var submission = await db.Submissions.FirstOrDefaultAsync(s => s.Id == submissionId, cancellationToken);
        if (submission is null) return;
        submission.LeadId = leadId;
        var visits = await db.Visits.Where(v => v.VisitorId == visitorId && v.LeadId == null).OrderBy(v => v.At).ToListAsync(cancellationToken);
        foreach (var visit in visits) visit.LeadId = leadId;
        // The latest lead a browser became is the one its next visits belong to (a shared computer: the last person).
        if (await db.VisitorLeads.FirstOrDefaultAsync(v => v.VisitorId == visitorId, cancellationToken) is { } known)
        {
            known.LeadId = leadId;
            known.At = clock.GetUtcNow();
        }
        else
            db.VisitorLeads.Add(new VisitorLead { VisitorId = visitorId, LeadId = leadId, At = clock.GetUtcNow() });
        if (visits.Count > 0)
            db.Publish(new LeadVisitedPages(leadId, visits.Select(v => new PageVisit(v.LandingPageId, v.CampaignId, v.Interest, v.At)).ToList()));
    }
}
