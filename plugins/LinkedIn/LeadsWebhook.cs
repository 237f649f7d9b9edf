using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.LinkedIn;

/// <summary>
/// <c>GET|POST /hooks/linkedin/leads</c>. GET <c>?challengeCode=…</c> is LinkedIn validating the URL: answered with
/// <c>{"challengeCode","challengeResponse": hex(HMAC-SHA256(client secret, challengeCode))}</c>. POST is a lead
/// notification signed with <c>X-LI-Signature: hex(HMAC-SHA256(client secret, "hmacsha256=" + raw body))</c>: a
/// missing or wrong signature → 401 and nothing fetched; <c>CREATED</c> → the response is fetched and becomes a lead
/// (once, however often it is pushed); <c>DELETED</c> is acknowledged.
/// </summary>
internal sealed class LeadsWebhook(LinkedInSettings settings, LeadIntake intake) : IWebhookHandler
{
    public const string SignatureHeader = "X-LI-Signature";
    private const string ResponseUrnPrefix = "urn:li:leadGenFormResponse:";

    public string Name => "leads";

    public async ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Without the app's secrets nothing can be checked or fetched: say so (LinkedIn shows the answer), never 401.
        if (settings.LeadGenOff() is { } off) return Unavailable(off);
        var secret = Encoding.UTF8.GetBytes(settings.ClientSecret!);
        if (request.Method == "GET")
        {
            if (!request.Query.TryGetValue("challengeCode", out var code) || string.IsNullOrWhiteSpace(code)) return Problem(400, "challengeCode", "The challengeCode query parameter is missing.");
            var answer = Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(code)));
            return Json(200, JsonSerializer.SerializeToUtf8Bytes(new { challengeCode = code, challengeResponse = answer }));
        }

        request.Headers.TryGetValue(SignatureHeader, out var signature);
        if (!IsSigned(secret, request.Body.Span, signature)) return new WebhookResponse { StatusCode = 401 };

        string? action, urn;
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            action = json.RootElement.TryGetProperty("leadAction", out var a) ? a.GetString() : null;
            urn = json.RootElement.TryGetProperty("leadGenFormResponse", out var r) ? r.GetString() : null;
        }
        catch (JsonException)
        {
            return Problem(400, "body", "The notification is not JSON.");
        }
        if (action != "CREATED") return new WebhookResponse { StatusCode = 200 };
        if (urn is null || !urn.StartsWith(ResponseUrnPrefix, StringComparison.Ordinal) || urn.Length == ResponseUrnPrefix.Length)
            return Problem(400, "leadGenFormResponse", "leadGenFormResponse must be a urn:li:leadGenFormResponse:… URN.");

        await intake.TakeByIdAsync(urn[ResponseUrnPrefix.Length..], cancellationToken);
        return new WebhookResponse { StatusCode = 200 };
    }

    /// <summary>The signature as hex, optionally prefixed with <c>hmacsha256=</c>, compared in constant time.</summary>
    internal static bool IsSigned(byte[] secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature)) return false;
        var hex = signature.Trim();
        if (hex.StartsWith("hmacsha256=", StringComparison.OrdinalIgnoreCase)) hex = hex["hmacsha256=".Length..];
        if (hex.Length != HMACSHA256.HashSizeInBytes * 2) return false;
        byte[] provided;
        try
        {
            provided = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return false;
        }
        var signed = new byte["hmacsha256=".Length + body.Length];
        Encoding.ASCII.GetBytes("hmacsha256=", signed);
        body.CopyTo(signed.AsSpan("hmacsha256=".Length));
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, signed), provided);
    }

    private static WebhookResponse Json(int status, byte[] body) => new() { StatusCode = status, ContentType = "application/json", Body = body };

    private static WebhookResponse Unavailable(string detail) => new()
    {
        StatusCode = 503,
        ContentType = "application/problem+json",
        Body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = "https://tandem.dev/problems/plugin-unavailable", ["title"] = "Lead Gen Forms are not configured.", ["status"] = 503, ["detail"] = detail,
        }),
    };

    private static WebhookResponse Problem(int status, string field, string detail) => new()
    {
        StatusCode = status,
        ContentType = "application/problem+json",
        Body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = "https://tandem.dev/problems/validation",
            ["title"] = "The notification is not valid.",
            ["status"] = status,
            ["detail"] = detail,
            ["errors"] = new Dictionary<string, string[]> { [field] = [detail] },
        }),
    };
}

/// <summary>
/// Backfill, then polling, of the sponsored account's form responses. The cursor (epoch milliseconds) is kept in the
/// plugin's state: the first poll reaches back the 365 days LinkedIn keeps leads; each later poll starts five minutes
/// before the last one ended (responses indexed late are not missed; those already taken are skipped).
/// </summary>
internal sealed class LeadFormsPolling(LeadSyncApi api, LeadIntake intake, LinkedInSettings settings, IPluginState state, TimeProvider time)
    : IPollingLeadSource
{
    private const int PageSize = 10;

    public string Name => "lead-forms";

    public TimeSpan Interval => TimeSpan.FromMinutes(settings.PollMinutes);

    public async ValueTask<int> PollAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.SponsoredAccount) || settings.LeadGenOff() is not null) return 0;
        var now = time.GetUtcNow();
        var end = now.ToUnixTimeMilliseconds();
        var start = await state.GetAsync("cursor", cancellationToken) is { } cursor && long.TryParse(cursor, out var ms)
            ? ms - (long)TimeSpan.FromMinutes(5).TotalMilliseconds
            : now.AddDays(-365).ToUnixTimeMilliseconds();

        var taken = 0;
        for (var offset = 0; ; offset += PageSize)
        {
            var (elements, total) = await api.ListResponsesAsync(settings.SponsoredAccount, start, end, offset, PageSize, cancellationToken);
            foreach (var response in elements)
                if (await intake.TakeAsync(response, cancellationToken)) taken++;
            if (elements.Count < PageSize || (total is { } all && offset + PageSize >= all)) break;
        }
        await state.SetAsync("cursor", end.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        return taken;
    }
}
