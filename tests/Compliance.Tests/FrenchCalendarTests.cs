using Tandem.Modules.Shared.Compliance;

namespace Tandem.Compliance.Tests;

public sealed class FrenchCalendarTests
{
    [Theory]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    [InlineData(2285, 3, 22)]
    public void Easter_sunday_matches_the_published_dates(int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), FrenchCalendar.EasterSunday(year));

    [Theory]
    [InlineData("2026-01-01", true)]
    [InlineData("2026-04-06", true)]   // Easter Monday 2026
    [InlineData("2027-03-29", true)]   // Easter Monday 2027: it moves
    [InlineData("2026-04-07", false)]
    [InlineData("2026-05-14", true)]   // Ascension 2026
    [InlineData("2026-05-25", true)]   // Whit Monday 2026
    [InlineData("2026-07-14", true)]
    [InlineData("2026-12-25", true)]
    [InlineData("2026-12-26", false)]  // only in Alsace-Moselle
    [InlineData("2026-04-03", false)]  // Good Friday: only in Alsace-Moselle
    public void Metropolitan_holidays(string date, bool holiday) =>
        Assert.Equal(holiday, FrenchCalendar.IsPublicHoliday(DateOnly.Parse(date)));

    [Fact]
    public void Alsace_moselle_and_overseas_have_their_own_days()
    {
        Assert.True(FrenchCalendar.IsPublicHoliday(new DateOnly(2026, 12, 26), FrenchRegion.AlsaceMoselle));
        Assert.True(FrenchCalendar.IsPublicHoliday(new DateOnly(2026, 4, 3), FrenchRegion.AlsaceMoselle));
        Assert.True(FrenchCalendar.IsPublicHoliday(new DateOnly(2026, 5, 22), FrenchRegion.Martinique));
        Assert.False(FrenchCalendar.IsPublicHoliday(new DateOnly(2026, 5, 22), FrenchRegion.Metropolitan));
        Assert.True(FrenchCalendar.IsPublicHoliday(new DateOnly(2026, 12, 20), FrenchRegion.Reunion));
    }

    [Theory]
    [InlineData("75011", null, "Europe/Paris")]
    [InlineData("67000", null, "Europe/Paris")]
    [InlineData("97200", null, "America/Martinique")]
    [InlineData("97400", null, "Indian/Reunion")]
    [InlineData(null, "+590690123456", "America/Guadeloupe")]
    [InlineData(null, "+33612345678", "Europe/Paris")]
    public void Locality_from_postal_code_then_phone(string? postalCode, string? phone, string zone) =>
        Assert.Equal(zone, ContactLocality.Of(postalCode, phone).TimeZoneId);
}
