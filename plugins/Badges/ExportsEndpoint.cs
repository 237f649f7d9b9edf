using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Shared;

namespace Tandem.Plugins.Badges;

/// <summary>
/// <c>POST /api/plugins/badges/exports?eventCampaignId=…</c>: a lead-retrieval CSV export from an event app (multipart
/// file part or raw <c>text/csv</c>), e.g. <c>First Name, Last Name, Email, Company Name, Job title, Origin, Country</c>
/// or <c>First Name,Last Name,Email,Company,Job Title,Scanned At,Notes,Rating</c>; columns are found by name (English
/// and French aliases), comma or semicolon separated. The whole file is checked first (a bad rating or scan time is a
/// 400 naming the line, nothing stored); then each row becomes a lead like a badge scan: source <c>event</c>, the
/// event's campaign, art. 14 flag, scan time, notes and rating kept. A row is identified by the event, the person
/// (e-mail, else phone, else name and company) and the scan time: a re-sent file creates nothing new.
/// → 200 <c>{"created","merged","rejected","results":[{"line","outcome","leadId"?,"error"?}]}</c>.
/// </summary>
internal sealed class ExportsEndpoint(ILeadSink leads, BadgeSettings settings, TimeProvider time) : IApiEndpointHandler
{
    private const int MaxNotes = 2000;

    public string Name => "exports";

    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.Ordinal)
    {
        ["first"] = ["first name", "firstname", "given name", "prénom", "prenom"],
        ["last"] = ["last name", "lastname", "surname", "family name", "nom", "nom de famille"],
        ["email"] = ["email", "e-mail", "email address", "e-mail address", "adresse e-mail", "courriel"],
        ["phone"] = ["phone", "phone number", "mobile", "mobile phone", "téléphone", "telephone", "portable"],
        ["company"] = ["company", "company name", "organization", "organisation", "société", "societe", "entreprise"],
        ["job"] = ["job title", "title", "position", "fonction", "poste"],
        ["scanned"] = ["scanned at", "scan date", "scanned", "date", "date du scan"],
        ["notes"] = ["notes", "note", "comments", "commentaires"],
        ["rating"] = ["rating", "score"],
        ["origin"] = ["origin", "origine"],
        ["country"] = ["country", "pays"],
    };

    private sealed record Row(int Line, Dictionary<string, string> Values, DateTimeOffset? ScannedAt, int? Rating);

    public async ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var campaign = request.Query.TryGetValue("eventCampaignId", out var c) && !string.IsNullOrWhiteSpace(c) ? c.Trim() : null;
        if (campaign is null) return Problem(new() { ["eventCampaignId"] = ["The event's campaign id is required (?eventCampaignId=…)."] });
        var file = CsvUpload.FileOf(request.Headers, request.Body);
        if (file is null || file.Length == 0) return Problem(new() { ["file"] = ["Send the export as a multipart file part (or as a text/csv body)."] });
        var text = CsvUpload.Text(file);

        var records = CsvUpload.Records(text, SeparatorOf(text)).ToList();
        var headerAt = records.FindIndex(r => Columns(r.Fields) is var columns && (columns.ContainsKey("email") || columns.ContainsKey("phone"))
            && (columns.ContainsKey("last") || columns.ContainsKey("company")));
        if (headerAt < 0) return Problem(new() { ["file"] = ["No header naming an Email (or Phone) column and a Last Name (or Company) column."] });
        var map = Columns(records[headerAt].Fields);

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var rows = new List<Row>();
        foreach (var (line, fields) in records.Skip(headerAt + 1))
        {
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, column) in map)
                if (column < fields.Count && fields[column].Trim() is { Length: > 0 } value) values[key] = value;
            DateTimeOffset? scannedAt = null;
            if (values.TryGetValue("scanned", out var scanned))
            {
                if (DateTimeOffset.TryParse(scanned, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) scannedAt = at;
                else errors[$"line {line}: scanned at"] = ["Not a date and time (2026-03-01T10:00:00Z or 2026-03-01 10:00)."];
            }
            int? rating = null;
            if (values.TryGetValue("rating", out var r))
            {
                if (int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var stars) && stars is >= 0 and <= 5) rating = stars;
                else errors[$"line {line}: rating"] = ["The rating is a whole number from 0 to 5."];
            }
            if (values.TryGetValue("notes", out var notes) && notes.Length > MaxNotes) errors[$"line {line}: notes"] = [$"At most {MaxNotes} characters."];
            rows.Add(new Row(line, values, scannedAt, rating));
        }
        if (errors.Count > 0) return Problem(errors);
        if (rows.Count == 0) return Problem(new() { ["file"] = ["The export has a header but no rows."] });

        var results = new List<object>(rows.Count);
        int created = 0, merged = 0, rejected = 0;
        foreach (var row in rows)
        {
            var v = row.Values;
            var email = v.GetValueOrDefault("email");
            var phone = v.GetValueOrDefault("phone");
            if (email is null && phone is null)
            {
                rejected++;
                results.Add(new { line = row.Line, outcome = "rejected", error = "The row gives neither an e-mail address nor a phone number." });
                continue;
            }
            var detail = new StringBuilder("lead-retrieval export");
            if (row.ScannedAt is { } scannedAt) detail.Append(CultureInfo.InvariantCulture, $", scanned {scannedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
            if (v.GetValueOrDefault("origin") is { } origin) detail.Append(", origin ").Append(origin);
            if (v.GetValueOrDefault("country") is { } country) detail.Append(", country ").Append(country);
            if (row.Rating is { } stars) detail.Append(CultureInfo.InvariantCulture, $", rating {stars}/5");
            if (v.GetValueOrDefault("notes") is { } notes) detail.Append(", notes: ").Append(ScansEndpoint.OneLine(notes));
            var person = (email ?? phone!).ToLowerInvariant();
            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', campaign, person,
                row.ScannedAt?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? ""))))[..32];
            var result = await leads.SubmitAsync(new InboundLead
            {
                ExternalId = "export-" + id,
                Email = email,
                Phone = phone,
                FirstName = v.GetValueOrDefault("first"),
                LastName = v.GetValueOrDefault("last"),
                Company = v.GetValueOrDefault("company"),
                JobTitle = v.GetValueOrDefault("job"),
                Kind = settings.Kind,
                SourceChannel = "event",
                CampaignId = campaign,
                SourceDetail = ScansEndpoint.Detail(detail),
                CollectedIndirectly = true,
                OccurredAt = row.ScannedAt ?? time.GetUtcNow(),
            }, cancellationToken);
            switch (result.Outcome)
            {
                case LeadSubmissionOutcome.Created: created++; results.Add(new { line = row.Line, outcome = "created", leadId = result.LeadId }); break;
                case LeadSubmissionOutcome.Merged: merged++; results.Add(new { line = row.Line, outcome = "merged", leadId = result.LeadId }); break;
                default: rejected++; results.Add(new { line = row.Line, outcome = "rejected", error = result.Error }); break;
            }
        }
        return new WebhookResponse
        {
            StatusCode = 200,
            ContentType = "application/json",
            Body = JsonSerializer.SerializeToUtf8Bytes(new { created, merged, rejected, results }),
        };
    }

    /// <summary>The known columns of a header line, by alias (case, spaces and accents as the apps write them).</summary>
    private static Dictionary<string, int> Columns(List<string> header)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            foreach (var (key, aliases) in Aliases)
                if (aliases.Contains(name) && !columns.ContainsKey(key)) columns[key] = i;
        }
        return columns;
    }

    /// <summary>A semicolon when the first line that names an e-mail column has more semicolons than commas (French Excel).</summary>
    private static char SeparatorOf(string text)
    {
        foreach (var marker in new[] { "Email", "E-mail", "Phone" })
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase)) return CsvUpload.SeparatorOf(text, marker);
        return ',';
    }

    private static WebhookResponse Problem(Dictionary<string, string[]> errors) => new()
    {
        StatusCode = 400,
        ContentType = "application/problem+json",
        Body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = "https://tandem.dev/problems/validation",
            ["title"] = "The export is not valid.",
            ["status"] = 400,
            ["detail"] = "Nothing was stored; fix the fields named in errors and send the file again.",
            ["errors"] = errors,
        }),
    };
}
