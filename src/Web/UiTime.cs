using Microsoft.Extensions.Configuration;

namespace Tandem.Web;

/// <summary>
/// The time zone the web app shows times in (<c>Tandem:Web:TimeZone</c>, an IANA id; <c>Europe/Paris</c> by default), so
/// that a due time or a next allowed call slot reads as the rep's wall clock, whatever the server's zone.
/// </summary>
public sealed class UiTime
{
    public UiTime(IConfiguration configuration)
    {
        var id = configuration["Tandem:Web:TimeZone"] is { Length: > 0 } configured ? configured : "Europe/Paris";
        Zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            ? zone
            : throw new InvalidOperationException($"Tandem:Web:TimeZone: '{id}' is not a known time zone; use an IANA id such as Europe/Paris.");
    }

    public TimeZoneInfo Zone { get; }

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);
}
