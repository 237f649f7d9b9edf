using System.Security.Cryptography;
using System.Text;

namespace Tandem.Modules.Shared.Compliance;

/// <summary>
/// The one way every module hashes an identifier it must remember without keeping it (erased people, suppression entries
/// of forgotten people): SHA-256 of <c>kind:value</c> with the value normalised (email trimmed and lower case; phone
/// E.164; domain lower case), as 64 lower-case hex characters. Two modules hashing the same address agree.
/// </summary>
public static class PersonalDataHash
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Domain = "domain";
    /// <summary>A LinkedIn member profile URL, normalised (<c>https://www.linkedin.com/in/slug</c>).</summary>
    public const string LinkedIn = "linkedin";

    /// <summary>The hash of <paramref name="value"/> as an identifier of <paramref name="kind"/> (email, phone, domain).</summary>
    public static string Of(string kind, string value)
    {
        var normalised = kind == Phone ? value.Trim() : value.Trim().ToLowerInvariant();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kind + ":" + normalised)));
    }

    /// <summary>The domain of an email address (after the last <c>@</c>), lower case; null when there is none.</summary>
    public static string? DomainOf(string? email) =>
        email is not null && email.LastIndexOf('@') is var at and > 0 && at < email.Length - 1 ? email[(at + 1)..].Trim().ToLowerInvariant() : null;

    /// <summary>
    /// A phone number as E.164 for matching lists: separators dropped, <c>00</c> read as <c>+</c>, a French national number
    /// (10 digits starting with 0) read as +33; null when it is not a number.
    /// </summary>
    public static string? NormalisePhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var digits = new System.Text.StringBuilder(phone.Length);
        foreach (var c in phone.Trim())
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c == '+' && digits.Length == 0) digits.Append(c);
            else if (c is not (' ' or '.' or '-' or '(' or ')' or '/')) return null;
        }
        var s = digits.ToString();
        if (s.StartsWith("00", StringComparison.Ordinal)) s = "+" + s[2..];
        else if (s.Length == 10 && s[0] == '0') s = "+33" + s[1..];
        return s.Length is >= 8 and <= 16 && s[0] == '+' && s.Skip(1).All(char.IsAsciiDigit) ? s : null;
    }

    /// <summary>An email address lower case and trimmed; null when it does not look like one.</summary>
    public static string? NormaliseEmail(string? email) =>
        email?.Trim().ToLowerInvariant() is { Length: > 2 and <= 254 } e && e.IndexOf('@') is > 0 && DomainOf(e) is not null && !e.Any(char.IsWhiteSpace) ? e : null;
}
