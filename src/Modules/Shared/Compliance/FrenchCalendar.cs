namespace Tandem.Modules.Shared.Compliance;

/// <summary>
/// French public holidays (jours fériés), computed: the fixed ones, the three that follow Easter (Easter Monday,
/// Ascension, Whit Monday), Good Friday and St Stephen's Day in Alsace-Moselle, and the abolition-of-slavery day of
/// each overseas département. docs/compliance.md lists them with their sources.
/// </summary>
public static class FrenchCalendar
{
    /// <summary>True when <paramref name="date"/> is a public holiday where the person lives (<paramref name="region"/>).</summary>
    public static bool IsPublicHoliday(DateOnly date, FrenchRegion region = FrenchRegion.Metropolitan) =>
        Holidays(date.Year, region).Any(h => h.Date == date);

    /// <summary>The public holidays of <paramref name="year"/> for <paramref name="region"/>, in date order.</summary>
    public static IReadOnlyList<(DateOnly Date, string Name)> Holidays(int year, FrenchRegion region = FrenchRegion.Metropolitan)
    {
        var easter = EasterSunday(year);
        var list = new List<(DateOnly, string)>
        {
            (new DateOnly(year, 1, 1), "Jour de l'an"),
            (easter.AddDays(1), "Lundi de Pâques"),
            (new DateOnly(year, 5, 1), "Fête du Travail"),
            (new DateOnly(year, 5, 8), "Victoire 1945"),
            (easter.AddDays(39), "Ascension"),
            (easter.AddDays(50), "Lundi de Pentecôte"),
            (new DateOnly(year, 7, 14), "Fête nationale"),
            (new DateOnly(year, 8, 15), "Assomption"),
            (new DateOnly(year, 11, 1), "Toussaint"),
            (new DateOnly(year, 11, 11), "Armistice 1918"),
            (new DateOnly(year, 12, 25), "Noël"),
        };
        switch (region)
        {
            case FrenchRegion.AlsaceMoselle:
                list.Add((easter.AddDays(-2), "Vendredi saint"));
                list.Add((new DateOnly(year, 12, 26), "Saint-Étienne"));
                break;
            case FrenchRegion.Guadeloupe: list.Add((new DateOnly(year, 5, 27), "Abolition de l'esclavage")); break;
            case FrenchRegion.Martinique: list.Add((new DateOnly(year, 5, 22), "Abolition de l'esclavage")); break;
            case FrenchRegion.Guyane: list.Add((new DateOnly(year, 6, 10), "Abolition de l'esclavage")); break;
            case FrenchRegion.Reunion: list.Add((new DateOnly(year, 12, 20), "Abolition de l'esclavage")); break;
            case FrenchRegion.Mayotte: list.Add((new DateOnly(year, 4, 27), "Abolition de l'esclavage")); break;
        }
        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return list;
    }

    /// <summary>Easter Sunday of the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }
}

/// <summary>Where in France a person lives, as far as public holidays and time zones differ.</summary>
public enum FrenchRegion
{
    /// <summary>Mainland France and Corsica (Europe/Paris).</summary>
    Metropolitan,
    /// <summary>Bas-Rhin, Haut-Rhin, Moselle: two more holidays.</summary>
    AlsaceMoselle,
    /// <summary>971.</summary>
    Guadeloupe,
    /// <summary>972.</summary>
    Martinique,
    /// <summary>973.</summary>
    Guyane,
    /// <summary>974.</summary>
    Reunion,
    /// <summary>975.</summary>
    SaintPierreEtMiquelon,
    /// <summary>976.</summary>
    Mayotte,
    /// <summary>977 and 978.</summary>
    SaintBarthelemyOrSaintMartin,
}

/// <summary>A person's region and time zone, from their postal code or, failing that, their phone number.</summary>
public sealed record ContactLocality(FrenchRegion Region, string TimeZoneId)
{
    /// <summary>Mainland France.</summary>
    public static readonly ContactLocality Metropolitan = new(FrenchRegion.Metropolitan, "Europe/Paris");

    /// <summary>
    /// The locality of a French postal code (overseas codes start with 97); then of an E.164 phone number's overseas
    /// country code (+590, +596, +594, +262, +508); mainland France otherwise.
    /// </summary>
    public static ContactLocality Of(string? postalCode, string? phoneE164 = null)
    {
        var code = postalCode?.Replace(" ", "", StringComparison.Ordinal);
        if (code is { Length: 5 } && code.All(char.IsAsciiDigit))
        {
            return code[..3] switch
            {
                "971" => new(FrenchRegion.Guadeloupe, "America/Guadeloupe"),
                "972" => new(FrenchRegion.Martinique, "America/Martinique"),
                "973" => new(FrenchRegion.Guyane, "America/Cayenne"),
                "974" => new(FrenchRegion.Reunion, "Indian/Reunion"),
                "975" => new(FrenchRegion.SaintPierreEtMiquelon, "America/Miquelon"),
                "976" => new(FrenchRegion.Mayotte, "Indian/Mayotte"),
                "977" or "978" => new(FrenchRegion.SaintBarthelemyOrSaintMartin, "America/St_Barthelemy"),
                _ when code[..2] is "57" or "67" or "68" => new(FrenchRegion.AlsaceMoselle, "Europe/Paris"),
                _ => Metropolitan,
            };
        }
        if (phoneE164 is { } phone)
        {
            if (phone.StartsWith("+590", StringComparison.Ordinal)) return new(FrenchRegion.Guadeloupe, "America/Guadeloupe");
            if (phone.StartsWith("+596", StringComparison.Ordinal)) return new(FrenchRegion.Martinique, "America/Martinique");
            if (phone.StartsWith("+594", StringComparison.Ordinal)) return new(FrenchRegion.Guyane, "America/Cayenne");
            if (phone.StartsWith("+262269", StringComparison.Ordinal) || phone.StartsWith("+262639", StringComparison.Ordinal))
                return new(FrenchRegion.Mayotte, "Indian/Mayotte");
            if (phone.StartsWith("+262", StringComparison.Ordinal)) return new(FrenchRegion.Reunion, "Indian/Reunion");
            if (phone.StartsWith("+508", StringComparison.Ordinal)) return new(FrenchRegion.SaintPierreEtMiquelon, "America/Miquelon");
        }
        return Metropolitan;
    }

    /// <summary>The time zone (IANA id, resolved by the operating system's tz database).</summary>
    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
}
