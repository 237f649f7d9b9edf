using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Tandem.Modules.Outreach.Channels;

/// <summary>When a mailbox may send: from <see cref="Start"/> to <see cref="End"/> (local time, End may be 24:00) on <see cref="Days"/>.</summary>
internal sealed record SendWindow(TimeSpan Start, TimeSpan End, IReadOnlySet<DayOfWeek> Days)
{
    public override string ToString() =>
        $"{Start:hh\\:mm}–{(End == TimeSpan.FromHours(24) ? "24:00" : End.ToString("hh\\:mm", CultureInfo.InvariantCulture))}, " +
        string.Join(' ', Enum.GetValues<DayOfWeek>().Skip(1).Append(DayOfWeek.Sunday).Where(Days.Contains).Select(d => d.ToString()[..3]));
}

/// <summary>
/// A rep's sending mailbox as Outreach knows it (<c>Tandem:Outreach:Mailboxes:{owner}:…</c>, each value falling back to
/// <c>Tandem:Outreach:Sending:…</c>): the address email steps are sent from (the channel plugin's mailbox with that address
/// sends them), the name recipients see, a daily cap of emails and a send window, both in <see cref="TimeZone"/>.
/// </summary>
internal sealed record MailboxSettings(string? Owner, string? Address, string? DisplayName, int? DailyCap, SendWindow? Window, TimeZoneInfo TimeZone)
{
    /// <summary>No cap and no window: the scheduler sends whenever a step is due.</summary>
    public bool Unlimited => DailyCap is null && Window is null;

    /// <summary>Local midnight of the day <paramref name="at"/> falls on, as a UTC instant (the cap's day starts there).</summary>
    public DateTimeOffset DayStart(DateTimeOffset at) => ToUtc(LocalDay(at), TimeSpan.Zero);

    /// <summary><paramref name="at"/> itself when the window is open then (or there is none), else when it next opens.</summary>
    public DateTimeOffset NextOpen(DateTimeOffset at)
    {
        if (Window is null) return at;
        var today = LocalDay(at);
        for (var d = 0; d <= 7; d++)
        {
            var day = today.AddDays(d);
            if (!Window.Days.Contains(day.DayOfWeek)) continue;
            var open = ToUtc(day, Window.Start);
            var close = ToUtc(day, Window.End);
            if (at < open) return open;
            if (at < close) return at;
        }
        return at; // Unreachable: a window has at least one day.
    }

    /// <summary>The first moment after the local day of <paramref name="at"/> when this mailbox may send (the cap is spent for today).</summary>
    public DateTimeOffset NextDayOpen(DateTimeOffset at) => NextOpen(ToUtc(LocalDay(at).AddDays(1), TimeSpan.Zero));

    /// <summary>A local time written for a person, in the mailbox's time zone.</summary>
    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + TimeZone.Id;

    private DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZone).DateTime);

    private DateTimeOffset ToUtc(DateOnly day, TimeSpan time)
    {
        var local = day.ToDateTime(TimeOnly.MinValue) + time;
        // A time that does not exist (the spring-forward gap) is taken an hour later.
        if (TimeZone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }
}

/// <summary>
/// The mailboxes of the reps (<c>Tandem:Outreach:Mailboxes:{owner}</c>) and the defaults every mailbox takes what it does
/// not set from (<c>Tandem:Outreach:Sending</c>). Read once at start; a value that cannot be read stops the start with a
/// message naming the key (a cap or a window silently ignored would send what the administrator meant to hold back).
/// </summary>
internal sealed class Mailboxes
{
    private readonly Dictionary<string, MailboxSettings> _byOwner;
    private readonly MailboxSettings _default;

    private Mailboxes(Dictionary<string, MailboxSettings> byOwner, MailboxSettings fallback)
    {
        _byOwner = byOwner;
        _default = fallback;
        Unlimited = fallback.Unlimited && byOwner.Values.All(m => m.Unlimited);
    }

    /// <summary>No mailbox has a cap or a window: the scheduler need not look.</summary>
    public bool Unlimited { get; }

    /// <summary>The owner's mailbox; an owner without a section gets the defaults (no address: the channel's default sender).</summary>
    public MailboxSettings For(string? owner) =>
        owner is not null && _byOwner.TryGetValue(owner, out var m) ? (m.Owner == owner ? m : m with { Owner = owner }) : _default with { Owner = owner };

    public static Mailboxes From(IConfiguration configuration)
    {
        var defaults = configuration.GetSection("Tandem:Outreach:Sending");
        var fallback = Read(null, defaults, null);
        var byOwner = new Dictionary<string, MailboxSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection("Tandem:Outreach:Mailboxes").GetChildren())
            byOwner[section.Key] = Read(section.Key, section, defaults);
        return new Mailboxes(byOwner, fallback);
    }

    private static MailboxSettings Read(string? owner, IConfigurationSection section, IConfigurationSection? defaults)
    {
        string? Value(string key) => section[key] is { Length: > 0 } v ? v : defaults?[key] is { Length: > 0 } d ? d : null;
        string Key(string key) => $"{section.Path}:{key}";

        var zoneId = Value("TimeZone") ?? "Europe/Paris";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
            throw new InvalidOperationException($"{Key("TimeZone")} '{zoneId}' is not a known time zone (an IANA id such as Europe/Paris).");

        int? cap = null;
        if (Value("DailyCap") is { } capText)
        {
            if (!int.TryParse(capText, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c < 1)
                throw new InvalidOperationException($"{Key("DailyCap")} must be a whole number of emails per day, at least 1.");
            cap = c;
        }

        SendWindow? window = null;
        string? start = Value("WindowStart"), end = Value("WindowEnd"), days = Value("Days");
        if (start is not null || end is not null || days is not null)
        {
            var from = start is null ? TimeSpan.Zero : TimeOfDay(start, Key("WindowStart"));
            var to = end is null ? TimeSpan.FromHours(24) : TimeOfDay(end, Key("WindowEnd"));
            if (to <= from) throw new InvalidOperationException($"{Key("WindowEnd")} must be after WindowStart.");
            window = new SendWindow(from, to, days is null
                ? new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
                : DaysOf(days, Key("Days")));
        }
        return new MailboxSettings(owner, section["Address"] is { Length: > 0 } a ? a.Trim() : null, section["DisplayName"], cap, window, zone);
    }

    /// <summary><c>HH:mm</c>, 00:00 to 24:00.</summary>
    private static TimeSpan TimeOfDay(string text, string key)
    {
        var parts = text.Trim().Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && h is >= 0 and <= 24 && m is >= 0 and < 60
            && (h < 24 || m == 0))
            return new TimeSpan(h, m, 0);
        throw new InvalidOperationException($"{key} must be a time of day written HH:mm (00:00 to 24:00), e.g. 09:00.");
    }

    /// <summary>Days by English name or three-letter abbreviation, separated by commas or spaces (<c>Mon,Tue,Wed</c>).</summary>
    private static HashSet<DayOfWeek> DaysOf(string text, string key)
    {
        var result = new HashSet<DayOfWeek>();
        foreach (var word in text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var day = Enum.GetValues<DayOfWeek>().Where(d => d.ToString().Equals(word, StringComparison.OrdinalIgnoreCase)
                || (word.Length == 3 && d.ToString().StartsWith(word, StringComparison.OrdinalIgnoreCase))).Select(d => (DayOfWeek?)d).FirstOrDefault();
            if (day is null) throw new InvalidOperationException($"{key}: '{word}' is not a day (Monday… or Mon…).");
            result.Add(day.Value);
        }
        if (result.Count == 0) throw new InvalidOperationException($"{key} must name at least one day.");
        return result;
    }
}
