using System.Globalization;
using System.Net.Mail;
using System.Text;
using PhoneNumbers;

namespace Tandem.Modules.Leads.Normalisation;

/// <summary>A phone number as read: E.164 when it is a valid number, otherwise the text as typed, flagged.</summary>
internal readonly record struct NormalisedPhone(string? E164, string? AsTyped)
{
    public bool Valid => E164 is not null;
    public bool IsEmpty => E164 is null && AsTyped is null;
}

/// <summary>
/// Normalises contact data so that one person is found again however they typed it (docs/leads.md, "Normalisation").
/// Thread-safe; <see cref="PhoneNumberUtil"/> is a shared immutable instance.
/// </summary>
internal sealed class ContactNormalizer(string defaultRegion)
{
    public const string DefaultRegion = "FR";
    public static readonly ContactNormalizer French = new(DefaultRegion);
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private static readonly IdnMapping Idn = new();

    public string Region { get; } = defaultRegion.ToUpperInvariant();

    /// <summary>
    /// Trimmed, lower case, the domain in ASCII (an internationalised domain becomes its punycode <c>xn--…</c> form, which
    /// is what mail servers and DNS use, so <c>élodie@café.fr</c> and <c>élodie@xn--caf-dma.fr</c> are one person).
    /// Null when it is not an address.
    /// </summary>
    public static string? Email(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var email = raw.Trim().ToLowerInvariant();
        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1) return null;
        var domain = email[(at + 1)..];
        if (!Ascii.IsValid(domain))
        {
            try { domain = Idn.GetAscii(domain); }
            catch (ArgumentException) { return null; }
            email = email[..(at + 1)] + domain;
        }
        return email.Length <= 254 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && domain.Contains('.') ? email : null;
    }

    /// <summary>Only digits, spaces, dots, dashes, slashes, parentheses and a leading + (or 00): something meant as a phone number.</summary>
    public static bool LooksLikePhone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return false;
        var digits = 0;
        foreach (var c in raw.Trim())
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (c is not (' ' or '.' or '-' or '/' or '(' or ')' or '+' or '\u00A0')) return false;
        }
        return digits >= 2;
    }

    /// <summary>
    /// E.164 with libphonenumber (national numbers read in <see cref="Region"/>): <c>0033 6…</c>, <c>+33 (0)6…</c> and
    /// <c>06 12 34 56 78</c> all give <c>+33612345678</c>. A number that is not valid is kept as typed (trimmed) and flagged.
    /// </summary>
    public NormalisedPhone Phone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return default;
        var typed = raw.Trim();
        if (!LooksLikePhone(typed)) return new(null, typed);
        var text = typed.Replace("(0)", "", StringComparison.Ordinal);
        try
        {
            var number = Phones.Parse(text, Region);
            if (Phones.IsValidNumber(number)) return new(Phones.Format(number, PhoneNumberFormat.E164), null);
        }
        catch (NumberParseException)
        {
        }
        return new(null, typed);
    }

    /// <summary>E.164 or null (for lookups: an invalid number matches nobody).</summary>
    public string? PhoneKey(string? raw) => Phone(raw).E164;

    private static readonly HashSet<string> Particles = new(StringComparer.Ordinal)
    {
        "de", "du", "des", "la", "le", "d", "van", "von", "der", "den", "ter", "ten", "di", "da", "dos", "das", "del", "della", "y", "zu",
    };

    /// <summary>
    /// Trimmed, inner spaces collapsed; a name typed all in capitals or all in lower case gets the casing a person would
    /// write: "JEAN-PIERRE DE LA FONTAINE" → "Jean-Pierre de la Fontaine", "d'artagnan" → "d'Artagnan", "o'neil" → "O'Neil".
    /// A name already in mixed case is kept as typed ("McDonald", "DuPont").
    /// </summary>
    public static string? Name(string? raw, int max = 200)
    {
        var text = Collapse(raw, max);
        if (text is null) return null;
        var hasUpper = text.Any(char.IsUpper);
        var hasLower = text.Any(char.IsLower);
        if (hasUpper && hasLower) return text;
        var lower = text.ToLowerInvariant();
        var result = new StringBuilder(lower.Length);
        var words = lower.Split(' ');
        for (var w = 0; w < words.Length; w++)
        {
            if (w > 0) result.Append(' ');
            var word = words[w];
            // A particle stays lower case, unless it is the whole name.
            if (Particles.Contains(word) && words.Length > 1) { result.Append(word); continue; }
            var from = 0;
            if (IsElision(word))
            {
                result.Append(word, 0, 2);
                from = 2;
            }
            var start = true;
            for (var i = from; i < word.Length; i++)
            {
                var c = word[i];
                if (start && char.IsLetter(c))
                {
                    result.Append(char.ToUpperInvariant(c));
                    start = false;
                }
                else
                {
                    result.Append(c);
                    if (c is '-' or '\'' or '’' or '.') start = true;
                }
            }
        }
        return result.ToString();
    }

    // "d'artagnan", "l'hermite": a one-letter particle and an apostrophe; "o'neil" is not (O'Neil).
    private static bool IsElision(string word) => word.Length > 2 && word[0] is 'd' or 'l' && word[1] is '\'' or '’';

    /// <summary>French postal codes lose their inner spaces ("75 001" → "75001"); others are trimmed and upper-cased ("sw1a 1aa" → "SW1A 1AA").</summary>
    public static string? PostalCode(string? raw)
    {
        var text = Collapse(raw, 20);
        if (text is null) return null;
        var compact = text.Replace(" ", "", StringComparison.Ordinal);
        if (compact.Length == 5 && compact.All(char.IsAsciiDigit)) return compact;
        // Excel drops the leading zero of départements 01–09: 1000 is Bourg-en-Bresse's 01000.
        if (compact.Length == 4 && compact.All(char.IsAsciiDigit)) return "0" + compact;
        return text.ToUpperInvariant();
    }

    /// <summary>Trimmed, inner spaces collapsed, case kept (a company writes its own name).</summary>
    public static string? Company(string? raw, int max = 200) => Collapse(raw, max);

    /// <summary>A job title: trimmed, spaces collapsed.</summary>
    public static string? Text(string? raw, int max = 200) => Collapse(raw, max);

    private static readonly string[] LegalForms = ["sas", "sasu", "sarl", "eurl", "sa", "sci", "snc", "scop", "gmbh", "ltd", "inc", "llc", "bv", "nv", "ag"];

    /// <summary>A company compared for likely duplicates: folded, legal form and punctuation dropped ("SARL Soleil-Énergie" ~ "soleil energie").</summary>
    public static string? CompanyKey(string? company)
    {
        if (string.IsNullOrWhiteSpace(company)) return null;
        var folded = Fold(company);
        var words = folded.Split([' ', '-', '.', ',', '\'', '&'], StringSplitOptions.RemoveEmptyEntries).Where(w => !LegalForms.Contains(w));
        var key = string.Join(' ', words);
        return key.Length == 0 ? null : key;
    }

    /// <summary>Lower case without diacritics.</summary>
    public static string Fold(string value) => LeadSearch.Fold(value);

    private static string? Collapse(string? raw, int max)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var span = raw.AsSpan().Trim();
        var builder = new StringBuilder(span.Length);
        var space = false;
        foreach (var c in span)
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && builder.Length > 0) builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        var text = builder.ToString();
        return text.Length > max ? text[..max] : text;
    }
}
