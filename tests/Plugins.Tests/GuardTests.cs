using Microsoft.Extensions.DependencyInjection;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>Calls into a misbehaving plugin are cut off and, after repeated failures, refused for a while — without
/// touching other plugins. Time is a fake clock: nothing here sleeps.</summary>
public sealed class GuardTests
{
    private static readonly Dictionary<string, string?> Guard = new()
    {
        ["Tandem:Plugins:Guard:TimeoutSeconds"] = "5",
        ["Tandem:Plugins:Guard:FailureThreshold"] = "3",
        ["Tandem:Plugins:Guard:BreakSeconds"] = "30",
    };

    [Fact]
    public async Task A_webhook_that_throws_answers_502_and_the_host_carries_on()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = PluginHost.Start(folder, Guard);

        var answer = await WebhookCalls.CallAsync(host, "flaky", "throw");

        Assert.Equal(502, answer.Status);
        Assert.Equal("https://tandem.dev/problems/plugin-failed", answer.Json.GetProperty("type").GetString());
        Assert.Equal("Plugin 'flaky' failed (InvalidOperationException).", answer.Json.GetProperty("detail").GetString());
        Assert.Equal(204, (await WebhookCalls.CallAsync(host, "flaky", "ok")).Status);
    }

    [Fact]
    public async Task A_webhook_that_hangs_is_cut_off_at_the_timeout_with_504()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = PluginHost.Start(folder, Guard);

        var call = WebhookCalls.Start(host, "flaky", "hang");
        host.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(call.Task.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(0.1));
        var answer = await call.CompleteAsync();

        Assert.Equal(504, answer.Status);
        Assert.Equal("https://tandem.dev/problems/plugin-timeout", answer.Json.GetProperty("type").GetString());
        Assert.Equal("Plugin 'flaky' did not answer within 5 s.", answer.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Consecutive_failures_open_the_circuit_then_one_trial_after_the_break_closes_it()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = PluginHost.Start(folder, Guard);

        Assert.Equal(502, (await WebhookCalls.CallAsync(host, "flaky", "throw")).Status);
        var hang = WebhookCalls.Start(host, "flaky", "hang");
        host.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(504, (await hang.CompleteAsync()).Status);
        Assert.Equal(CircuitState.Closed, host.Invoker.StateOf("flaky"));
        Assert.Equal(502, (await WebhookCalls.CallAsync(host, "flaky", "throw")).Status);
        Assert.Equal(CircuitState.Open, host.Invoker.StateOf("flaky"));

        // Open: even a healthy hook of that plugin is refused, at once, with when to come back.
        var refused = await WebhookCalls.CallAsync(host, "flaky", "ok");
        Assert.Equal(503, refused.Status);
        Assert.Equal("https://tandem.dev/problems/plugin-unavailable", refused.Json.GetProperty("type").GetString());
        Assert.Equal("30", refused.Headers.RetryAfter.ToString());

        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(503, (await WebhookCalls.CallAsync(host, "flaky", "ok")).Status);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CircuitState.HalfOpen, host.Invoker.StateOf("flaky"));
        Assert.Equal(204, (await WebhookCalls.CallAsync(host, "flaky", "ok")).Status);
        Assert.Equal(CircuitState.Closed, host.Invoker.StateOf("flaky"));
    }

    [Fact]
    public async Task A_failed_trial_call_opens_the_circuit_again_for_a_full_break()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = PluginHost.Start(folder, Guard);
        for (var i = 0; i < 3; i++) await WebhookCalls.CallAsync(host, "flaky", "throw");
        host.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(502, (await WebhookCalls.CallAsync(host, "flaky", "throw")).Status);

        Assert.Equal(CircuitState.Open, host.Invoker.StateOf("flaky"));
        Assert.Equal("30", (await WebhookCalls.CallAsync(host, "flaky", "ok")).Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task A_success_resets_the_count_of_consecutive_failures()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = PluginHost.Start(folder, Guard);

        foreach (var hook in new[] { "throw", "throw", "ok", "throw", "throw" })
            await WebhookCalls.CallAsync(host, "flaky", hook);

        Assert.Equal(CircuitState.Closed, host.Invoker.StateOf("flaky"));
        Assert.Equal(204, (await WebhookCalls.CallAsync(host, "flaky", "ok")).Status);
    }

    [Fact]
    public async Task One_plugin_s_open_circuit_does_not_affect_another_plugin()
    {
        using var folder = new PluginFolder().With(Built.Flaky).With(Built.Good);
        await using var host = PluginHost.Start(folder, Guard);
        for (var i = 0; i < 3; i++) await WebhookCalls.CallAsync(host, "flaky", "throw");
        Assert.Equal(CircuitState.Open, host.Invoker.StateOf("flaky"));

        Assert.Equal(200, (await WebhookCalls.CallAsync(host, "good", "echo")).Status);
        Assert.Equal(CircuitState.Closed, host.Invoker.StateOf("good"));
    }

    [Fact]
    public async Task An_open_circuit_does_not_call_the_plugin_at_all()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = PluginHost.Start(folder, Guard);
        var calls = 0;
        ValueTask<int> Failing(CancellationToken _)
        {
            calls++;
            throw new InvalidOperationException("down");
        }

        for (var i = 0; i < 5; i++) await host.Invoker.InvokeAsync("flaky", "test", Failing, CancellationToken.None);

        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task The_caller_cancelling_is_not_counted_against_the_plugin()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = PluginHost.Start(folder, Guard);
        var never = new TaskCompletionSource<int>();

        for (var i = 0; i < 3; i++)
        {
            using var call = new CancellationTokenSource();
            var pending = host.Invoker.InvokeAsync("flaky", "test", _ => new ValueTask<int>(never.Task), call.Token).AsTask();
            await call.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        }

        Assert.Equal(CircuitState.Closed, host.Invoker.StateOf("flaky"));
    }

    [Fact]
    public async Task A_channel_plugin_that_throws_gives_a_transient_failure_instead_of_an_exception()
    {
        using var folder = new PluginFolder().With(Built.Flaky).With(Built.Good);
        await using var host = PluginHost.Start(folder, Guard);
        var channels = host.Services.GetRequiredService<PluginChannels>();
        var message = new OutboundMessage { MessageId = "m-1", Recipient = "+33612345678", Body = "Bonjour" };

        var failed = await channels.SendAsync("flaky-sms", message, CancellationToken.None);
        var sent = await channels.SendAsync("fixture-email", message, CancellationToken.None);
        var missing = await channels.SendAsync("pigeon", message, CancellationToken.None);

        Assert.Equal((ChannelSendOutcome.TransientFailure, "Plugin 'flaky' failed (TimeoutException)."), (failed.Outcome, failed.Error));
        Assert.Equal((ChannelSendOutcome.Sent, "good-m-1"), (sent.Outcome, sent.ProviderMessageId));
        Assert.Equal((ChannelSendOutcome.TransientFailure, "No active plugin offers the channel 'pigeon'."), (missing.Outcome, missing.Error));
        Assert.Equal(["fixture-email", "flaky-sms"], channels.Available);
    }

    [Fact]
    public async Task What_a_plugin_s_exception_says_is_not_written_to_the_logs()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = PluginHost.Start(folder, Guard);

        await WebhookCalls.CallAsync(host, "flaky", "throw");

        Assert.Contains(host.Logs.Lines, l => l.Contains("threw System.InvalidOperationException", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("jane.doe@example.com", StringComparison.Ordinal));
    }
}
