using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tandem.Plugins.Badges;

/// <summary>
/// Resolves an opaque attendee code (a badge QR code that holds no contact card) through a pretix-compatible exhibitor
/// API: <c>POST {PretixUrl}exhibitors/api/v1/leads/</c> with <c>Authorization: Exhibitor {key}</c> and the scan
/// (<c>code</c>, <c>notes</c>, <c>scanned</c>, <c>scan_type: lead</c>, <c>rating</c>, <c>device_name</c>); 201 (first scan)
/// or 200 (re-scan) answer the attendee's <c>fields</c> (<c>id</c>, <c>label</c>, <c>value</c>, <c>details</c>), mapped to
/// a contact by id or label. Used only when <see cref="BadgeSettings.PretixUrl"/> is set.
/// </summary>
internal sealed class Pretix(BadgeSettings settings, HttpClient http)
{
    public bool Configured => settings.PretixUrl is not null;

    /// <summary>The contact behind <paramref name="code"/>; null with the reason when the organiser does not know it.</summary>
    public async Task<(Contact? Contact, string? Error)> ResolveAsync(
        string code, DateTimeOffset scannedAt, string? notes, int? rating, string? device, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.PretixUrl!), "exhibitors/api/v1/leads/"))
        {
            Content = JsonContent.Create(new
            {
                code, notes = notes ?? "", scanned = scannedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                scan_type = "lead", tags = Array.Empty<string>(), rating, device_name = device ?? "tandem", device_uuid = device ?? "tandem",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Exhibitor", settings.PretixExhibitorKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return (null, "The organiser's exhibitor API cannot be reached; send the batch again later.");
        }
        using (response)
        {
            if ((int)response.StatusCode is 404 or 400)
                return (null, "The organiser's exhibitor API does not know this attendee code.");
            if (!response.IsSuccessStatusCode)
                return (null, $"The organiser's exhibitor API answered {(int)response.StatusCode}; send the batch again later.");
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (!json.RootElement.TryGetProperty("attendee", out var attendee) || !attendee.TryGetProperty("fields", out var fields)
                || fields.ValueKind != JsonValueKind.Array)
                return (null, "The organiser's exhibitor API answered without the attendee's fields.");
            return (Map(fields), null);
        }
    }

    private static Contact Map(JsonElement fields)
    {
        string? first = null, last = null, email = null, phone = null, company = null, title = null;
        foreach (var field in fields.EnumerateArray())
        {
            var id = (Str(field, "id") ?? "").ToLowerInvariant();
            var label = (Str(field, "label") ?? "").ToLowerInvariant();
            var value = Str(field, "value");
            if (string.IsNullOrWhiteSpace(value)) continue;
            bool Is(params string[] names) => names.Any(n => id.Contains(n, StringComparison.Ordinal) || label.Contains(n, StringComparison.Ordinal));
            if (Is("email", "e-mail", "courriel")) email ??= value.Trim();
            else if (Is("phone", "téléphone", "telephone")) phone ??= value.Trim();
            else if (Is("company", "société", "organisation", "organization")) company ??= value.Trim();
            else if (Is("job", "title", "position", "fonction")) title ??= value.Trim();
            else if (Is("name", "nom"))
            {
                if (field.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object)
                {
                    first ??= Str(details, "given_name");
                    last ??= Str(details, "family_name");
                }
                if (first is null && last is null)
                {
                    var space = value.Trim().IndexOf(' ', StringComparison.Ordinal);
                    (first, last) = space < 0 ? (null, value.Trim()) : (value.Trim()[..space], value.Trim()[(space + 1)..]);
                }
            }
        }
        return new Contact(first, last, email, phone, company, title);
    }

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
