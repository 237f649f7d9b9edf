using System.Globalization;
using System.Text.Json;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Telephony;

/// <summary>
/// <c>POST /hooks/telephony/status</c>: the provider's status callbacks. The signature is checked first (a missing or
/// wrong <c>X-Twilio-Signature</c> → 401 and nothing reported); each final status (completed, busy, no-answer, failed,
/// canceled) is reported to the host as a call-status event with its outcome and duration. Intermediate statuses
/// (queued, initiated, ringing, in-progress) are acknowledged and not reported.
/// </summary>
internal sealed class StatusWebhook(TelephonySettings settings, IChannelEventSink events, IPluginState state, TimeProvider time) : IWebhookHandler
{
    public string Name => "status";

    public async ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != "POST") return Status(405);
        var form = request.Form ?? new Dictionary<string, string>();
        request.Headers.TryGetValue(TwilioSignature.Header, out var signature);
        if (request.Form is null || !TwilioSignature.IsValid(settings.AuthToken!, request.PublicUrl.AbsoluteUri, form, signature))
            return Status(401);

        if (!form.TryGetValue("CallSid", out var sid) || string.IsNullOrWhiteSpace(sid)) return Status(204);
        form.TryGetValue("CallStatus", out var status);
        form.TryGetValue("AnsweredBy", out var answeredBy);
        var outcome = Outcome(status, answeredBy);
        if (outcome is null) return Status(204);

        CallRecord? call = null;
        if (await state.GetAsync("call:" + sid, cancellationToken) is { } known) call = JsonSerializer.Deserialize<CallRecord>(known);
        int? duration = form.TryGetValue("CallDuration", out var d) && int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        await events.ReportAsync(new ChannelEvent
        {
            Channel = "call",
            Kind = ChannelEventKind.CallStatus,
            EventId = $"{sid}:{status}",
            MessageId = call?.MessageId,
            ProviderMessageId = sid,
            Address = call?.Recipient,
            Outcome = outcome,
            DurationSeconds = duration,
            OccurredAt = form.TryGetValue("Timestamp", out var at)
                && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : time.GetUtcNow(),
        }, cancellationToken);
        return Status(204);
    }

    /// <summary>
    /// The system outcome of a final status (the API's call outcomes): completed and answered by a person → connected;
    /// completed and answered by a machine → voicemail; completed by a fax → wrong-number; busy, no-answer as they are;
    /// failed (number unreachable or invalid) → failed; canceled → canceled. Null for a status that is not final.
    /// </summary>
    internal static string? Outcome(string? callStatus, string? answeredBy) => callStatus switch
    {
        "completed" => answeredBy switch
        {
            null or "" or "human" or "unknown" => "connected",
            "fax" => "wrong-number",
            _ when answeredBy.StartsWith("machine", StringComparison.Ordinal) => "voicemail",
            _ => "connected",
        },
        "busy" => "busy",
        "no-answer" => "no-answer",
        "failed" => "failed",
        "canceled" => "canceled",
        _ => null,
    };

    private static WebhookResponse Status(int code) => new() { StatusCode = code };
}
