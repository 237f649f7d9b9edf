using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Leads.Contracts;

namespace Tandem.Modules.Content;

/// <summary>
/// Leads captured a submission: Content links it to the lead (visitor→lead conversion per form, page and campaign) and, when
/// the submission came from a browser with a visitor id, stitches that visitor's earlier visits to the lead, remembers the
/// visitor as that lead (later visits are announced at once) and announces the stitched visits (<see cref="LeadVisitedPages"/>).
/// One commit, behind the inbox: a redelivery changes nothing and announces nothing twice.
/// </summary>
internal sealed class StitchVisitsToLead(ContentDbContext db, TimeProvider clock) : INotificationHandler<LeadCaptured>
{
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
        if (!await db.BeginConsumeAsync("content.stitch-visits", cancellationToken)) return;
        var submission = await db.Submissions.FirstOrDefaultAsync(s => s.Id == submissionId, cancellationToken);
        if (submission is null) return;
        submission.LeadId = leadId;
        {
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
        await db.SaveChangesAsync(cancellationToken);
    }
}
