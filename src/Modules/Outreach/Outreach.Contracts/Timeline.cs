using Mediator;

namespace Tandem.Modules.Outreach.Contracts;

/// <summary>
/// Outreach's part of a prospect's timeline (docs/architecture.md, "Timelines"): enrolments in sequences and how they
/// ended, touches (emails, calls, LinkedIn steps, notes, channel events), rep tasks and meetings, oldest first.
/// </summary>
/// <param name="ProspectId">The prospect.</param>
public sealed record GetOutreachTimeline(string ProspectId) : IQuery<IReadOnlyList<OutreachTimelineEntry>>;

/// <summary>One entry of Outreach's timeline.</summary>
/// <param name="At">When it happened (a task: when it is due, or when it was done; a meeting: when it starts).</param>
/// <param name="Type"><see cref="OutreachTimelineTypes"/>.</param>
/// <param name="Kind">The channel of a touch (<c>email</c>, <c>call</c>…) and its kind (<c>sent</c>, <c>replied</c>…) as <c>channel/kind</c>; a task's kind; a meeting's source; an enrolment's sequence name.</param>
/// <param name="Outcome">A touch's or task's outcome, an enrolment's status or stop reason, a meeting's status.</param>
/// <param name="Owner">The rep.</param>
/// <param name="Notes">The rep's notes (touches, tasks, meetings).</param>
/// <param name="Ref">The id of the task, meeting or enrolment.</param>
public sealed record OutreachTimelineEntry(DateTimeOffset At, string Type, string Kind, string? Outcome, string? Owner, string? Notes, string? Ref);

/// <summary>The types of <see cref="OutreachTimelineEntry"/>.</summary>
public sealed record OutreachTimelineTypes
{
    private OutreachTimelineTypes() { }

    /// <summary>Enrolled in a sequence.</summary>
    public const string Enrolment = "enrolment";
    /// <summary>A touch: sent, delivered, opened, clicked, replied, bounced, a call, a note…</summary>
    public const string Touch = "touch";
    /// <summary>A rep task, open (due) or done.</summary>
    public const string Task = "task";
    /// <summary>A meeting.</summary>
    public const string Meeting = "meeting";
}
