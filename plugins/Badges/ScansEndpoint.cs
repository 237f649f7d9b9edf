using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Badges;

/// <summary>
/// <c>POST /api/plugins/badges/scans</c> <c>{"eventCampaignId","device","scans":[{"payload" | "image","scannedAt","notes"?,"rating"?}]}</c>
/// → 200 <c>{"results":[{"index","outcome":"created|merged|rejected","leadId"?,"error"?}]}</c>. The whole batch is
/// checked first: a malformed one is a 400 problem naming each bad field, and nothing is stored. A scan whose payload is
/// not a contact card (or whose image holds no QR code) is <c>rejected</c> with the reason, without failing the others.
/// Each scan is identified by its event, device, content and scan time, and remembered in the plugin's state: a
/// re-sent batch creates nothing new (its scans answer <c>merged</c> with the lead they created the first time).
/// </summary>
internal sealed class ScansEndpoint(ILeadSink leads, IPluginState state, BadgeSettings settings, Pretix pretix) : IApiEndpointHandler
{
    private const int MaxNotes = 2000;
    private const int MaxImageBytes = 4 * 1024 * 1024;

    public string Name => "scans";

    private sealed record Scan(int Index, string? Payload, byte[]? Image, DateTimeOffset ScannedAt, string? Notes, int? Rating);

    public async ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        JsonElement root;
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            root = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Problem(400, new() { ["body"] = ["The body must be a JSON object."] });
        }
        if (root.ValueKind != JsonValueKind.Object) return Problem(400, new() { ["body"] = ["The body must be a JSON object."] });

        var campaign = Text(root, "eventCampaignId");
        if (string.IsNullOrWhiteSpace(campaign)) errors["eventCampaignId"] = ["The event's campaign id is required."];
        var device = Text(root, "device");
        if (device is { Length: > 200 }) errors["device"] = ["At most 200 characters."];

        var scans = new List<Scan>();
        if (!root.TryGetProperty("scans", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            errors["scans"] = ["At least one scan is required."];
        else if (list.GetArrayLength() > settings.MaxScansPerBatch)
            errors["scans"] = [$"At most {settings.MaxScansPerBatch} scans a batch."];
        else
        {
            var index = 0;
            foreach (var item in list.EnumerateArray()) scans.Add(ReadScan(index++, item, errors));
        }
        if (errors.Count > 0) return Problem(400, errors);

        var results = new List<object>(scans.Count);
        foreach (var scan in scans) results.Add(await TakeAsync(scan, campaign!, device, cancellationToken));
        return new WebhookResponse
        {
            StatusCode = 200,
            ContentType = "application/json",
            Body = JsonSerializer.SerializeToUtf8Bytes(new { results }),
        };
    }

    private static Scan ReadScan(int index, JsonElement item, Dictionary<string, string[]> errors)
    {
        var at = $"scans[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors[at] = ["Each scan must be an object."];
            return new Scan(index, null, null, default, null, null);
        }
        var payload = Text(item, "payload");
        var imageText = Text(item, "image");
        byte[]? image = null;
        if (string.IsNullOrEmpty(payload) == string.IsNullOrEmpty(imageText))
            errors[at + ".payload"] = ["Give either payload (the QR code's text) or image (a base64 PNG or JPEG), not both."];
        else if (imageText is not null)
        {
            try
            {
                image = Convert.FromBase64String(imageText);
                if (image.Length > MaxImageBytes) errors[at + ".image"] = [$"Images are limited to {MaxImageBytes / 1024 / 1024} MiB."];
            }
            catch (FormatException)
            {
                errors[at + ".image"] = ["The image must be base64."];
            }
        }
        if (payload is { Length: > 8000 }) errors[at + ".payload"] = ["At most 8,000 characters."];

        var scannedText = Text(item, "scannedAt");
        DateTimeOffset scannedAt = default;
        if (scannedText is null || !DateTimeOffset.TryParse(scannedText, CultureInfo.InvariantCulture, DateTimeStyles.None, out scannedAt)
            || !scannedText.Contains('T', StringComparison.Ordinal))
            errors[at + ".scannedAt"] = ["The scan time is required, ISO 8601 with offset (2026-03-01T10:00:00Z)."];

        var notes = Text(item, "notes");
        if (notes is { Length: > MaxNotes }) errors[at + ".notes"] = [$"At most {MaxNotes} characters."];

        int? rating = null;
        if (item.TryGetProperty("rating", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var value) && value is >= 0 and <= 5) rating = value;
            else errors[at + ".rating"] = ["The rating is a whole number from 0 to 5."];
        }
        return new Scan(index, payload, image, scannedAt, notes, rating);
    }

    private async Task<object> TakeAsync(Scan scan, string campaign, string? device, CancellationToken cancellationToken)
    {
        var content = scan.Payload ?? (scan.Image is null ? null : QrImages.Decode(scan.Image));
        if (content is null) return Rejected(scan.Index, "No QR code could be read in the image.");

        var id = ScanId(campaign, device, content, scan.ScannedAt);
        if (await state.GetAsync("scan:" + id, cancellationToken) is { } known)
            return new { index = scan.Index, outcome = "merged", leadId = known };

        var contact = ContactCards.Parse(content);
        if (contact is null && pretix.Configured && IsAttendeeCode(content))
        {
            var (resolved, error) = await pretix.ResolveAsync(content.Trim(), scan.ScannedAt, scan.Notes, scan.Rating, device, cancellationToken);
            if (resolved is null) return Rejected(scan.Index, error!);
            contact = resolved;
        }
        if (contact is null)
            return Rejected(scan.Index, pretix.Configured
                ? "The badge holds no vCard, MECARD, BIZCARD or attendee code."
                : "The badge holds no vCard, MECARD or BIZCARD (opaque attendee codes need Tandem:Plugins:badges:PretixUrl and PretixExhibitorKey).");
        if (contact.Email is null && contact.Phone is null)
            return Rejected(scan.Index, "The badge gives neither an e-mail address nor a phone number.");

        var detail = new StringBuilder("badge scan");
        if (!string.IsNullOrWhiteSpace(device)) detail.Append(" by ").Append(device);
        if (scan.Rating is { } rating) detail.Append(CultureInfo.InvariantCulture, $", rating {rating}/5");
        if (!string.IsNullOrWhiteSpace(scan.Notes)) detail.Append(", notes: ").Append(OneLine(scan.Notes));

        var result = await leads.SubmitAsync(new InboundLead
        {
            ExternalId = "scan-" + id,
            Email = contact.Email,
            Phone = contact.Phone,
            FirstName = contact.FirstName,
            LastName = contact.LastName,
            Company = contact.Company,
            JobTitle = contact.JobTitle,
            Kind = settings.Kind,
            SourceChannel = "event",
            CampaignId = campaign,
            SourceDetail = Detail(detail),
            CollectedIndirectly = true,
            OccurredAt = scan.ScannedAt,
        }, cancellationToken);

        if (result.Outcome == LeadSubmissionOutcome.Rejected || result.LeadId is null)
            return Rejected(scan.Index, result.Error ?? "The lead was not accepted.");
        await state.SetAsync("scan:" + id, result.LeadId, cancellationToken);
        return new { index = scan.Index, outcome = result.Outcome == LeadSubmissionOutcome.Created ? "created" : "merged", leadId = result.LeadId };
    }

    /// <summary>Notes on one line: a lead's source detail is a single line (a rep's notes often are not).</summary>
    internal static string OneLine(string notes) => string.Join(' ', notes.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The source detail, cut to what Leads keeps (500 characters with the plugin's prefix and the art. 14 note).</summary>
    internal static string Detail(StringBuilder detail) => detail.Length <= MaxDetail ? detail.ToString() : detail.ToString(0, MaxDetail - 1) + "…";

    private const int MaxDetail = 400;

    /// <summary>An opaque attendee code: one short token of letters, digits and <c>-_.</c>.</summary>
    private static bool IsAttendeeCode(string content)
    {
        var code = content.Trim();
        return code.Length is >= 4 and <= 128 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    /// <summary>The same scan (event, device, content, time) sent again has the same id.</summary>
    private static string ScanId(string campaign, string? device, string content, DateTimeOffset scannedAt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', campaign, device ?? "", scannedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), content))))[..32];

    private static object Rejected(int index, string error) => new { index, outcome = "rejected", error };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static WebhookResponse Problem(int status, Dictionary<string, string[]> errors) => new()
    {
        StatusCode = status,
        ContentType = "application/problem+json",
        Body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = "https://tandem.dev/problems/validation",
            ["title"] = "The batch is not valid.",
            ["status"] = status,
            ["detail"] = "Nothing was stored; fix the fields named in errors and send the batch again.",
            ["errors"] = errors,
        }),
    };
}
