using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Telephony;

/// <summary>
/// Calls through a Twilio-compatible REST API: channel <c>call</c> places a click-to-call (the rep's phone rings first,
/// then the prospect is dialled), and <c>POST /hooks/telephony/status</c> takes the provider's signed status callbacks
/// and reports each final call status to the host as a call-status event.
/// </summary>
public sealed class TelephonyPlugin : ITandemPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        services.AddPluginSettings<TelephonySettings>();
        services.AddSingleton(new CallbackAddress(context.PublicBaseUrl, context.PluginId));
        services.AddSingleton(_ => new HttpClient { Timeout = TimeSpan.FromSeconds(15) });
        services.AddSingleton<TwilioApi>();
        services.AddSingleton<IOutboundChannel, CallChannel>();
        services.AddSingleton<IWebhookHandler, StatusWebhook>();
    }
}

/// <summary>Where the provider sends status callbacks: <c>{PublicBaseUrl}/hooks/{id}/status</c>, or nowhere when the
/// host has no public address.</summary>
internal sealed record CallbackAddress(Uri? PublicBaseUrl, string PluginId)
{
    public Uri? Status => PublicBaseUrl is null ? null : new Uri(PublicBaseUrl.AbsoluteUri.TrimEnd('/') + $"/hooks/{PluginId}/status");
}

/// <summary>Settings under <c>Tandem:Plugins:telephony</c>.</summary>
public sealed class TelephonySettings : IPluginSettings
{
    /// <summary>The account id (<c>AC…</c>).</summary>
    public string? AccountSid { get; set; }

    /// <summary>The account's auth token: authenticates API calls and signs status callbacks. A secret.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The caller id shown to prospects, E.164.</summary>
    public string? FromNumber { get; set; }

    /// <summary>The rep's phone, rung first, when the step does not name one (E.164).</summary>
    public string? AgentNumber { get; set; }

    /// <summary>The API's address; another Twilio-compatible provider or a test fake can be used.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");

    /// <summary>Seconds to let the phone ring (the provider's <c>Timeout</c>).</summary>
    public int RingSeconds { get; set; } = 30;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(AccountSid)) yield return "AccountSid is required (the account id, AC…).";
        if (string.IsNullOrWhiteSpace(AuthToken)) yield return "AuthToken is required (the account's auth token; it also signs status callbacks).";
        if (string.IsNullOrWhiteSpace(FromNumber)) yield return "FromNumber is required (the caller id, E.164 such as +33180000000).";
        if (ApiBaseUrl is not { IsAbsoluteUri: true } || ApiBaseUrl.Scheme is not ("http" or "https"))
            yield return "ApiBaseUrl must be an absolute http(s) URL.";
        if (RingSeconds is < 5 or > 600) yield return "RingSeconds must be between 5 and 600.";
    }
}
