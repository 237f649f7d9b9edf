using System.Globalization;
using System.Security.Cryptography;
using IcalCalendar = Ical.Net.Calendar;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;

namespace Tandem.Modules.Outreach.Meetings;

/// <summary>
/// A rep's booking page settings (<c>Tandem:Outreach:Booking:Reps:{owner}:…</c>): working hours on Monday–Friday in
/// <see cref="TimeZone"/>, meeting length, buffer around every meeting and busy time, how many days ahead are offered,
/// the minimum notice, and the URL of an ICS feed of the rep's busy times (their calendar's private address).
/// </summary>
internal sealed record BookingSettings(string Owner, TimeZoneInfo TimeZone, TimeOnly DayStart, TimeOnly DayEnd, int MeetingMinutes, int BufferMinutes,
    int DaysAhead, int MinNoticeMinutes, Uri? BusyFeedUrl, string? DisplayName, string? Email);

internal sealed class BookingSettingsReader(IConfiguration configuration, OutreachDbContext db)
{
    /// <summary>The rep's settings — saved by the rep (web app), else configured — or null when the rep has no booking page.</summary>
    public async Task<BookingSettings?> ForAsync(string owner, CancellationToken cancellationToken) => (await WithSourceAsync(owner, cancellationToken)).Settings;

    /// <summary>The settings and where they come from: <c>saved</c> or <c>configured</c>.</summary>
    public async Task<(BookingSettings? Settings, string Source)> WithSourceAsync(string owner, CancellationToken cancellationToken)
    {
        if (owner.Length is 0 or > 64 || owner.Contains(':')) return (null, "none");
        var saved = await db.Set<BookingProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.Owner == owner, cancellationToken);
        if (saved is not null) return (FromProfile(saved), "saved");
        return FromConfiguration(owner) is { } configured ? (configured, "configured") : (null, "none");
    }

    /// <summary>Saved settings, with the configured organiser email (not editable by the rep: it is the address invitations come from).</summary>
    public BookingSettings FromProfile(BookingProfile p)
    {
        var s = configuration.GetSection($"Tandem:Outreach:Booking:Reps:{p.Owner}");
        return new BookingSettings(p.Owner, TimeZoneInfo.TryFindSystemTimeZoneById(p.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc,
            TimeOnly.ParseExact(p.WorkStart, "HH:mm", CultureInfo.InvariantCulture), TimeOnly.ParseExact(p.WorkEnd, "HH:mm", CultureInfo.InvariantCulture),
            p.MeetingMinutes, p.BufferMinutes, Math.Clamp(s.GetValue("DaysAhead", 14), 1, 60), Math.Clamp(s.GetValue("MinNoticeMinutes", 120), 0, 10_080),
            Uri.TryCreate(p.BusyFeedUrl, UriKind.Absolute, out var feed) ? feed : null, p.DisplayName ?? s["DisplayName"], s["Email"]);
    }

    private BookingSettings? FromConfiguration(string owner)
    {
        var s = configuration.GetSection($"Tandem:Outreach:Booking:Reps:{owner}");
        if (!s.Exists()) return null;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(s["TimeZone"] ?? "Europe/Paris", out var z) ? z : TimeZoneInfo.Utc;
        return new BookingSettings(owner, zone,
            TimeOnly.TryParse(s["WorkStart"], CultureInfo.InvariantCulture, out var start) ? start : new TimeOnly(9, 0),
            TimeOnly.TryParse(s["WorkEnd"], CultureInfo.InvariantCulture, out var end) ? end : new TimeOnly(18, 0),
            Math.Clamp(s.GetValue("MeetingMinutes", 30), 5, 600), Math.Clamp(s.GetValue("BufferMinutes", 10), 0, 240),
            Math.Clamp(s.GetValue("DaysAhead", 14), 1, 60), Math.Clamp(s.GetValue("MinNoticeMinutes", 120), 0, 10_080),
            Uri.TryCreate(s["BusyFeedUrl"], UriKind.Absolute, out var feed) ? feed : null, s["DisplayName"], s["Email"]);
    }
}

/// <summary>The rep's free slots: working hours minus busy times (ICS feed and booked meetings), each widened by the buffer.</summary>
internal sealed class SlotFinder(OutreachDbContext db, IHttpClientFactory http, TimeProvider clock, ILogger<SlotFinder> logger)
{
    /// <summary>The free slots (UTC starts), or null when the busy feed could not be read (offering slots blind would double-book).</summary>
    public async Task<IReadOnlyList<DateTimeOffset>?> FreeSlotsAsync(BookingSettings settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var from = now.AddMinutes(settings.MinNoticeMinutes);
        var to = now.AddDays(settings.DaysAhead + 1);
        var busy = await BusyAsync(settings, now, to, cancellationToken);
        if (busy is null) return null;
        var buffer = TimeSpan.FromMinutes(settings.BufferMinutes);
        var length = TimeSpan.FromMinutes(settings.MeetingMinutes);
        var slots = new List<DateTimeOffset>();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, settings.TimeZone).DateTime);
        for (var d = 0; d <= settings.DaysAhead; d++)
        {
            var day = today.AddDays(d);
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            for (var t = day.ToDateTime(settings.DayStart); t + length <= day.ToDateTime(settings.DayEnd); t += length + buffer)
            {
                if (settings.TimeZone.IsInvalidTime(t)) continue;
                var start = new DateTimeOffset(t, settings.TimeZone.GetUtcOffset(t)).ToUniversalTime();
                var end = start + length;
                if (start < from) continue;
                if (busy.Any(b => b.Start - buffer < end && b.End + buffer > start)) continue;
                slots.Add(start);
            }
        }
        return slots;
    }

    private async Task<List<(DateTimeOffset Start, DateTimeOffset End)>?> BusyAsync(BookingSettings settings, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var busy = await db.Set<Meeting>().AsNoTracking()
            .Where(m => m.Owner == settings.Owner && m.Status == MeetingStatuses.Booked && m.EndsAt > from && m.StartsAt < to)
            .Select(m => new { m.StartsAt, m.EndsAt }).ToListAsync(cancellationToken);
        var result = busy.Select(m => (m.StartsAt, m.EndsAt)).ToList();
        if (settings.BusyFeedUrl is null) return result;
        string text;
        try
        {
            using var client = http.CreateClient("booking-feed");
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            text = await client.GetStringAsync(settings.BusyFeedUrl, cts.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("The busy-times feed of a booking page could not be read: {Error}", e.GetType().Name);
            return null;
        }
        try
        {
            var calendar = IcalCalendar.Load(text);
            if (calendar is null) return result;
            foreach (var occurrence in calendar.GetOccurrences<CalendarEvent>(new CalDateTime(from.UtcDateTime.AddDays(-1), "UTC")))
            {
                var start = new DateTimeOffset(occurrence.Period.StartTime.AsUtc, TimeSpan.Zero);
                if (start >= to) break;
                if (occurrence.Source is CalendarEvent { Transparency: "TRANSPARENT" }) continue;
                var end = occurrence.Period.EffectiveEndTime is { } e ? new DateTimeOffset(e.AsUtc, TimeSpan.Zero) : start.AddDays(1);
                if (end > from) result.Add((start, end));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("The busy-times feed of a booking page is not valid iCalendar: {Error}", e.GetType().Name);
            return null;
        }
        return result;
    }
}

/// <summary>Links a prospect can open without an account: the booking page naming them, and a meeting's invitation.</summary>
internal sealed class BookingLinks(IDataProtectionProvider protection, IConfiguration configuration)
{
    private readonly IDataProtector _prospects = protection.CreateProtector("Tandem.Outreach.Booking.Prospect.v1");
    private readonly IDataProtector _meetings = protection.CreateProtector("Tandem.Outreach.Booking.Meeting.v1");

    public string Base { get; } = configuration["Tandem:PublicBaseUrl"]?.TrimEnd('/') is { Length: > 0 } configured
        ? configured
        : configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()?.TrimEnd('/')
          ?? "http://localhost:5000";

    /// <summary>The owner's public booking page, without a prospect (the link a rep shares).</summary>
    public string PageOf(string owner) => $"{Base}/book/{Uri.EscapeDataString(owner)}";

    /// <summary>The owner's booking page for this prospect (the link that goes into emails and tasks).</summary>
    public Uri PageFor(string owner, string prospectId) => new($"{Base}/book/{Uri.EscapeDataString(owner)}?p={_prospects.Protect(prospectId)}");

    public Uri InvitationFor(string meetingId) => new($"{Base}/book/invitation/{_meetings.Protect(meetingId)}");

    public string? ReadProspect(string? token) => Read(_prospects, token);

    public string? ReadMeeting(string? token) => Read(_meetings, token);

    private static string? Read(IDataProtector protector, string? token)
    {
        if (token is null || token.Length is 0 or > 1024) return null;
        try
        {
            return protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>A meeting as an iCalendar invitation (RFC 5545, <c>METHOD:REQUEST</c>), written with Ical.Net.</summary>
internal static class Invitation
{
    public static string For(Meeting meeting, BookingSettings? settings)
    {
        var calendar = new IcalCalendar { Method = "REQUEST", ProductId = "-//Tandem//Outreach//FR" };
        var e = new CalendarEvent
        {
            Uid = meeting.Id + "@tandem",
            DtStart = new CalDateTime(meeting.StartsAt.UtcDateTime, "UTC"),
            DtEnd = new CalDateTime(meeting.EndsAt.UtcDateTime, "UTC"),
            DtStamp = new CalDateTime(meeting.CreatedAt.UtcDateTime, "UTC"),
            Summary = "Rendez-vous / Meeting" + (settings?.DisplayName is { } name ? " — " + name : ""),
            Status = meeting.Status == MeetingStatuses.Booked ? "CONFIRMED" : "CANCELLED",
        };
        if (settings?.Email is { } organizer) e.Organizer = new Organizer("mailto:" + organizer) { CommonName = settings.DisplayName };
        if (meeting.AttendeeEmail is { } attendee)
            e.Attendees.Add(new Attendee("mailto:" + attendee) { CommonName = meeting.AttendeeName, Rsvp = true, ParticipationStatus = "NEEDS-ACTION" });
        calendar.Events.Add(e);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }
}
