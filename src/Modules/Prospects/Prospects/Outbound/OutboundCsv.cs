using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sylvan.Data.Csv;
using Tandem.Modules.Prospects.Accounts;
using Tandem.Modules.Prospects.Icp;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Prospects.Outbound;

/// <summary>One row of a researched list: the company's firmographics and the contact's job and place.</summary>
internal sealed record OutboundRow(int Row, string? Company, string? Siren, string? NafCode, string? HeadcountBand, string? RevenueBand,
    string? Country, string? Region, string? Departement, string? PostalCode, string? JobTitle, string? Error);

/// <summary>
/// Reads the firmographic columns of an outbound list (the contact columns are Leads' import's business). UTF-8 (with or
/// without BOM) or Windows-1252, delimiter <c>,</c> <c>;</c> or tab detected from the header, an Excel <c>sep=</c> line
/// honoured; rows are numbered as a spreadsheet shows them (header = row 1), like Leads' import, so that both sides of
/// the same file meet on the row number.
/// </summary>
internal static partial class OutboundCsv
{
    private static readonly Dictionary<string, string> Synonyms = Build(new Dictionary<string, string[]>
    {
        ["company"] = ["societe", "société", "entreprise", "company", "company name", "organisation", "organization", "raison sociale", "employeur", "structure", "denomination", "dénomination"],
        ["siren"] = ["siren", "siret", "numero siren", "numéro siren", "siren/siret", "n° siren"],
        ["nafCode"] = ["naf", "code naf", "ape", "code ape", "naf code", "naf/ape", "activite principale", "activité principale"],
        ["headcountBand"] = ["tranche effectif", "tranche effectifs", "tranche d'effectif", "tranche effectif salarie", "tranche d'effectif salarié", "headcount band", "trancheeffectifsunitelegale"],
        ["headcount"] = ["effectif", "effectifs", "headcount", "employees", "salaries", "salariés", "nombre de salaries", "nombre de salariés"],
        ["revenueBand"] = ["tranche ca", "tranche chiffre d'affaires", "revenue band"],
        ["country"] = ["pays", "country"],
        ["region"] = ["region", "région"],
        ["departement"] = ["departement", "département", "department", "dept"],
        ["postalCode"] = ["code postal", "cp", "postal code", "zip", "zip code", "postcode", "code_postal"],
        ["jobTitle"] = ["fonction", "poste", "job title", "title", "position", "titre", "intitule de poste", "metier"],
    });

    public static async Task<List<OutboundRow>> ReadAsync(string path, CancellationToken ct)
    {
        var encoding = IsUtf8(path) ? new UTF8Encoding(false) : CodePage1252();
        using var reader = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var first = await reader.ReadLineAsync(ct) ?? throw ValidationFailedException.For("file", "The file is empty: the first line must name the columns.");
        var skipSep = first.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && first.Length >= 5;
        var delimiter = skipSep ? first[4] : DelimiterOf(first);
        reader.BaseStream.Position = 0;
        reader.DiscardBufferedData();
        if (skipSep) await reader.ReadLineAsync(ct);
        await using var csv = await CsvDataReader.CreateAsync(reader, new CsvDataReaderOptions
        {
            Delimiter = delimiter, HasHeaders = true, BufferSize = 1 << 16, MaxBufferSize = 1 << 22, OwnsReader = false,
            HeaderComparer = StringComparer.OrdinalIgnoreCase,
        }, ct);
        var fields = new string?[csv.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < csv.FieldCount; i++)
            if (Synonyms.TryGetValue(Key(csv.GetName(i)), out var field) && seen.Add(field)) fields[i] = field;
        if (!seen.Contains("company")) throw ValidationFailedException.For("file", "No company column: the header must name one (Société, Entreprise, Raison sociale, Company…).");
        var rows = new List<OutboundRow>();
        var row = 1;
        while (await csv.ReadAsync(ct))
        {
            row++;
            if (Parse(csv, fields, row) is { } parsed) rows.Add(parsed);
        }
        return rows;
    }

    private static OutboundRow? Parse(CsvDataReader csv, string?[] fields, int row)
    {
        string? company = null, siren = null, naf = null, band = null, headcount = null, revenue = null, country = null, region = null, dept = null, postal = null, job = null;
        var any = false;
        for (var i = 0; i < fields.Length && i < csv.FieldCount; i++)
        {
            if (fields[i] is not { } field) continue;
            var value = Collapse(csv.GetString(i));
            if (value is null) continue;
            any = true;
            if (ValidationErrors.TextProblem(value, multiLine: false) is { } problem) return Refused(row, $"{field}: {problem}");
            if (value.Length > Limits.Name) return Refused(row, $"{field}: at most {Limits.Name} characters.");
            switch (field)
            {
                case "company": company = value; break;
                case "siren": siren = value.Replace(" ", "", StringComparison.Ordinal); break;
                case "nafCode": naf = value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant(); break;
                case "headcountBand": band = value; break;
                case "headcount": headcount = value; break;
                case "revenueBand": revenue = value; break;
                case "country": country = value.ToUpperInvariant(); break;
                case "region": region = value; break;
                case "departement": dept = value.ToUpperInvariant(); break;
                case "postalCode": postal = value; break;
                case "jobTitle": job = value; break;
            }
        }
        if (!any) return null;
        if (company is null) return Refused(row, "company: the company's name is required.");
        if (siren is not null && !Siren.IsValid(siren)) return Refused(row, "siren: not a valid SIREN (9 digits) or SIRET (14 digits): the check digit does not match.");
        if (naf is not null)
        {
            if (NafWithoutDot().IsMatch(naf)) naf = naf[..2] + "." + naf[2..];
            if (!Naf().IsMatch(naf)) return Refused(row, "nafCode: a NAF code such as 49.41A.");
        }
        if (band is not null && !CompiledIcp.HeadcountBands.ContainsKey(band))
            return Refused(row, $"headcountBand: an INSEE headcount band ({string.Join(", ", CompiledIcp.HeadcountBands.Keys)}).");
        if (band is null && headcount is not null)
        {
            if (!int.TryParse(headcount, NumberStyles.None, CultureInfo.InvariantCulture, out var employees)) return Refused(row, "headcount: a number of employees.");
            band = BandOf(employees);
        }
        if (country is not null && country.Length != 2) return Refused(row, "country: a two-letter ISO code such as FR.");
        if (dept is not null && dept.Length > 3) return Refused(row, "departement: a département code such as 69, 2A or 974.");
        return new OutboundRow(row, company, siren?[..9], naf, band, revenue, country, region, dept, postal, job, null);
    }

    private static OutboundRow Refused(int row, string message) => new(row, null, null, null, null, null, null, null, null, null, null, message);

    /// <summary>The INSEE band of a number of employees.</summary>
    public static string BandOf(int employees) => employees switch
    {
        0 => "00", <= 2 => "01", <= 5 => "02", <= 9 => "03", <= 19 => "11", <= 49 => "12", <= 99 => "21", <= 199 => "22", <= 249 => "31",
        <= 499 => "32", <= 999 => "41", <= 1999 => "42", <= 4999 => "51", <= 9999 => "52", _ => "53",
    };

    /// <summary>Whitespace collapsed and trimmed, like Leads' normalisation of a company name; null when blank.</summary>
    public static string? Collapse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var sb = new StringBuilder(raw.Length);
        var space = false;
        foreach (var c in raw.Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static char DelimiterOf(string header)
    {
        int comma = 0, semicolon = 0, tab = 0;
        var quoted = false;
        foreach (var c in header)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted) { if (c == ',') comma++; else if (c == ';') semicolon++; else if (c == '\t') tab++; }
        }
        return semicolon > comma && semicolon >= tab ? ';' : tab > comma ? '\t' : ',';
    }

    private static bool IsUtf8(string path)
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        var read = stream.Read(buffer, 0, buffer.Length);
        // Do not judge a multi-byte sequence cut by the end of the sample.
        var end = read;
        while (end > 0 && read == buffer.Length && (buffer[end - 1] & 0xC0) == 0x80) end--;
        if (end > 0 && read == buffer.Length && buffer[end - 1] >= 0xC0) end--;
        try { strict.GetCharCount(buffer, 0, end); return true; }
        catch (DecoderFallbackException) { return false; }
    }

    private static Encoding CodePage1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    private static Dictionary<string, string> Build(Dictionary<string, string[]> fields)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, names) in fields)
            foreach (var header in names) map[Key(header)] = field;
        return map;
    }

    private static string Key(string header)
    {
        var folded = CompiledIcp.Normalize(header);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded) if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
        return sb.ToString();
    }

    [GeneratedRegex(@"^\d{4}[A-Z]$")]
    private static partial Regex NafWithoutDot();

    [GeneratedRegex(@"^\d{2}\.\d{2}[A-Z]$")]
    private static partial Regex Naf();
}
