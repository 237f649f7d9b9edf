using System.Net.Mail;

namespace Tandem.Modules.Leads;

/// <summary>Normalises contact data so that one person is found again however they typed it.</summary>
internal static class ContactNormalizer
{
    public static string? Email(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var email = raw.Trim().ToLowerInvariant();
        return email.Length <= 254 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && email.Contains('.') ? email : null;
    }

    /// <summary>E.164; French national numbers (0X XX XX XX XX) get +33. Null when it is not a phone number.</summary>
    public static string? Phone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var trimmed = raw.Trim();
        if (trimmed.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '.' or '-' or '(' or ')' or '+'))) return null;
        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        if (trimmed.StartsWith('+')) return digits.Length is >= 8 and <= 15 && digits[0] != '0' ? "+" + digits : null;
        if (digits.StartsWith("00", StringComparison.Ordinal)) return digits.Length is >= 10 and <= 17 ? "+" + digits[2..] : null;
        if (digits.Length == 10 && digits[0] == '0' && digits[1] != '0') return "+33" + digits[1..];
        return null;
    }
}
