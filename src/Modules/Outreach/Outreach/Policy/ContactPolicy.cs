namespace Tandem.Modules.Outreach.Policy;

/// <summary>The step about to run: which channel, for whom, in which enrolment.</summary>
internal sealed record ContactAttempt(string Channel, string? ProspectId, string? LeadId, string? EnrollmentId, int? StepIndex);

/// <summary>Who would be contacted (addresses as stored; null when unknown).</summary>
internal sealed record ContactCard(string? Email, string? Phone, string? Owner);

internal enum ContactVerdict { Allowed, Deferred, Blocked }

/// <summary>The answer of the contact policy: allowed, deferred until a time (with why), or blocked (with why).</summary>
internal sealed record ContactDecision(ContactVerdict Verdict, DateTimeOffset? Until, string? Reason)
{
    public static readonly ContactDecision Allow = new(ContactVerdict.Allowed, null, null);
    public static ContactDecision Defer(DateTimeOffset until, string reason) => new(ContactVerdict.Deferred, until, reason);
    public static ContactDecision Block(string reason) => new(ContactVerdict.Blocked, null, reason);
}

/// <summary>
/// The one decision point every outbound step goes through ("may this step run now, and if not, when and why?"): the
/// scheduler asks it before each step and <c>POST /api/outreach/compliance/check</c> answers with it. The legal rules
/// (consent, suppression lists, call hours, attempts per 30 days) replace the default by registering another
/// implementation; nothing else in the scheduler changes.
/// </summary>
internal interface IContactPolicy
{
    ValueTask<ContactDecision> DecideAsync(ContactAttempt attempt, ContactCard contact, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// The same decisions for a scheduler's batch, in the order asked: each answer is the one <see cref="DecideAsync"/>
    /// gives alone. A policy that can read what it needs once per batch overrides this; by default, one attempt at a time.
    /// </summary>
    async ValueTask<IReadOnlyList<ContactDecision>> DecideManyAsync(IReadOnlyList<(ContactAttempt Attempt, ContactCard Contact)> attempts, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        var decisions = new ContactDecision[attempts.Count];
        for (var i = 0; i < attempts.Count; i++) decisions[i] = await DecideAsync(attempts[i].Attempt, attempts[i].Contact, at, cancellationToken);
        return decisions;
    }
}

/// <summary>Until the compliance rules land: everything is allowed.</summary>
internal sealed class AllowAllContactPolicy : IContactPolicy
{
    public ValueTask<ContactDecision> DecideAsync(ContactAttempt attempt, ContactCard contact, DateTimeOffset at, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ContactDecision.Allow);
}
