using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugin1;

/// <summary>The plugin's entry point: settings checked at load, one channel.</summary>
public sealed class Plugin : ITandemPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        services.AddPluginSettings<Settings>();
        services.AddSingleton(_ => new HttpClient { Timeout = TimeSpan.FromSeconds(8) });
        services.AddSingleton<IOutboundChannel, MessageChannel>();
    }
}

/// <summary>Settings under <c>Tandem:Plugins:my-channel</c>.</summary>
public sealed class Settings : IPluginSettings
{
    /// <summary>The provider's API address (<c>https://api.example.com/</c>).</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>The provider's API key. A secret.</summary>
    public string? ApiKey { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ApiKey)) yield return "ApiKey is required (the provider's API key).";
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out _)) yield return "ApiBaseUrl is required (an absolute URL such as https://api.example.com/).";
    }
}

/// <summary>Channel <c>my-channel</c>: POSTs each message to <c>{ApiBaseUrl}messages</c>, once per MessageId.</summary>
internal sealed class MessageChannel(Settings settings, HttpClient http, IPluginState state) : IOutboundChannel
{
    public string Channel => "my-channel";

    public async ValueTask<ChannelSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var key = "message:" + message.MessageId;
        // Claim the id before talking to the provider: a retry of the same step answers what the first send got.
        if (!await state.TryAddAsync(key, "pending", cancellationToken))
        {
            var known = await state.GetAsync(key, cancellationToken);
            return new ChannelSendResult { Outcome = ChannelSendOutcome.Sent, ProviderMessageId = known == "pending" ? null : known };
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.ApiBaseUrl!), "messages"))
            {
                Content = JsonContent.Create(new { to = message.Recipient, subject = message.Subject, body = message.Body, idempotencyKey = message.MessageId }),
            };
            request.Headers.Add("Authorization", "Bearer " + settings.ApiKey);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await state.DeleteAsync(key, CancellationToken.None);
                var status = (int)response.StatusCode;
                return new ChannelSendResult
                {
                    Outcome = status is >= 400 and < 500 and not 408 and not 429 ? ChannelSendOutcome.PermanentFailure : ChannelSendOutcome.TransientFailure,
                    Error = $"The provider answered {status}.",
                };
            }
            var providerId = response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.First() : message.MessageId;
            await state.SetAsync(key, providerId, cancellationToken);
            return new ChannelSendResult { Outcome = ChannelSendOutcome.Sent, ProviderMessageId = providerId };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await state.DeleteAsync(key, CancellationToken.None);
            return new ChannelSendResult { Outcome = ChannelSendOutcome.TransientFailure, Error = "The provider cannot be reached." };
        }
    }
}
