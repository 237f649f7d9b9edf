using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Sample;

/// <summary><c>POST /hooks/sample/leads</c>: checks the signature, reads the JSON lead and hands it to the host.</summary>
internal sealed partial class LeadsWebhook(
    WebhookSecret secret, ILeadSink leads, TimeProvider time, ILogger<LeadsWebhook> logger) : IWebhookHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Answers are JSON for machines, never HTML: no need to escape quotes and accents.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Name => "leads";

    public async ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(405, "method-not-allowed", "Only POST is accepted.",
                "Send the lead as JSON with POST.");
        }

        if (!secret.IsConfigured)
        {
            LogSecretMissing(logger, secret.PluginId);
            return Problem(401, "webhook-secret-missing", "This webhook has no secret configured.",
                $"Every delivery is refused until the setting Tandem:Plugins:{secret.PluginId}:Secret is set.");
        }

        request.Headers.TryGetValue(WebhookSignature.Header, out var signature);
        if (!WebhookSignature.IsValid(secret.Value!, request.Body.Span, signature))
        {
            LogBadSignature(logger, signature is null);
            return Problem(401, "invalid-signature", "The signature does not match.",
                $"{WebhookSignature.Header} must be 'sha256=' followed by the hex HMAC-SHA256 of the raw body, keyed with the shared secret.");
        }

        LeadPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<LeadPayload>(request.Body.Span, Json);
        }
        catch (JsonException e)
        {
            return Problem(400, "invalid-json", "The body is not a valid JSON lead.", e.Message);
        }

        if (payload is null)
        {
            return Problem(400, "invalid-json", "The body is not a valid JSON lead.", "Expected a JSON object.");
        }

        var errors = payload.Validate();
        if (errors.Count > 0)
        {
            return Problem(400, "validation", "The lead is not valid.", null, errors);
        }

        var result = await leads.SubmitAsync(payload.ToInboundLead(time.GetUtcNow()), cancellationToken);
        LogSubmitted(logger, result.Outcome);
        return result.Outcome switch
        {
            LeadSubmissionOutcome.Created => Ok(201, result),
            LeadSubmissionOutcome.Merged => Ok(200, result),
            _ => Problem(422, "lead-rejected", "The lead was rejected.", result.Error),
        };
    }

    private static WebhookResponse Ok(int status, LeadSubmissionResult result) => new()
    {
        StatusCode = status,
        ContentType = "application/json",
        Body = JsonSerializer.SerializeToUtf8Bytes(
            new { leadId = result.LeadId, outcome = result.Outcome.ToString().ToLowerInvariant() }, Json),
    };

    private static WebhookResponse Problem(
        int status, string type, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null) => new()
    {
        StatusCode = status,
        ContentType = "application/problem+json",
        Body = JsonSerializer.SerializeToUtf8Bytes(
            new { type = $"https://tandem.dev/problems/{type}", title, status, detail, errors }, Json),
    };

    // Only outcomes and flags are logged: the payload is personal data.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery refused for plugin {PluginId}: no secret is configured")]
    private static partial void LogSecretMissing(ILogger logger, string pluginId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery refused: bad signature (header missing: {HeaderMissing})")]
    private static partial void LogBadSignature(ILogger logger, bool headerMissing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook lead submitted: {Outcome}")]
    private static partial void LogSubmitted(ILogger logger, LeadSubmissionOutcome outcome);
}

internal sealed record LeadPayload(
    string? ExternalId,
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    string? Company,
    string? JobTitle,
    string? Kind,
    string? SourceDetail,
    bool CollectedIndirectly,
    IReadOnlyList<ConsentPayload>? Consents,
    bool CallbackRequested,
    DateTimeOffset? OccurredAt)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(ExternalId))
        {
            errors["externalId"] = ["The sender's id for this lead is required (it makes repeated deliveries harmless)."];
        }

        if (string.IsNullOrWhiteSpace(Email) && string.IsNullOrWhiteSpace(Phone))
        {
            errors["email"] = ["An email or a phone is required."];
        }

        if (Kind is not (null or "consumer" or "professional"))
        {
            errors["kind"] = ["Must be 'consumer' or 'professional'."];
        }

        for (var i = 0; i < (Consents?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(Consents![i].Purpose))
            {
                errors[$"consents[{i}].purpose"] = ["The purpose of the consent is required."];
            }
        }

        return errors;
    }

    // A lead that does not say otherwise is treated as a private person: the stricter rules apply.
    public InboundLead ToInboundLead(DateTimeOffset now) => new()
    {
        ExternalId = ExternalId!,
        Email = Email,
        Phone = Phone,
        FirstName = FirstName,
        LastName = LastName,
        Company = Company,
        JobTitle = JobTitle,
        Kind = Kind ?? "consumer",
        SourceDetail = SourceDetail,
        CollectedIndirectly = CollectedIndirectly,
        Consents = Consents?.Select(c => new LeadConsent { Purpose = c.Purpose!, Granted = c.Granted, Text = c.Text }).ToList() ?? [],
        CallbackRequested = CallbackRequested,
        OccurredAt = OccurredAt ?? now,
    };
}

internal sealed record ConsentPayload(string? Purpose, bool Granted, string? Text);
