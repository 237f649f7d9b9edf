using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Shared;

namespace Tandem.Plugins.LinkedIn;

/// <summary>
/// <c>POST /api/plugins/linkedin/connections</c>: a member's <c>Connections.csv</c> (multipart file or raw
/// <c>text/csv</c>) becomes leads. The export starts with a preamble (<c>Notes:</c>, a quoted sentence, a blank line)
/// before the header <c>First Name,Last Name,URL,Email Address,Company,Position,Connected On</c>; columns are mapped
/// by name (older exports have no <c>URL</c>). Most connections have no e-mail: the profile URL identifies them. The
/// people did not give their details to us (art. 14: collected indirectly). Each connection's id is derived from its
/// profile URL (or e-mail), so a re-uploaded file creates nothing new.
/// → 200 <c>{"created","merged","rejected","results":[{"line","outcome","leadId"?,"error"?}]}</c>.
/// </summary>
internal sealed class ConnectionsImport(ILeadSink leads, LinkedInSettings settings, TimeProvider time) : IApiEndpointHandler
{
    public string Name => "connections";

    public async ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != "POST") return Problem(405, "method", "POST the Connections.csv file.");
        var file = CsvUpload.FileOf(request.Headers, request.Body);
        if (file is null || file.Length == 0) return Problem(400, "file", "Send Connections.csv as a multipart file part (or as a text/csv body).");
        var text = CsvUpload.Text(file);

        var records = CsvUpload.Records(text, CsvUpload.SeparatorOf(text, "First Name")).ToList();
        // The preamble ("Notes:", a sentence, a blank line) comes before the header: the header is the first record
        // that names the first and last name columns.
        var headerAt = records.FindIndex(r => r.Fields.Any(f => Is(f, "First Name")) && r.Fields.Any(f => Is(f, "Last Name")));
        if (headerAt < 0) return Problem(400, "file", "Not a LinkedIn Connections.csv: no header with First Name and Last Name.");
        var header = records[headerAt].Fields;
        int Column(string name) => header.FindIndex(f => Is(f, name));
        var (first, last, url, email, company, position, connectedOn) =
            (Column("First Name"), Column("Last Name"), Column("URL"), Column("Email Address"), Column("Company"), Column("Position"), Column("Connected On"));
        if (url < 0 && email < 0) return Problem(400, "file", "The header has neither a URL nor an Email Address column: connections could not be identified.");

        var results = new List<object>();
        int created = 0, merged = 0, rejected = 0;
        foreach (var (line, fields) in records.Skip(headerAt + 1))
        {
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            string? At(int column) => column >= 0 && column < fields.Count && fields[column].Trim() is { Length: > 0 } value ? value : null;
            var profile = At(url);
            var address = At(email);
            var key = profile?.TrimEnd('/').ToLowerInvariant() ?? address?.ToLowerInvariant();
            if (key is null)
            {
                rejected++;
                results.Add(new { line, outcome = "rejected", error = "Neither a profile URL nor an e-mail address: the connection cannot be identified." });
                continue;
            }
            var result = await leads.SubmitAsync(new InboundLead
            {
                ExternalId = "connection-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32],
                LinkedInUrl = profile,
                Email = address,
                FirstName = At(first),
                LastName = At(last),
                Company = At(company),
                JobTitle = At(position),
                Kind = settings.Kind,
                SourceChannel = "social",
                SourceDetail = "LinkedIn connection (Connections.csv)",
                CollectedIndirectly = true,
                OccurredAt = ConnectedOn(At(connectedOn)) ?? time.GetUtcNow(),
            }, cancellationToken);
            switch (result.Outcome)
            {
                case LeadSubmissionOutcome.Created: created++; results.Add(new { line, outcome = "created", leadId = result.LeadId }); break;
                case LeadSubmissionOutcome.Merged: merged++; results.Add(new { line, outcome = "merged", leadId = result.LeadId }); break;
                default: rejected++; results.Add(new { line, outcome = "rejected", error = result.Error }); break;
            }
        }
        return new WebhookResponse
        {
            StatusCode = 200,
            ContentType = "application/json",
            Body = JsonSerializer.SerializeToUtf8Bytes(new { created, merged, rejected, results }),
        };
    }

    private static bool Is(string field, string name) => string.Equals(field.Trim(), name, StringComparison.OrdinalIgnoreCase);

    /// <summary><c>07 Dec 2025</c> (English month abbreviations, as LinkedIn writes them), at midnight UTC.</summary>
    private static DateTimeOffset? ConnectedOn(string? text) =>
        text is not null && DateTime.TryParseExact(text, ["dd MMM yyyy", "d MMM yyyy"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero) : null;

    private static WebhookResponse Problem(int status, string field, string message) => new()
    {
        StatusCode = status,
        ContentType = "application/problem+json",
        Body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = "https://tandem.dev/problems/validation",
            ["title"] = "The file is not valid.",
            ["status"] = status,
            ["detail"] = "Nothing was stored.",
            ["errors"] = new Dictionary<string, string[]> { [field] = [message] },
        }),
    };
}
