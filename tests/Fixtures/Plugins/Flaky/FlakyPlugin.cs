using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Fixtures.Plugins.Flaky;

/// <summary>A plugin that misbehaves at call time: throws, hangs, answers nonsense.</summary>
public sealed class FlakyPlugin : ITandemPlugin
{
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        services.AddSingleton<IWebhookHandler>(new Hook("ok", _ => ValueTask.FromResult(new WebhookResponse { StatusCode = 204 })));
        services.AddSingleton<IWebhookHandler>(new Hook("throw", _ => throw new InvalidOperationException("jane.doe@example.com broke the fixture")));
        // Ignores the cancellation token on purpose: only the host's timeout can end the wait.
        services.AddSingleton<IWebhookHandler>(new Hook("hang", async _ =>
        {
            await new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously).Task;
            return new WebhookResponse { StatusCode = 200 };
        }));
        services.AddSingleton<IWebhookHandler>(new Hook("empty-401", _ => ValueTask.FromResult(new WebhookResponse { StatusCode = 401 })));
        services.AddSingleton<IWebhookHandler>(new Hook("bad-status", _ => ValueTask.FromResult(new WebhookResponse { StatusCode = 42 })));
        services.AddSingleton<IOutboundChannel, ThrowingChannel>();
    }
}

internal sealed class Hook(string name, Func<WebhookRequest, ValueTask<WebhookResponse>> handle) : IWebhookHandler
{
    public string Name => name;

    public ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken) => handle(request);
}

internal sealed class ThrowingChannel : IOutboundChannel
{
    public string Channel => "flaky-sms";

    public ValueTask<ChannelSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        throw new TimeoutException("The SMS provider did not answer.");
}
