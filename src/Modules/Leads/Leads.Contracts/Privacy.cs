using Mediator;

namespace Tandem.Modules.Leads.Contracts;

/// <summary>
/// A fact for the privacy audit log (docs/compliance.md, "Audit"): a step blocked or deferred by the contact policy, a
/// consent change, a suppression, an unsubscribe, an export, an erasure. Modules publish it through their outbox; the host
/// records it with who and when (<c>GET /api/privacy/audit</c>). It names people by id or hash, never by address.
/// </summary>
/// <param name="Kind">What happened: <see cref="PrivacyAuditKinds"/>.</param>
/// <param name="Subject">Whom it concerns: <c>lead:{id}</c>, <c>prospect:{id}</c>, <c>hash:{sha256}</c>, or null.</param>
/// <param name="Detail">The reason or what changed, in words a person reads (no address, no number).</param>
/// <param name="By">Who did it: an API key's name, <c>recipient</c> (an unsubscribe link), <c>scheduler</c>, <c>purge</c>.</param>
/// <param name="At">When.</param>
/// <param name="Module">The module that reported it.</param>
public sealed record PrivacyAuditRecorded(string Kind, string? Subject, string? Detail, string? By, DateTimeOffset At, string Module) : INotification;

/// <summary>The kinds of <see cref="PrivacyAuditRecorded"/>.</summary>
public static class PrivacyAuditKinds
{
    /// <summary>The contact policy blocked a step.</summary>
    public const string StepBlocked = "step-blocked";
    /// <summary>The contact policy deferred a step to a later moment.</summary>
    public const string StepDeferred = "step-deferred";
    /// <summary>A consent was given or withdrawn.</summary>
    public const string ConsentChanged = "consent-changed";
    /// <summary>An address was put on the suppression list.</summary>
    public const string Suppressed = "suppressed";
    /// <summary>A recipient unsubscribed through their link.</summary>
    public const string Unsubscribed = "unsubscribed";
    /// <summary>A data-subject export was made.</summary>
    public const string Exported = "exported";
    /// <summary>An erasure was asked for.</summary>
    public const string ErasureRequested = "erasure-requested";
    /// <summary>An erasure was carried out in every module.</summary>
    public const string ErasureCompleted = "erasure-completed";
    /// <summary>Every kind, for the audit query's filter.</summary>
    public static readonly IReadOnlyList<string> All = [StepBlocked, StepDeferred, ConsentChanged, Suppressed, Unsubscribed, Exported, ErasureRequested, ErasureCompleted];
}

/// <summary>
/// Record consent events in the lead's ledger (given or withdrawn, effective at once): an unsubscribe link, a preference
/// page, an objection. Each becomes one ledger entry with its proof; the latest entry of a purpose decides.
/// </summary>
/// <param name="LeadId">The lead.</param>
/// <param name="Consents">The events (purpose, granted, text shown, proof, channel).</param>
/// <param name="By">Who recorded it, for the audit log.</param>
public sealed record RecordConsentEvents(string LeadId, IReadOnlyList<LeadConsent> Consents, string By) : ICommand<ConsentEventsRecorded>;

/// <summary>How many ledger entries were added.</summary>
public sealed record ConsentEventsRecorded(int Recorded);

/// <summary>Everything Leads holds about the people with these emails or phones (art. 15, 20).</summary>
public sealed record ExportLeadsPersonalData(IReadOnlyList<string> Emails, IReadOnlyList<string> Phones) : IQuery<LeadsPersonalData>;

/// <summary>
/// Leads' part of an export, and the identity the other modules search by: the leads found, with every email and phone
/// they hold (normalised), and each lead's timeline.
/// </summary>
public sealed record LeadsPersonalData(IReadOnlyList<string> Emails, IReadOnlyList<string> Phones, IReadOnlyList<LeadDetails> Leads,
    IReadOnlyList<TimelineEntry> Timeline, bool Erased);

/// <summary>
/// Erase the people with these emails or phones from Leads (art. 17): their leads and everything attached are deleted,
/// and, with <paramref name="Remember"/>, the hashed identifiers are kept so that an import or a capture never brings them
/// back (an erasure; the retention purge anonymises without remembering, so the person may come back by themselves).
/// </summary>
public sealed record EraseLeadsPersonalData(IReadOnlyList<string> Emails, IReadOnlyList<string> Phones, string Reason, bool Remember = true)
    : ICommand<LeadsPersonalDataErased>;

/// <summary>The leads erased, and every email and phone (normalised) the other modules erase by.</summary>
public sealed record LeadsPersonalDataErased(IReadOnlyList<string> LeadIds, IReadOnlyList<string> Emails, IReadOnlyList<string> Phones, int Deleted);

/// <summary>
/// Leads with no interaction since <paramref name="Before"/> (retention, docs/compliance.md): created, captured again, and
/// scored for a behaviour (a click, a visit, a download, a form; an email open is not scored) all before it. In id order,
/// after <paramref name="AfterId"/> (the last id of the previous page).
/// </summary>
public sealed record FindInactiveLeads(DateTimeOffset Before, int Limit, string? AfterId = null) : IQuery<InactiveLeads>;

/// <summary>The inactive leads found.</summary>
public sealed record InactiveLeads(IReadOnlyList<InactiveLead> Items);

/// <summary>An inactive lead: its identifiers (for the other modules) and when it was created.</summary>
public sealed record InactiveLead(string LeadId, string? Email, string? Phone, DateTimeOffset CreatedAt);
