using Mediator;

namespace Tandem.Modules.Outreach.Contracts;

/// <summary>
/// Put addresses on Outreach's suppression list (docs/compliance.md, "Suppression lists"): a suppressed email, phone or
/// email domain is never contacted again (every step on that channel is blocked, with the reason).
/// </summary>
/// <param name="Entries">What to suppress.</param>
/// <param name="Reason">Why (e.g. <c>objection</c>, <c>opposition-list</c>, <c>do-not-call</c>); shown as the step's block reason.</param>
/// <param name="By">Who asked (an API key's name), for the audit log.</param>
public sealed record AddSuppressions(IReadOnlyList<SuppressionRequest> Entries, string Reason, string? By) : ICommand<SuppressionsAdded>;

/// <summary>One address to suppress.</summary>
/// <param name="Kind"><c>email</c>, <c>phone</c> (E.164 or as typed in France) or <c>domain</c>.</param>
/// <param name="Value">The address, number or domain.</param>
public sealed record SuppressionRequest(string Kind, string Value);

/// <summary>How many entries were new, how many were already on the list, and which lines were refused (1-based) with why.</summary>
public sealed record SuppressionsAdded(int Added, int AlreadyPresent, IReadOnlyList<SuppressionProblem> Refused);

/// <summary>An entry that could not be read.</summary>
public sealed record SuppressionProblem(int Line, string Message);

/// <summary>Everything Outreach holds about the people with these leads, prospects, emails or phones (art. 15, 20).</summary>
public sealed record ExportOutreachPersonalData(IReadOnlyList<string> LeadIds, IReadOnlyList<string> ProspectIds, IReadOnlyList<string> Emails,
    IReadOnlyList<string> Phones) : IQuery<OutreachPersonalData>;

/// <summary>Outreach's part of a data-subject export.</summary>
/// <param name="Enrollments">Every enrolment in a sequence, with its steps.</param>
/// <param name="Activities">Every touch: emails sent and their events, calls with outcomes, meetings, notes.</param>
/// <param name="Tasks">Every rep task about the person.</param>
/// <param name="Messages">Emails the built-in record-only channel kept.</param>
/// <param name="Suppressions">Suppression entries held in clear for their addresses.</param>
public sealed record OutreachPersonalData(IReadOnlyList<EnrollmentDetails> Enrollments, IReadOnlyList<PersonalActivity> Activities,
    IReadOnlyList<PersonalTask> Tasks, IReadOnlyList<PersonalMessage> Messages, IReadOnlyList<PersonalSuppression> Suppressions);

/// <summary>A touch as exported.</summary>
public sealed record PersonalActivity(string Id, string? ProspectId, string? LeadId, string Channel, string Kind, string? Outcome, string? Owner,
    string? Notes, int? DurationSeconds, DateTimeOffset OccurredAt);

/// <summary>A rep task as exported.</summary>
public sealed record PersonalTask(string Id, string Kind, string ProspectId, string Status, string? Outcome, string? Notes, string? Owner,
    DateTimeOffset DueAt, DateTimeOffset? CompletedAt);

/// <summary>A recorded email as exported.</summary>
public sealed record PersonalMessage(string MessageId, string Recipient, string? Subject, string? Body, DateTimeOffset RecordedAt);

/// <summary>A suppression entry as exported.</summary>
public sealed record PersonalSuppression(string Kind, string? Value, string Reason, DateTimeOffset CreatedAt);

/// <summary>
/// Erase what Outreach holds about these people (art. 17): enrolments, steps, tasks, activities and recorded emails are
/// deleted; their email and phone stay on the suppression list as hashes only, so they are never contacted again. Without
/// <paramref name="Suppress"/> (the retention purge) only the entries already there are kept, hashed.
/// </summary>
public sealed record EraseOutreachPersonalData(IReadOnlyList<string> LeadIds, IReadOnlyList<string> ProspectIds, IReadOnlyList<string> Emails,
    IReadOnlyList<string> Phones, string Reason, bool Suppress = true) : ICommand<OutreachPersonalDataErased>;

/// <summary>Which of these leads had a touch since <paramref name="Since"/> that counts as an interaction (an email open or delivery does not).</summary>
public sealed record FindLeadsTouchedSince(IReadOnlyList<string> LeadIds, DateTimeOffset Since) : IQuery<LeadsTouched>;

/// <summary>The leads with a recent interaction in Outreach.</summary>
public sealed record LeadsTouched(IReadOnlyList<string> LeadIds);

/// <summary>How many rows were deleted, and how many hashed suppression entries now stand for the people.</summary>
public sealed record OutreachPersonalDataErased(int Deleted, int Suppressed);
