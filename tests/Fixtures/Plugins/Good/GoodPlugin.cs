using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Fixtures.Plugins.Good;

/// <summary>A well-behaved plugin offering one of everything.</summary>
public sealed class GoodPlugin : ITandemPlugin
{
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        services.AddSingleton<ILeadSource, GoodLeadSource>();
        services.AddSingleton<IOutboundChannel, GoodChannel>();
        services.AddScoped<IWebhookHandler, EchoWebhook>();
    }
}

internal sealed class GoodLeadSource : ILeadSource
{
    public string Name => "good-source";
}

internal sealed class GoodChannel : IOutboundChannel
{
    public string Channel => "fixture-email";

    public ValueTask<ChannelSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ChannelSendResult { Outcome = ChannelSendOutcome.Sent, ProviderMessageId = "good-" + message.MessageId });
}

/// <summary>Answers with what it received and what the host gave it, as JSON.</summary>
internal sealed class EchoWebhook(IPluginContext context, TimeProvider time) : IWebhookHandler
{
    public string Name => "echo";

    public ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        request.Headers.TryGetValue("X-Test", out var header);
        var echo = new
        {
            method = request.Method,
            publicUrl = request.PublicUrl.ToString(),
            header,
            query = request.Query,
            form = request.Form,
            body = System.Text.Encoding.UTF8.GetString(request.Body.Span),
            pluginId = context.PluginId,
            greeting = context.Configuration["Greeting"],
            dataDirectory = context.DataDirectory,
            dataDirectoryExists = Directory.Exists(context.DataDirectory),
            now = time.GetUtcNow(),
        };
        return ValueTask.FromResult(new WebhookResponse
        {
            StatusCode = 200,
            ContentType = "application/json",
            Body = JsonSerializer.SerializeToUtf8Bytes(echo),
        });
    }
}
