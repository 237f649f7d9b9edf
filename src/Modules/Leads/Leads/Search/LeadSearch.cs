using System.Globalization;
using System.Text;
using Tandem.Modules.Leads.Data;

namespace Tandem.Modules.Leads;

/// <summary>
/// Search ignores accents and case: every lead keeps its names, company and email folded into
/// <see cref="Lead.SearchText"/> (lower case, accents removed, ligatures spelled out), and a search folds its words
/// the same way, so that <c>eric</c> finds "Éric" and <c>élodie</c> finds "ÉLODIE" on every database.
/// </summary>
internal static class LeadSearch
{
    /// <summary>Lower case without diacritics: "Éric Lefèvre, Œuvres" → "eric lefevre, oeuvres".</summary>
    public static string Fold(string value)
    {
        // Most names, companies and emails are plain ASCII: there, folding is lower-casing (no decomposition, no marks, none
        // of the letters below), without the two Unicode normalisations (a CSV import folds three strings per row).
        if (System.Text.Ascii.IsValid(value)) return value.ToLowerInvariant();
        var decomposed = value.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark) continue;
            var lower = char.ToLowerInvariant(c);
            // Letters that do not decompose into a base letter and a mark.
            if (lower switch
                {
                    'œ' => "oe", 'æ' => "ae", 'ß' => "ss", 'ø' => "o", 'ł' => "l", 'đ' => "d", 'ı' => "i",
                    _ => null,
                } is { } spelled) folded.Append(spelled);
            else folded.Append(lower);
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>What a lead is found by: first name, last name, company and email, folded, separated by spaces.</summary>
    public static string TextOf(Lead lead) => TextOf(lead.FirstName, lead.LastName, lead.Company, lead.Email);

    /// <summary>As <see cref="TextOf(Lead)"/>, from the fields (what an import computes for a new lead before the writer).</summary>
    public static string TextOf(string? firstName, string? lastName, string? company, string? email) =>
        Fold(string.Join(' ', firstName ?? "", lastName ?? "", company ?? "", email ?? ""));

    /// <summary>Last name then first name, folded: what a last-name prefix search looks up ("Dupré Élodie" → "dupre elodie"); null without names.</summary>
    public static string? NameKeyOf(Lead lead) => NameKeyOf(lead.FirstName, lead.LastName);

    /// <summary>As <see cref="NameKeyOf(Lead)"/>, from the fields.</summary>
    public static string? NameKeyOf(string? firstName, string? lastName) =>
        string.Join(' ', lastName ?? "", firstName ?? "").Trim() is { Length: > 0 } name ? Fold(name) : null;

    /// <summary>The end (excluded) of the range of keys that start with <paramref name="prefix"/> (ordinal order: its last character plus one).</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>
    /// Fills <see cref="Lead.SearchText"/> of leads stored before it existed, in SQL on both providers: the same text
    /// as <see cref="TextOf"/> for the accented letters of French and its neighbours (what older rows can hold).
    /// </summary>
    public static string BackfillSql(string table) =>
        $"UPDATE {table} SET \"SearchText\" = {FoldSql("coalesce(\"FirstName\", '') || ' ' || coalesce(\"LastName\", '') || ' ' || coalesce(\"Company\", '') || ' ' || coalesce(\"Email\", '')")};";

    /// <summary>Fills <see cref="Lead.NameKey"/> of leads stored before it existed, in SQL on both providers (as <see cref="NameKeyOf"/>).</summary>
    public static string BackfillNameKeySql(string table) =>
        $"UPDATE {table} SET \"NameKey\" = nullif({FoldSql("trim(coalesce(\"LastName\", '') || ' ' || coalesce(\"FirstName\", ''))")}, '') " +
        "WHERE \"LastName\" IS NOT NULL OR \"FirstName\" IS NOT NULL;";

    /// <summary>An SQL expression folding <paramref name="text"/>: lower case, the accented letters of French and its neighbours replaced.</summary>
    private static string FoldSql(string text)
    {
        var expression = $"lower({text})";
        foreach (var (from, to) in new[]
        {
            ("àáâãäåÀÁÂÃÄÅ", "a"), ("çÇ", "c"), ("èéêëÈÉÊË", "e"), ("ìíîïÌÍÎÏ", "i"), ("ñÑ", "n"), ("òóôõöøÒÓÔÕÖØ", "o"),
            ("ùúûüÙÚÛÜ", "u"), ("ýÿÝŸ", "y"), ("œŒ", "oe"), ("æÆ", "ae"), ("ß", "ss"),
        })
            foreach (var letter in from)
                expression = $"replace({expression}, '{letter}', '{to}')";
        return expression;
    }
}
