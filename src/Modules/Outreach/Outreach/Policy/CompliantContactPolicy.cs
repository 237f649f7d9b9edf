using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Compliance;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Policy;

/// <summary>
/// The contact policy of a deployment: gathers what the rules need — the lead's kind, place, consents and callback
/// request from Leads; the calls, refusals, do-not-call outcomes and unsubscribes from Outreach's own activity log — and
/// asks the one decision point (<see cref="ContactRules.Decide"/>, docs/compliance.md). Settings from
/// <c>Tandem:Compliance:*</c>.
/// </summary>
internal sealed class CompliantContactPolicy(ISender sender, OutreachDbContext db, ComplianceSettings settings) : IContactPolicy
{
    /// <summary>Call outcomes that are a refusal during a call (no new contact for 60 days).</summary>
    private static readonly string[] Refusals = ["refused", "not-interested"];

    public static ComplianceSettings SettingsFrom(IConfiguration configuration) => new()
    {
        Pack = configuration["Tandem:Compliance:Pack"] ?? CompliancePacks.France,
        OfferSector = configuration["Tandem:Compliance:OfferSector"],
        AllowOptedInNewsletterInEnergyRenovation = configuration.GetValue("Tandem:Compliance:AllowOptedInNewsletterInEnergyRenovation", false),
    };

    public async ValueTask<ContactDecision> DecideAsync(ContactAttempt attempt, ContactCard contact, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // A sequence's call, LinkedIn and manual steps only put a task in a rep's list: the contact is the rep's, made when
        // they act, and the compliance check answers for that moment. The steps Tandem sends itself (email) are gated here.
        if (attempt.EnrollmentId is not null && attempt.Channel != ContactChannels.Email) return ContactDecision.Allow;
        // The lead's contact facts in three statements (GetLead would read its merges, history and referrals too).
        LeadContactFacts? lead = null;
        if (attempt.LeadId is { } leadId)
        {
            try { lead = await sender.Send(new GetLeadContactFacts(leadId), cancellationToken); }
            catch (ModuleDisabledException) { }
        }
        var activities = await db.Activities.AsNoTracking()
            .Where(a => (attempt.ProspectId != null && a.ProspectId == attempt.ProspectId) || (attempt.LeadId != null && a.LeadId == attempt.LeadId))
            .Select(a => new { a.Channel, a.Kind, a.Outcome, a.OccurredAt })
            .ToListAsync(cancellationToken);

        var channel = attempt.Channel;
        string? suppressed = null;
        if (channel == ContactChannels.Call && activities.Any(a => a.Outcome == "do-not-call")) suppressed = "do-not-call";
        if (channel == ContactChannels.Email && activities.Any(a => a.Kind == "unsubscribed")) suppressed = "unsubscribed";
        if (channel == ContactChannels.Email && activities.Any(a => a.Kind == "bounced" && a.Outcome != "soft")) suppressed = "hard bounce";
        // The suppression list: the email, its domain or the phone (imported opposition lists, objections, erasures).
        suppressed ??= await Privacy.SuppressionList.ReasonAsync(db, channel, contact.Email ?? lead?.Email, contact.Phone ?? lead?.Phone, cancellationToken);

        var callbackAt = lead?.CallbackRequestedAt;
        var facts = new ContactFacts
        {
            Kind = lead?.Kind ?? "consumer",
            PostalCode = lead?.PostalCode,
            Phone = lead?.Phone ?? contact.Phone,
            IsCustomer = lead?.Status == LeadStatus.Customer,
            Consents = lead?.Consents.Select(c => new ConsentState(c.Purpose, c.Granted, c.At)).ToList() ?? [],
            CallbackRequestedAt = callbackAt,
            CallAttempts = activities.Where(a => a.Channel == ContactChannels.Call && a.Kind == "call").Select(a => a.OccurredAt).ToList(),
            LastRefusalAt = activities.Where(a => a.Outcome is { } o && Refusals.Contains(o)).Select(a => (DateTimeOffset?)a.OccurredAt).Max(),
            SuppressedBecause = suppressed,
            CollectedIndirectly = lead?.CollectedIndirectly == true,
            ContactedBefore = activities.Any(a => a.Kind is "sent" or "call" or "meeting"),
        };
        // Sequence steps are prospecting; only emails are sent by Tandem itself, calls and LinkedIn steps are a rep's tasks.
        var decision = ContactRules.Decide(facts, new Tandem.Modules.Shared.Compliance.ContactAttempt(channel, ContactPurposes.Prospecting, at,
            Automated: channel == ContactChannels.Email), settings);
        var reason = decision.Reasons.Count == 0 ? null : string.Join(" ", decision.Reasons.Select(r => r.English));
        var result = decision.Verdict switch
        {
            ComplianceVerdicts.Allowed => ContactDecision.Allow,
            ComplianceVerdicts.Deferred => ContactDecision.Defer(decision.NextAllowedAt!.Value, reason!),
            _ when decision.NextAllowedAt is { } until => ContactDecision.Defer(until, reason!),
            _ => ContactDecision.Block(reason!),
        };
        // A held sequence step is audited (docs/compliance.md, "Audit"). The scheduler asks within its own scope, so this
        // outbox row commits with the step's new state in the scheduler's one SaveChanges; a question over the API is not a step.
        if (attempt.EnrollmentId is not null && result.Verdict != ContactVerdict.Allowed)
            db.Publish(new PrivacyAuditRecorded(result.Verdict == ContactVerdict.Blocked ? PrivacyAuditKinds.StepBlocked : PrivacyAuditKinds.StepDeferred,
                attempt.LeadId is { } l ? $"lead:{l}" : $"prospect:{attempt.ProspectId}",
                $"Step {attempt.StepIndex + 1} ({channel}) of enrolment {attempt.EnrollmentId}: {reason}" +
                (result.Until is { } t ? $" Next slot {t:yyyy-MM-dd HH:mm} UTC." : ""), "scheduler", at, OutreachModule.ModuleName));
        return result;
    }
}
