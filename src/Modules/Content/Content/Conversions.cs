using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Leads.Contracts;

namespace Tandem.Modules.Content;

/// <summary>
/// Leads captured a submission: Content links it to the lead, which is what visitor→lead rates per form, landing page
/// and campaign are counted from. Setting the same value twice is harmless, so redeliveries need no inbox.
/// </summary>
internal sealed class LinkSubmissionToLead(ContentDbContext db) : INotificationHandler<LeadCaptured>
{
    public async ValueTask Handle(LeadCaptured notification, CancellationToken cancellationToken)
    {
        if (notification.Source is not { Channel: "content", Reference: { } submissionId }) return;
        await db.WriteAsync(ct => db.Submissions.Where(s => s.Id == submissionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeadId, notification.LeadId), ct), cancellationToken);
    }
}
