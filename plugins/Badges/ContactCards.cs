using System.Globalization;
using System.Text;

namespace Tandem.Plugins.Badges;

/// <summary>The contact a badge's QR code holds, whatever its format.</summary>
internal sealed record Contact(string? FirstName, string? LastName, string? Email, string? Phone, string? Company, string? JobTitle);

/// <summary>
/// Reads the payloads badge QR codes hold: vCard 2.1 / 3.0 / 4.0 (folded lines, quoted-printable with soft line
/// breaks and a charset, escapes, grouped and typed properties, preferred values, <c>tel:</c> URIs, a missing FN or
/// END), MECARD and BIZCARD. Answers null when the text is none of these.
/// </summary>
internal static class ContactCards
{
    static ContactCards() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Contact? Parse(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var text = payload.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (text.StartsWith("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase)) return VCard(text);
        if (text.StartsWith("MECARD:", StringComparison.OrdinalIgnoreCase)) return MeCard(text["MECARD:".Length..]);
        if (text.StartsWith("BIZCARD:", StringComparison.OrdinalIgnoreCase)) return BizCard(text["BIZCARD:".Length..]);
        return null;
    }

    private sealed record Property(string Name, IReadOnlyList<string> Parameters, string RawValue)
    {
        public string? Parameter(string name) => Parameters
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim().Trim('"'))
            .FirstOrDefault();

        /// <summary>Bare types (<c>TEL;WORK;PREF:</c>) and <c>TYPE=work,pref</c> lists, lower case.</summary>
        public IEnumerable<string> Types => Parameters.SelectMany(p =>
        {
            var pair = p.Split('=', 2);
            if (pair.Length == 1) return [pair[0].Trim().ToLowerInvariant()];
            return pair[0].Trim().Equals("TYPE", StringComparison.OrdinalIgnoreCase)
                ? pair[1].Trim('"').Split(',').Select(t => t.Trim().ToLowerInvariant())
                : [];
        });

        public bool IsPreferred => Types.Contains("pref") || Parameter("PREF") is not null;

        public bool IsQuotedPrintable =>
            string.Equals(Parameter("ENCODING"), "QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase) || Types.Contains("quoted-printable");
    }

    private static Contact? VCard(string text)
    {
        var properties = new List<Property>();
        foreach (var line in Unfold(text))
        {
            var colon = ValueStart(line);
            if (colon < 0) continue;
            var head = Split(line[..colon], ';', unescape: false);
            var name = head[0];
            var dot = name.LastIndexOf('.');
            if (dot >= 0) name = name[(dot + 1)..]; // item1.EMAIL
            var property = new Property(name.Trim().ToUpperInvariant(), head.Skip(1).ToList(), line[(colon + 1)..]);
            if (property.Name == "END") break;
            properties.Add(property);
        }

        string? Value(Property p) => Decode(p) is { } v ? Unescape(v).Trim() : null;
        IReadOnlyList<string> Components(Property p) => Decode(p) is { } v ? Split(v, ';', unescape: true).Select(c => c.Trim()).ToList() : [];
        Property? Best(string name, params string[] preferredTypes) => properties
            .Where(p => p.Name == name && !string.IsNullOrWhiteSpace(p.RawValue))
            .OrderByDescending(p => p.IsPreferred)
            .ThenBy(p => preferredTypes.Select((t, i) => p.Types.Contains(t) ? i : int.MaxValue).DefaultIfEmpty(int.MaxValue).Min())
            .FirstOrDefault();

        string? first = null, last = null;
        if (Best("N") is { } n)
        {
            var parts = Components(n);
            last = Blank(parts.ElementAtOrDefault(0));
            first = Blank(parts.ElementAtOrDefault(1));
        }
        if (first is null && last is null && Best("FN") is { } fn && Blank(Value(fn)) is { } full)
        {
            var space = full.LastIndexOf(' ');
            (first, last) = space < 0 ? (full, null) : (full[..space].Trim(), full[(space + 1)..].Trim());
        }

        var phone = Best("TEL", "cell", "work") is { } tel ? Value(tel) : null;
        if (phone is not null && phone.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)) phone = phone[4..].Split(';')[0];
        var email = Best("EMAIL", "work", "internet") is { } mail ? Value(mail) : null;
        if (email is not null && email.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) email = email[7..];
        var company = Best("ORG") is { } org ? Blank(Components(org).FirstOrDefault()) : null;
        var title = Best("TITLE") is { } t ? Blank(Value(t)) : null;
        return new Contact(first, last, Blank(email), Blank(phone), company, title);
    }

    /// <summary>Lines with folding undone: CRLF or a bare LF followed by a space or tab continues the line; a
    /// quoted-printable value ending with '=' continues on the next line (a soft line break).</summary>
    private static List<string> Unfold(string text)
    {
        var lines = new List<string>();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
        {
            if (raw.Length > 0 && (raw[0] == ' ' || raw[0] == '\t') && lines.Count > 0)
            {
                lines[^1] += raw[1..];
                continue;
            }
            if (lines.Count > 0 && lines[^1].EndsWith('=') && IsQuotedPrintableLine(lines[^1]))
            {
                lines[^1] = lines[^1][..^1] + raw;
                continue;
            }
            if (raw.Length > 0) lines.Add(raw);
        }
        return lines;
    }

    private static bool IsQuotedPrintableLine(string line)
    {
        var colon = ValueStart(line);
        return colon > 0 && line[..colon].Contains("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The colon that ends the name and parameters (a colon inside a quoted parameter does not).</summary>
    private static int ValueStart(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"') quoted = !quoted;
            else if (line[i] == ':' && !quoted) return i;
        }
        return -1;
    }

    /// <summary>The value with quoted-printable undone in its charset (UTF-8 when none is named).</summary>
    private static string? Decode(Property property)
    {
        if (!property.IsQuotedPrintable) return property.RawValue;
        Encoding encoding;
        try
        {
            encoding = property.Parameter("CHARSET") is { Length: > 0 } charset ? Encoding.GetEncoding(charset) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
        }
        var bytes = new List<byte>(property.RawValue.Length);
        var value = property.RawValue;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '=' && i + 2 < value.Length
                && byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (value[i] == '=' && i == value.Length - 1)
            {
                // A trailing soft break.
            }
            else
            {
                bytes.AddRange(encoding.GetBytes(value[i].ToString()));
            }
        }
        return encoding.GetString(bytes.ToArray());
    }

    private static Contact? MeCard(string body)
    {
        var fields = Fields(body);
        string? first = null, last = null;
        if (fields.GetValueOrDefault("N") is { } n)
        {
            var parts = n.Split(',', 2);
            last = Blank(parts[0]);
            first = parts.Length > 1 ? Blank(parts[1]) : null;
        }
        return new Contact(first, last, Blank(fields.GetValueOrDefault("EMAIL")), Blank(fields.GetValueOrDefault("TEL")),
            Blank(fields.GetValueOrDefault("ORG")), Blank(fields.GetValueOrDefault("TITLE")));
    }

    private static Contact? BizCard(string body)
    {
        var fields = Fields(body);
        return new Contact(Blank(fields.GetValueOrDefault("N")), Blank(fields.GetValueOrDefault("X")), Blank(fields.GetValueOrDefault("E")),
            Blank(fields.GetValueOrDefault("B") ?? fields.GetValueOrDefault("M")), Blank(fields.GetValueOrDefault("C")),
            Blank(fields.GetValueOrDefault("T")));
    }

    /// <summary><c>KEY:value;KEY:value;;</c> with <c>\;</c>, <c>\:</c>, <c>\,</c> and <c>\\</c> escapes; the first
    /// value of a repeated key is kept.</summary>
    private static Dictionary<string, string> Fields(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in Split(body, ';', unescape: false))
        {
            var colon = field.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            fields.TryAdd(field[..colon].Trim(), Unescape(field[(colon + 1)..]).Trim());
        }
        return fields;
    }

    /// <summary>Splits on a separator not preceded by a backslash; unescapes each part when asked.</summary>
    private static List<string> Split(string text, char separator, bool unescape)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                current.Append(text, i, 2);
                i++;
            }
            else if (text[i] == separator)
            {
                parts.Add(unescape ? Unescape(current.ToString()) : current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }
        parts.Add(unescape ? Unescape(current.ToString()) : current.ToString());
        return parts;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal)) return value;
        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                result.Append(next is 'n' or 'N' ? '\n' : next);
            }
            else
            {
                result.Append(value[i]);
            }
        }
        return result.ToString();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
