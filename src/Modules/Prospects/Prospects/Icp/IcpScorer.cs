using System.Globalization;
using System.Text;
using Tandem.Modules.Prospects.Contracts;

namespace Tandem.Modules.Prospects.Icp;

/// <summary>What the ICP is checked against: the lead's own facts and its account's firmographics.</summary>
internal sealed class ProspectFacts
{
    public string? Kind { get; init; }
    public string? Country { get; init; }
    public string? Region { get; init; }
    public string? Departement { get; init; }
    public string? PostalCode { get; init; }
    public string? NafCode { get; init; }
    public string? HeadcountBand { get; init; }
    public string? RevenueBand { get; init; }
    public string? JobTitle { get; init; }
    public string? Company { get; init; }
    public string? Source { get; init; }
    public string? Interest { get; init; }
    public IReadOnlyDictionary<string, string>? Custom { get; init; }

    public string? Get(string field) => field switch
    {
        "kind" => Kind,
        "country" => Country,
        "region" => Region,
        "departement" => Departement,
        "postalCode" => PostalCode,
        "nafCode" => NafCode,
        "headcountBand" => HeadcountBand,
        "revenueBand" => RevenueBand,
        "jobTitle" => JobTitle,
        "company" => Company,
        "source" => Source,
        "interest" => Interest,
        _ => Custom is not null && Custom.TryGetValue(field, out var v) ? v : null,
    };

    /// <summary>Département of a French postal code: 2 digits, 3 overseas (97x, 98x), Corsica 2A (200xx–201xx) and 2B.</summary>
    public static string? DepartementOf(string? postalCode)
    {
        if (postalCode is null) return null;
        var digits = postalCode.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length != 5 || !digits.All(char.IsAsciiDigit)) return null;
        if (digits.StartsWith("97", StringComparison.Ordinal) || digits.StartsWith("98", StringComparison.Ordinal)) return digits[..3];
        if (digits.StartsWith("20", StringComparison.Ordinal)) return string.CompareOrdinal(digits, "20200") < 0 ? "2A" : "2B";
        return digits[..2];
    }
}

/// <summary>A fit score (0..100) with its reasons, for one ICP.</summary>
internal readonly record struct FitResult(string? IcpId, int Score, int MinFit, IReadOnlyList<string> Reasons)
{
    public bool Fits => Score >= MinFit;
}

/// <summary>
/// An ICP compiled once into predicates, so that scoring a million rows costs a few comparisons each (no parsing, no
/// allocation besides the reasons, which are only built when asked for).
/// </summary>
internal sealed class CompiledIcp
{
    private readonly (IcpCriterion Criterion, Func<string?, bool> Match)[] _criteria;
    private readonly int _totalWeight;

    public CompiledIcp(string id, string name, IReadOnlyList<IcpCriterion> criteria, int minFit)
    {
        Id = id;
        Name = name;
        MinFit = minFit;
        _criteria = criteria.Select(c => (c, Compile(c))).ToArray();
        _totalWeight = criteria.Where(c => c.Weight > 0).Sum(c => c.Weight);
    }

    public string Id { get; }
    public string Name { get; }
    public int MinFit { get; }

    /// <summary>The score only (the bulk path).</summary>
    public int Score(ProspectFacts facts)
    {
        if (_totalWeight == 0) return 100;
        var points = 0;
        foreach (var (c, match) in _criteria)
            if (match(facts.Get(c.Field))) points += c.Weight;
        return Math.Clamp((int)Math.Round(100.0 * points / _totalWeight, MidpointRounding.AwayFromZero), 0, 100);
    }

    /// <summary>The score with a human reason per criterion.</summary>
    public FitResult Explain(ProspectFacts facts)
    {
        var reasons = new List<string>(_criteria.Length);
        foreach (var (c, match) in _criteria)
        {
            var value = facts.Get(c.Field);
            var label = Label(c.Field, value);
            var expected = Expected(c);
            reasons.Add(match(value)
                ? $"{label} matches {expected} (+{c.Weight})"
                : value is null ? $"{FieldName(c.Field)} unknown: {expected} not checked (0 of {c.Weight})" : $"{label} does not match {expected} (0 of {c.Weight})");
        }
        return new FitResult(Id, Score(facts), MinFit, reasons);
    }

    private static string FieldName(string field) => field switch
    {
        "nafCode" => "NAF",
        "headcountBand" => "Headcount band",
        "revenueBand" => "Revenue band",
        "departement" => "Département",
        "region" => "Région",
        "postalCode" => "Postal code",
        "jobTitle" => "Job title",
        _ => char.ToUpperInvariant(field[0]) + field[1..],
    };

    private static string Label(string field, string? value) => field switch
    {
        "headcountBand" when value is not null && HeadcountBands.TryGetValue(value, out var range) => $"{range} employees (band {value})",
        _ => $"{FieldName(field)} {value}",
    };

    private static string Expected(IcpCriterion c)
    {
        var values = string.Join(", ", c.Values.Select(v => c.Field == "headcountBand" && HeadcountBands.TryGetValue(v, out var r) ? $"{v} ({r})" : v));
        var what = c.Field switch { "nafCode" => "sector", "headcountBand" => "size", "departement" or "region" or "country" or "postalCode" => "territory", _ => FieldName(c.Field).ToLowerInvariant() };
        return c.Operator switch
        {
            "notIn" => $"{what} (not {values})",
            "between" => $"{what} ({string.Join("–", c.Values)})",
            _ => $"{what} ({values})",
        };
    }

    /// <summary>INSEE "tranche d'effectif salarié" codes.</summary>
    public static readonly IReadOnlyDictionary<string, string> HeadcountBands = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["NN"] = "no", ["00"] = "0", ["01"] = "1–2", ["02"] = "3–5", ["03"] = "6–9", ["11"] = "10–19", ["12"] = "20–49", ["21"] = "50–99",
        ["22"] = "100–199", ["31"] = "200–249", ["32"] = "250–499", ["41"] = "500–999", ["42"] = "1,000–1,999", ["51"] = "2,000–4,999",
        ["52"] = "5,000–9,999", ["53"] = "10,000+",
    };

    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark) sb.Append(char.ToLowerInvariant(ch));
        return sb.ToString().Trim();
    }

    private static Func<string?, bool> Compile(IcpCriterion c)
    {
        var values = c.Values.Select(Normalize).ToArray();
        // NAF codes and postal codes match by prefix with in/notIn ("49" covers 49.41A); others exactly, ignoring case and accents.
        var prefix = c.Field is "nafCode" or "postalCode";
        bool In(string? v)
        {
            if (v is null) return false;
            var n = Normalize(v);
            foreach (var x in values)
                if (prefix ? n.StartsWith(x, StringComparison.Ordinal) : n == x) return true;
            return false;
        }
        switch (c.Operator)
        {
            case "in": return In;
            case "equals": return v => v is not null && values.Length > 0 && Normalize(v) == values[0];
            case "notIn": return v => v is not null && !In(v);
            case "contains":
                return v =>
                {
                    if (v is null) return false;
                    var n = Normalize(v);
                    foreach (var x in values) if (n.Contains(x, StringComparison.Ordinal)) return true;
                    return false;
                };
            case "between":
                var low = double.Parse(c.Values[0], CultureInfo.InvariantCulture);
                var high = double.Parse(c.Values[1], CultureInfo.InvariantCulture);
                return v => v is not null && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= low && d <= high;
            default: return _ => false;
        }
    }
}

/// <summary>Scores facts against every ICP and keeps the best; with no ICP defined, every lead fits.</summary>
internal static class IcpScoring
{
    public static FitResult Best(IReadOnlyList<CompiledIcp> icps, ProspectFacts facts)
    {
        if (icps.Count == 0) return new FitResult(null, 100, 0, ["No ICP defined yet: every lead fits."]);
        FitResult? best = null;
        foreach (var icp in icps)
        {
            var r = icp.Explain(facts);
            // A fitting ICP beats a better-scoring one that does not fit; then the higher score wins.
            if (best is null || (r.Fits && !best.Value.Fits) || (r.Fits == best.Value.Fits && r.Score > best.Value.Score)) best = r;
        }
        var b = best!.Value;
        var name = icps.First(i => i.Id == b.IcpId).Name;
        return b with { Reasons = [$"ICP \"{name}\": fit {b.Score} (minimum {b.MinFit})", .. b.Reasons] };
    }
}
