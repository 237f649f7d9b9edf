using Mediator;

namespace Tandem.Modules.Outreach.Contracts;

/// <summary>
/// A rep logs a meeting booked outside the booking page (on the phone): recorded, published as a <c>meeting-booked</c>
/// touch, the prospect's active sequence stopped and the prospect moved to decision.
/// </summary>
/// <param name="ProspectId">The prospect met.</param>
/// <param name="StartsAt">When the meeting starts.</param>
/// <param name="DurationMinutes">Its length (default: the owner's booking settings, else 30).</param>
/// <param name="Notes">What was agreed.</param>
public sealed record LogMeeting(string ProspectId, DateTimeOffset StartsAt, int? DurationMinutes, string? Notes) : ICommand<MeetingDetails>;

/// <summary>The person did not come: the meeting is marked <c>no-show</c> and a touch with that outcome is recorded (once).</summary>
/// <param name="MeetingId">The meeting.</param>
public sealed record RecordNoShow(string MeetingId) : ICommand<MeetingDetails>;

/// <summary>One meeting.</summary>
/// <param name="Id">The meeting's id.</param>
public sealed record GetMeeting(string Id) : IQuery<MeetingDetails>;

/// <summary>A meeting.</summary>
/// <param name="Id">Its id.</param>
/// <param name="ProspectId">The prospect, when known.</param>
/// <param name="Owner">The rep.</param>
/// <param name="StartsAt">Start.</param>
/// <param name="EndsAt">End.</param>
/// <param name="Status"><see cref="MeetingStatuses"/>.</param>
/// <param name="Source"><c>phone</c> (logged by a rep) or <c>booking-page</c>.</param>
/// <param name="AttendeeName">The person's name as given.</param>
/// <param name="Notes">The rep's notes.</param>
public sealed record MeetingDetails(string Id, string? ProspectId, string? Owner, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status, string Source,
    string? AttendeeName, string? Notes);

/// <summary>The states of a meeting.</summary>
public sealed record MeetingStatuses
{
    private MeetingStatuses() { }

    /// <summary>Booked and not (yet) reported as missed.</summary>
    public const string Booked = "booked";
    /// <summary>The person did not come.</summary>
    public const string NoShow = "no-show";
}
