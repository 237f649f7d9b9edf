using Mediator;

namespace Tandem.Modules.Outreach.Contracts;

/// <summary>A rep's booking page settings: the ones the rep saved, else the configured ones, else none (no public page).</summary>
/// <param name="Owner">The rep (the prospects' owner name).</param>
public sealed record GetBookingSettings(string Owner) : IQuery<BookingSettingsDetails>;

/// <summary>
/// A rep saves the settings of their public booking page (<c>/book/{owner}</c>): working hours on Monday–Friday in
/// <paramref name="TimeZone"/>, meeting length, buffer around every meeting and busy time, and the address of an ICS
/// feed of their busy times (their calendar's private address). Saved settings take precedence over configured ones.
/// </summary>
/// <param name="Owner">The rep.</param>
/// <param name="TimeZone">An IANA time zone (Europe/Paris).</param>
/// <param name="WorkStart">Start of the working day, <c>HH:mm</c>.</param>
/// <param name="WorkEnd">End of the working day, <c>HH:mm</c>, after the start.</param>
/// <param name="MeetingMinutes">Length of a meeting, 5..600.</param>
/// <param name="BufferMinutes">Free time kept around meetings and busy times, 0..240.</param>
/// <param name="BusyFeedUrl">An http(s) ICS feed of busy times, or null.</param>
/// <param name="DisplayName">The name the person booking sees, or null.</param>
public sealed record SaveBookingSettings(string Owner, string TimeZone, string WorkStart, string WorkEnd, int MeetingMinutes, int BufferMinutes,
    string? BusyFeedUrl, string? DisplayName) : ICommand<BookingSettingsDetails>;

/// <summary>A rep's booking settings and their public page.</summary>
/// <param name="Owner">The rep.</param>
/// <param name="Source"><c>saved</c> (by the rep), <c>configured</c> (<c>Tandem:Outreach:Booking:Reps</c>) or <c>none</c> (defaults shown; no page yet).</param>
/// <param name="TimeZone">IANA time zone.</param>
/// <param name="WorkStart">Start of the working day, <c>HH:mm</c>.</param>
/// <param name="WorkEnd">End of the working day, <c>HH:mm</c>.</param>
/// <param name="MeetingMinutes">Meeting length.</param>
/// <param name="BufferMinutes">Buffer around meetings.</param>
/// <param name="BusyFeedUrl">The ICS busy feed, when set.</param>
/// <param name="DisplayName">The name shown to the person booking.</param>
/// <param name="PageUrl">The public booking page (answers once settings exist).</param>
public sealed record BookingSettingsDetails(string Owner, string Source, string TimeZone, string WorkStart, string WorkEnd, int MeetingMinutes,
    int BufferMinutes, string? BusyFeedUrl, string? DisplayName, string PageUrl);
