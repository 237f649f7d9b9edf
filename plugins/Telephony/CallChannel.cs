using System.Net;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Text.Json;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Telephony;

/// <summary>The provider's <c>Calls</c> resource.</summary>
internal sealed class TwilioApi(HttpClient http, TelephonySettings settings)
{
    /// <summary>Creates a call; answers the call's sid, or an error with whether to try again.</summary>
    public async Task<(string? Sid, ChannelSendOutcome Outcome, string? Error)> CreateCallAsync(
        IReadOnlyList<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        var url = new Uri(settings.ApiBaseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid!)}/Calls.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return (null, ChannelSendOutcome.TransientFailure, $"The telephony API cannot be reached ({e.HttpRequestError}).");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                using var json = JsonDocument.Parse(body);
                return json.RootElement.TryGetProperty("sid", out var sid) && sid.GetString() is { Length: > 0 } value
                    ? (value, ChannelSendOutcome.Sent, null)
                    : (null, ChannelSendOutcome.TransientFailure, "The telephony API answered without a call sid.");
            }
            var message = ProviderMessage(body);
            // 429 and 5xx pass; 4xx (bad number, unverified caller id, bad credentials) will not.
            var transient = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
            return (null, transient ? ChannelSendOutcome.TransientFailure : ChannelSendOutcome.PermanentFailure,
                $"The telephony API refused the call ({(int)response.StatusCode}{(message is null ? "" : ": " + message)}).");
        }
    }

    private static string? ProviderMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("message", out var message) ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Channel <c>call</c>: a click-to-call. The rep's phone (<see cref="OutboundMessage.From"/>, else the AgentNumber
/// setting) rings first; when the rep answers, the prospect (<see cref="OutboundMessage.Recipient"/>) is dialled with
/// the FromNumber caller id. Status callbacks go to <c>/hooks/telephony/status</c>. The same MessageId never places a
/// second call: it is claimed in the plugin's state before the API is called.
/// </summary>
internal sealed class CallChannel(TwilioApi api, TelephonySettings settings, CallbackAddress callbacks, IPluginState state) : IOutboundChannel
{
    public string Channel => "call";

    public async ValueTask<ChannelSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var rep = string.IsNullOrWhiteSpace(message.From) ? settings.AgentNumber : message.From;
        if (string.IsNullOrWhiteSpace(rep))
            return Failed("No phone to ring for the rep: the step names none and Tandem:Plugins:telephony:AgentNumber is not set.");
        if (!IsE164(message.Recipient)) return Failed("The recipient is not an E.164 phone number.");
        if (!IsE164(rep)) return Failed("The rep's phone is not an E.164 phone number.");

        var key = "message:" + message.MessageId;
        if (!await state.TryAddAsync(key, Pending, cancellationToken))
        {
            // Placed before (or being placed): never ring the person twice for one step.
            var known = await state.GetAsync(key, cancellationToken);
            return new ChannelSendResult { Outcome = ChannelSendOutcome.Sent, ProviderMessageId = known == Pending ? null : known };
        }

        var form = new List<KeyValuePair<string, string>>
        {
            new("To", rep),
            new("From", settings.FromNumber!),
            new("Twiml", $"<Response><Dial callerId=\"{SecurityElement.Escape(settings.FromNumber)}\" timeout=\"{settings.RingSeconds}\">{SecurityElement.Escape(message.Recipient)}</Dial></Response>"),
            new("Timeout", settings.RingSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (callbacks.Status is { } statusUrl)
        {
            form.Add(new("StatusCallback", statusUrl.AbsoluteUri));
            foreach (var e in new[] { "initiated", "ringing", "answered", "completed" }) form.Add(new("StatusCallbackEvent", e));
        }

        var (sid, outcome, error) = await api.CreateCallAsync(form, cancellationToken);
        if (sid is null)
        {
            // Not placed: a later retry of the same step may try again.
            await state.DeleteAsync(key, cancellationToken);
            return new ChannelSendResult { Outcome = outcome, Error = error };
        }
        await state.SetAsync(key, sid, cancellationToken);
        await state.SetAsync("call:" + sid, JsonSerializer.Serialize(new CallRecord(message.MessageId, message.Recipient)), cancellationToken);
        return new ChannelSendResult { Outcome = ChannelSendOutcome.Sent, ProviderMessageId = sid };
    }

    private const string Pending = "pending";

    private static ChannelSendResult Failed(string error) => new() { Outcome = ChannelSendOutcome.PermanentFailure, Error = error };

    private static bool IsE164(string? number) =>
        number is { Length: >= 8 and <= 16 } && number[0] == '+' && number.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}

/// <summary>What the plugin remembers about a call it placed, by call sid.</summary>
internal sealed record CallRecord(string MessageId, string Recipient);
