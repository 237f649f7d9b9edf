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

    public async ValueTask<ContactDecision> DecideAsync(ContactAttempt attempt, ContactCard contact, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await DecideManyAsync([(attempt, contact)], at, cancellationToken))[0];

    /// <summary>A touch in the activity log, as the rules read it.</summary>
    private sealed record Touch(string Id, string? ProspectId, string? LeadId, string Channel, string Kind, string? Outcome, DateTimeOffset OccurredAt);

    /// <summary>
    /// The decisions of a batch with its reads done once for all of it: the leads' contact facts (<see cref="GetLeadsContactFacts"/>),
    /// the activity log of its prospects and of its leads (two statements), the suppression list for every address (one).
    /// Each decision is then made exactly as for one attempt alone.
    /// </summary>
    public async ValueTask<IReadOnlyList<ContactDecision>> DecideManyAsync(IReadOnlyList<(ContactAttempt Attempt, ContactCard Contact)> attempts,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        var decisions = new ContactDecision[attempts.Count];
        var asked = new List<int>(attempts.Count);
        for (var i = 0; i < attempts.Count; i++)
        {
            // A sequence's call, LinkedIn and manual steps only put a task in a rep's list: the contact is the rep's, made when
            // they act, and the compliance check answers for that moment. The steps Tandem sends itself (email) are gated here.
            if (attempts[i].Attempt.EnrollmentId is not null && attempts[i].Attempt.Channel != ContactChannels.Email) decisions[i] = ContactDecision.Allow;
            else asked.Add(i);
        }
        if (asked.Count == 0) return decisions;

        // The leads' contact facts in three statements for the whole batch (GetLead would read merges, history and referrals too).
        var leadIds = asked.Select(i => attempts[i].Attempt.LeadId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var leads = new Dictionary<string, LeadContactFacts>(StringComparer.Ordinal);
        if (leadIds.Count > 0)
        {
            try
            {
                foreach (var facts in await sender.Send(new GetLeadsContactFacts(leadIds), cancellationToken)) leads[facts.Id] = facts;
            }
            catch (ModuleDisabledException) { }
        }
        var prospectIds = asked.Select(i => attempts[i].Attempt.ProspectId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var touches = new List<Touch>();
        foreach (var chunk in prospectIds.Chunk(Chunk))
            touches.AddRange(await db.Activities.AsNoTracking().Where(a => chunk.Contains(a.ProspectId!))
                .Select(a => new Touch(a.Id, a.ProspectId, a.LeadId, a.Channel, a.Kind, a.Outcome, a.OccurredAt)).ToListAsync(cancellationToken));
        foreach (var chunk in leadIds.Chunk(Chunk))
            touches.AddRange(await db.Activities.AsNoTracking().Where(a => chunk.Contains(a.LeadId!))
                .Select(a => new Touch(a.Id, a.ProspectId, a.LeadId, a.Channel, a.Kind, a.Outcome, a.OccurredAt)).ToListAsync(cancellationToken));
        var unique = touches.DistinctBy(t => t.Id, StringComparer.Ordinal).ToList();
        var byProspect = unique.Where(t => t.ProspectId is not null).ToLookup(t => t.ProspectId!, StringComparer.Ordinal);
        var byLead = unique.Where(t => t.LeadId is not null).ToLookup(t => t.LeadId!, StringComparer.Ordinal);

        // The suppression list: the email, its domain or the phone (imported opposition lists, objections, erasures), one read.
        var hashes = new List<string>[attempts.Count];
        foreach (var i in asked)
        {
            var (attempt, contact) = attempts[i];
            var lead = attempt.LeadId is { } l ? leads.GetValueOrDefault(l) : null;
            hashes[i] = Privacy.SuppressionList.HashesFor(attempt.Channel, contact.Email ?? lead?.Email, contact.Phone ?? lead?.Phone);
        }
        var listed = await Privacy.SuppressionList.ReasonsAsync(db, asked.SelectMany(i => hashes[i]), cancellationToken);

        foreach (var i in asked)
        {
            var (attempt, contact) = attempts[i];
            var lead = attempt.LeadId is { } l ? leads.GetValueOrDefault(l) : null;
            IEnumerable<Touch> mine = attempt.ProspectId is { } p ? byProspect[p] : [];
            if (attempt.LeadId is { } leadId) mine = mine.Concat(byLead[leadId]);
            var activities = mine.DistinctBy(t => t.Id, StringComparer.Ordinal).ToList();
            var suppressed = hashes[i].Select(h => listed.GetValueOrDefault(h)).FirstOrDefault(r => r is not null);
            decisions[i] = Decide(attempt, contact, at, lead, activities, suppressed);
        }
        return decisions;
    }

    private const int Chunk = 1000;

    private ContactDecision Decide(ContactAttempt attempt, ContactCard contact, DateTimeOffset at, LeadContactFacts? lead, List<Touch> activities,
        string? listed)
    {
        var channel = attempt.Channel;
        string? suppressed = null;
        if (channel == ContactChannels.Call && activities.Any(a => a.Outcome == "do-not-call")) suppressed = "do-not-call";
        if (channel == ContactChannels.Email && activities.Any(a => a.Kind == "unsubscribed")) suppressed = "unsubscribed";
        if (channel == ContactChannels.Email && activities.Any(a => a.Kind == "bounced" && a.Outcome != "soft")) suppressed = "hard bounce";
        suppressed ??= listed;

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
