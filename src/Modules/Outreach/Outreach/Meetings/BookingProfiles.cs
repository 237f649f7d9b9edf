using System.Globalization;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Meetings;

/// <summary>The booking page settings a rep saved (the web app's booking settings page); they win over the configured ones.</summary>
internal sealed class BookingProfile
{
    public required string Owner { get; init; }
    public required string TimeZone { get; set; }
    /// <summary><c>HH:mm</c>.</summary>
    public required string WorkStart { get; set; }
    public required string WorkEnd { get; set; }
    public int MeetingMinutes { get; set; }
    public int BufferMinutes { get; set; }
    public string? BusyFeedUrl { get; set; }
    public string? DisplayName { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<BookingProfile>(b =>
    {
        b.ToTable("BookingProfiles");
        b.HasKey(x => x.Owner);
        b.Property(x => x.Owner).HasMaxLength(64);
        b.Property(x => x.TimeZone).HasMaxLength(64);
        b.Property(x => x.WorkStart).HasMaxLength(5);
        b.Property(x => x.WorkEnd).HasMaxLength(5);
        b.Property(x => x.BusyFeedUrl).HasMaxLength(2048);
        b.Property(x => x.DisplayName).HasMaxLength(200);
    });
}

internal static class BookingOwner
{
    /// <summary>An owner a booking page can have: 1..64 characters, no ':' (a configuration key separator), one line.</summary>
    public static void Validate(string? owner, ValidationErrors errors)
    {
        errors.Required("owner", owner).SingleLine("owner", owner, 64);
        if (owner is not null && owner.Contains(':')) errors.Add("owner", "An owner name has no ':'.");
    }
}

internal sealed class GetBookingSettingsValidator : IValidator<GetBookingSettings>
{
    public void Validate(GetBookingSettings m, ValidationErrors errors) => BookingOwner.Validate(m.Owner, errors);
}

internal sealed class GetBookingSettingsHandler(BookingSettingsReader reader, BookingLinks links) : IQueryHandler<GetBookingSettings, BookingSettingsDetails>
{
    public async ValueTask<BookingSettingsDetails> Handle(GetBookingSettings query, CancellationToken cancellationToken)
    {
        var (settings, source) = await reader.WithSourceAsync(query.Owner, cancellationToken);
        return settings is null
            ? new BookingSettingsDetails(query.Owner, "none", "Europe/Paris", "09:00", "18:00", 30, 10, null, null, links.PageOf(query.Owner))
            : settings.ToDetails(source, links);
    }
}

internal sealed class SaveBookingSettingsValidator : IValidator<SaveBookingSettings>
{
    public void Validate(SaveBookingSettings m, ValidationErrors errors)
    {
        BookingOwner.Validate(m.Owner, errors);
        errors.Required("timeZone", m.TimeZone).SingleLine("timeZone", m.TimeZone, 64).SingleLine("displayName", m.DisplayName, Limits.Name);
        if (!string.IsNullOrWhiteSpace(m.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(m.TimeZone, out _))
            errors.Add("timeZone", "Not a known time zone: use an IANA id such as Europe/Paris.");
        var start = Time("workStart", m.WorkStart, errors);
        var end = Time("workEnd", m.WorkEnd, errors);
        if (start is { } s && end is { } e && e <= s) errors.Add("workEnd", "The working day ends after it starts.");
        if (m.MeetingMinutes is < 5 or > 600) errors.Add("meetingMinutes", "Between 5 and 600 minutes.");
        if (m.BufferMinutes is < 0 or > 240) errors.Add("bufferMinutes", "Between 0 and 240 minutes.");
        if (start is { } s2 && end is { } e2 && e2 > s2 && (e2 - s2).TotalMinutes < m.MeetingMinutes)
            errors.Add("meetingMinutes", "A meeting fits in the working day.");
        if (m.BusyFeedUrl is { Length: > 0 } url)
        {
            errors.SingleLine("busyFeedUrl", url, Limits.Url);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                errors.Add("busyFeedUrl", "An http(s) address of an ICS feed.");
        }
    }

    private static TimeOnly? Time(string field, string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value)) { errors.Add(field, "This field is required."); return null; }
        if (TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        errors.Add(field, "A time of day, HH:mm.");
        return null;
    }
}

internal sealed class SaveBookingSettingsHandler(OutreachDbContext db, BookingSettingsReader reader, BookingLinks links, TimeProvider clock)
    : ICommandHandler<SaveBookingSettings, BookingSettingsDetails>
{
    public async ValueTask<BookingSettingsDetails> Handle(SaveBookingSettings command, CancellationToken cancellationToken)
    {
        var profile = await db.Set<BookingProfile>().FirstOrDefaultAsync(p => p.Owner == command.Owner, cancellationToken);
        if (profile is null)
            db.Add(profile = new BookingProfile { Owner = command.Owner, TimeZone = command.TimeZone, WorkStart = command.WorkStart, WorkEnd = command.WorkEnd });
        profile.TimeZone = command.TimeZone;
        profile.WorkStart = command.WorkStart;
        profile.WorkEnd = command.WorkEnd;
        profile.MeetingMinutes = command.MeetingMinutes;
        profile.BufferMinutes = command.BufferMinutes;
        profile.BusyFeedUrl = string.IsNullOrWhiteSpace(command.BusyFeedUrl) ? null : command.BusyFeedUrl.Trim();
        profile.DisplayName = string.IsNullOrWhiteSpace(command.DisplayName) ? null : command.DisplayName.Trim();
        profile.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return reader.FromProfile(profile).ToDetails("saved", links);
    }
}

internal static class BookingSettingsMapping
{
    public static BookingSettingsDetails ToDetails(this BookingSettings s, string source, BookingLinks links) =>
        new(s.Owner, source, s.TimeZone.Id, s.DayStart.ToString("HH:mm", CultureInfo.InvariantCulture), s.DayEnd.ToString("HH:mm", CultureInfo.InvariantCulture),
            s.MeetingMinutes, s.BufferMinutes, s.BusyFeedUrl?.ToString(), s.DisplayName, links.PageOf(s.Owner));
}
