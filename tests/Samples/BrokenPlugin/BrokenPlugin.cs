using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Samples.BrokenPlugin;

/// <summary>
/// Everything a plugin must not do, one fault per rule of the conformance kit: a version that is not semantic
/// (manifest), a missing setting that throws instead of being reported (settings), a channel that sends again on a
/// retry (idempotency), a webhook that trusts any caller (signatures), and a channel that throws when its provider is
/// down (failure behaviour).
/// </summary>
public sealed class BrokenPlugin : ITandemPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        // Wrong: a missing setting must be reported through IPluginSettings.Validate, not thrown.
        var endpoint = context.Configuration["Endpoint"] ?? throw new InvalidOperationException("Endpoint is not set.");
        services.AddSingleton(new Uri(endpoint));
        services.AddSingleton(_ => new HttpClient());
        services.AddSingleton<IOutboundChannel, BrokenChannel>();
        services.AddSingleton<IWebhookHandler, TrustingWebhook>();
    }
}

/// <summary>Posts every message to the provider, even one it already sent; lets the provider's errors escape.</summary>
internal sealed class BrokenChannel(Uri endpoint, HttpClient http) : IOutboundChannel
{
    public string Channel => "broken";

    public async ValueTask<ChannelSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(endpoint, new StringContent(message.Recipient), cancellationToken);
        response.EnsureSuccessStatusCode();
        return new ChannelSendResult { Outcome = ChannelSendOutcome.Sent, ProviderMessageId = Guid.NewGuid().ToString("N") };
    }
}

/// <summary>Records a reply for whatever it is sent, signed or not.</summary>
internal sealed class TrustingWebhook(IChannelEventSink events) : IWebhookHandler
{
    public string Name => "events";

    public async ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        await events.ReportAsync(new ChannelEvent
        {
            Channel = "broken", Kind = ChannelEventKind.Replied, EventId = Convert.ToHexString(request.Body.Span) + Guid.NewGuid().ToString("N"),
            Address = Encoding.UTF8.GetString(request.Body.Span), OccurredAt = DateTimeOffset.UnixEpoch,
        }, cancellationToken);
        return new WebhookResponse { StatusCode = 200 };
    }
}
