using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Compliance;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Privacy;

/// <summary>
/// Feeds the suppression list from the activity log (docs/compliance.md): a call outcome <c>do-not-call</c> puts the
/// person's number on it for good, a hard bounce their address. Whatever recorded the touch (a task, a provider's event,
/// a call logged after the fact), the entry follows, once (the inbox).
/// </summary>
internal sealed class SuppressionFeed(OutreachDbContext db, ISender sender, TimeProvider clock) : INotificationHandler<TouchRecorded>
{
    public async ValueTask Handle(TouchRecorded touch, CancellationToken cancellationToken)
    {
        var doNotCall = touch.Outcome == TaskOutcomes.DoNotCall;
        var hardBounce = touch.Kind == ChannelEventKinds.Bounced && !string.Equals(touch.Outcome, "soft", StringComparison.OrdinalIgnoreCase);
        if (!doNotCall && !hardBounce) return;
        if (!await db.BeginConsumeAsync(nameof(SuppressionFeed), cancellationToken)) return;
        var known = touch.ProspectId is null ? null : await db.Enrollments.AsNoTracking().Where(e => e.ProspectId == touch.ProspectId)
            .OrderByDescending(e => e.CreatedAt).Select(e => new { e.Email, e.Phone }).FirstOrDefaultAsync(cancellationToken);
        var (email, phone) = (known?.Email, known?.Phone);
        if ((doNotCall ? phone : email) is null && touch.LeadId is { } leadId)
        {
            try
            {
                var lead = await sender.Send(new GetLead(leadId), cancellationToken);
                (email, phone) = (email ?? lead.Email, phone ?? lead.Phone);
            }
            catch (NotFoundException) { }
            catch (ModuleDisabledException) { }
        }
        var entry = doNotCall
            ? PersonalDataHash.NormalisePhone(phone) is { } p ? (PersonalDataHash.Phone, p) : default
            : PersonalDataHash.NormaliseEmail(email) is { } e ? (PersonalDataHash.Email, e) : default;
        if (entry != default)
        {
            var reason = doNotCall ? "do-not-call" : "hard-bounce";
            var (added, _) = await SuppressionList.AddAsync(db, [entry], reason, touch.Owner ?? "channel", hashedOnly: false, clock.GetUtcNow(), cancellationToken);
            if (added > 0)
                db.Publish(new PrivacyAuditRecorded(PrivacyAuditKinds.Suppressed, touch.LeadId is { } l ? $"lead:{l}" : $"prospect:{touch.ProspectId}",
                    $"{entry.Item1} added to the suppression list ({reason}).", touch.Owner ?? "channel", touch.OccurredAt, OutreachModule.ModuleName));
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
