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
        var decomposed = value.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark) continue;
            var lower = char.ToLowerInvariant(c);
            // Letters that do not decompose into a base letter and a mark.
            folded.Append(lower switch
            {
                'œ' => "oe", 'æ' => "ae", 'ß' => "ss", 'ø' => "o", 'ł' => "l", 'đ' => "d", 'ı' => "i",
                _ => null,
            } ?? lower.ToString());
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>What a lead is found by: first name, last name, company and email, folded, separated by spaces.</summary>
    public static string TextOf(Lead lead) => Fold(string.Join(' ', lead.FirstName ?? "", lead.LastName ?? "", lead.Company ?? "", lead.Email ?? ""));

    /// <summary>
    /// Fills <see cref="Lead.SearchText"/> of leads stored before it existed, in SQL on both providers: the same text
    /// as <see cref="TextOf"/> for the accented letters of French and its neighbours (what older rows can hold).
    /// </summary>
    public static string BackfillSql(string table)
    {
        var expression = "lower(coalesce(\"FirstName\", '') || ' ' || coalesce(\"LastName\", '') || ' ' || coalesce(\"Company\", '') || ' ' || coalesce(\"Email\", ''))";
        foreach (var (from, to) in new[]
        {
            ("àáâãäåÀÁÂÃÄÅ", "a"), ("çÇ", "c"), ("èéêëÈÉÊË", "e"), ("ìíîïÌÍÎÏ", "i"), ("ñÑ", "n"), ("òóôõöøÒÓÔÕÖØ", "o"),
            ("ùúûüÙÚÛÜ", "u"), ("ýÿÝŸ", "y"), ("œŒ", "oe"), ("æÆ", "ae"), ("ß", "ss"),
        })
            foreach (var letter in from)
                expression = $"replace({expression}, '{letter}', '{to}')";
        return $"UPDATE {table} SET \"SearchText\" = {expression};";
    }
}
