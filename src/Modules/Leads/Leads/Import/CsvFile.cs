using System.Globalization;
using System.Text;
using Sylvan.Data.Csv;
using Tandem.Modules.Leads.Search;

namespace Tandem.Modules.Leads.Import;

/// <summary>How a CSV file is written: its encoding and its delimiter, detected, never assumed (docs/leads.md, "Import").</summary>
internal sealed record CsvLayout(Encoding Encoding, string EncodingName, char Delimiter, bool SkipSepLine);

/// <summary>Reads real-world CSV files (Excel in French or English) as a stream of records.</summary>
internal static class CsvFile
{
    static CsvFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A BOM says UTF-8 or UTF-16; otherwise the whole file is checked as UTF-8 (a streaming pass, no copy in memory) and
    /// anything that is not valid UTF-8 is read as Windows-1252 (what Excel writes in France). The delimiter is the one
    /// of <c>;</c>, <c>,</c>, tab that appears most in the header line outside quotes, or what an Excel <c>sep=</c> line says.
    /// </summary>
    public static CsvLayout Detect(string path)
    {
        Encoding encoding;
        string name;
        using (var stream = File.OpenRead(path))
        {
            Span<byte> bom = stackalloc byte[3];
            var read = stream.ReadAtLeast(bom, 3, throwOnEndOfStream: false);
            if (read >= 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF) (encoding, name) = (new UTF8Encoding(false), "utf-8-bom");
            else if (read >= 2 && bom[0] == 0xFF && bom[1] == 0xFE) (encoding, name) = (Encoding.Unicode, "utf-16le");
            else if (read >= 2 && bom[0] == 0xFE && bom[1] == 0xFF) (encoding, name) = (Encoding.BigEndianUnicode, "utf-16be");
            else
            {
                stream.Position = 0;
                (encoding, name) = IsUtf8(stream) ? (new UTF8Encoding(false), "utf-8") : (Encoding.GetEncoding(1252), "windows-1252");
            }
        }
        using var reader = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true);
        var first = reader.ReadLine() ?? "";
        if (first.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && first.Length >= 5)
            return new CsvLayout(encoding, name, first[4], SkipSepLine: true);
        return new CsvLayout(encoding, name, DelimiterOf(first), SkipSepLine: false);
    }

    private static bool IsUtf8(Stream stream)
    {
        var decoder = StrictUtf8.GetDecoder();
        var buffer = new byte[1 << 16];
        var chars = new char[StrictUtf8.GetMaxCharCount(buffer.Length)];
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
            decoder.GetChars(buffer, 0, 0, chars, 0, flush: true);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    public static char DelimiterOf(string headerLine)
    {
        int semicolons = 0, commas = 0, tabs = 0;
        var quoted = false;
        foreach (var c in headerLine)
        {
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c == ';') semicolons++;
            else if (c == ',') commas++;
            else if (c == '\t') tabs++;
        }
        if (tabs > semicolons && tabs > commas) return '\t';
        return semicolons > commas ? ';' : ',';
    }

    /// <summary>
    /// Data rows, estimated from the file's size and the line length of its first megabyte (the CLI's progress bar, and
    /// whether an import defers the search indexes): a multi-line field counts twice, which is close enough for both.
    /// </summary>
    public static long EstimateRows(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var lines = buffer.AsSpan(0, read).Count((byte)'\n');
        return lines == 0 ? (read == 0 ? 0 : 1) : Math.Max(0, (long)(stream.Length / (read / (double)lines)) - 1);
    }

    /// <summary>A streaming reader over the file (quoted fields may span lines); the caller disposes it.</summary>
    public static CsvDataReader Open(string path, CsvLayout layout)
    {
        var reader = new StreamReader(path, layout.Encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        if (layout.SkipSepLine) reader.ReadLine();
        return CsvDataReader.Create(reader, new CsvDataReaderOptions
        {
            Delimiter = layout.Delimiter,
            HasHeaders = true,
            BufferSize = 1 << 16,
            MaxBufferSize = 1 << 22, // a record (with its multi-line fields) up to 4 MB
            OwnsReader = true,
            HeaderComparer = StringComparer.OrdinalIgnoreCase,
        });
    }

    /// <summary>The column names Tandem understands, French and English, folded (lower case, no accents, letters only).</summary>
    private static readonly Dictionary<string, string> Synonyms = Build(new Dictionary<string, string[]>
    {
        ["email"] = ["email", "e-mail", "mail", "courriel", "adresse email", "adresse e-mail", "adresse mail", "email address", "e-mail address", "work email", "adresse electronique"],
        ["phone"] = ["telephone", "tel", "tél", "phone", "phone number", "mobile", "portable", "numero de telephone", "telephone portable", "telephone mobile", "gsm", "mobile phone", "tel portable"],
        ["firstName"] = ["prenom", "prénom", "first name", "firstname", "given name", "first"],
        ["lastName"] = ["nom", "nom de famille", "last name", "lastname", "surname", "family name", "last"],
        ["company"] = ["societe", "société", "entreprise", "company", "company name", "organisation", "organization", "raison sociale", "employeur", "structure"],
        ["jobTitle"] = ["fonction", "poste", "job title", "title", "position", "titre", "intitule de poste", "metier"],
        ["postalCode"] = ["code postal", "cp", "postal code", "zip", "zip code", "postcode", "code_postal"],
        ["kind"] = ["type", "kind", "type de contact", "categorie", "particulier/professionnel", "b2b/b2c"],
    });

    private static Dictionary<string, string> Build(Dictionary<string, string[]> fields)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, names) in fields)
            foreach (var header in names)
                map[Key(header)] = field;
        return map;
    }

    private static string Key(string header)
    {
        var folded = LeadSearch.Fold(header);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded) if (char.IsAsciiLetterOrDigit(c)) builder.Append(c);
        return builder.ToString();
    }

    /// <summary>The field each column holds (null for a column Tandem does not use); the first column of a field wins.</summary>
    public static string?[] MapHeaders(CsvDataReader reader)
    {
        var fields = new string?[reader.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var name = reader.GetName(i);
            if (Synonyms.TryGetValue(Key(name), out var field) && seen.Add(field)) fields[i] = field;
        }
        return fields;
    }

    /// <summary>The kind a cell says: professionnel, pro, B2B, entreprise → professional; anything else is the file's default.</summary>
    public static string? KindOf(string? cell)
    {
        if (string.IsNullOrWhiteSpace(cell)) return null;
        var key = Key(cell);
        return key is "professional" or "professionnel" or "pro" or "b2b" or "entreprise" or "business" ? Contracts.LeadKind.Professional
            : key is "consumer" or "particulier" or "b2c" or "prive" or "private" ? Contracts.LeadKind.Consumer
            : null;
    }

    /// <summary>
    /// A cell written to a CSV export can never be read as a formula by a spreadsheet: a cell starting with <c>=</c>,
    /// <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return gets a leading apostrophe (OWASP "CSV injection").
    /// </summary>
    public static string Neutralise(string? cell) =>
        cell is { Length: > 0 } && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell ?? "";

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
