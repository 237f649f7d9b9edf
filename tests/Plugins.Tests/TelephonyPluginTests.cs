using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>The bundled telephony plugin, loaded from its real build: settings, signed status callbacks, call placement
/// against a fake Twilio-compatible API on 127.0.0.1.</summary>
public sealed class TelephonyPluginTests
{
    private const string Token = "test-auth-token";
    private const string PublicBase = "https://crm.example.com";

    private static Dictionary<string, string?> Settings(string? api = null) => new()
    {
        ["Tandem:PublicBaseUrl"] = PublicBase,
        ["Tandem:Plugins:telephony:AccountSid"] = "AC0123456789",
        ["Tandem:Plugins:telephony:AuthToken"] = Token,
        ["Tandem:Plugins:telephony:FromNumber"] = "+33180000000",
        ["Tandem:Plugins:telephony:AgentNumber"] = "+33600000001",
        ["Tandem:Plugins:telephony:ApiBaseUrl"] = api ?? "http://127.0.0.1:9",
    };

    /// <summary>The reference signature, computed independently of the plugin's code.</summary>
    private static string Sign(string token, string url, IDictionary<string, string> form)
    {
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data)));
    }

    private static string FormBody(IDictionary<string, string> form) =>
        string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    private static Task<WebhookCalls.Answer> PostStatusAsync(PluginHost host, IDictionary<string, string> form, string? signature)
    {
        var pending = WebhookCalls.Start(host, "telephony", "status", FormBody(form), "application/x-www-form-urlencoded",
            signature is null ? null : new Dictionary<string, string> { ["X-Twilio-Signature"] = signature });
        return pending.CompleteAsync();
    }

    private static Dictionary<string, string> Completed(string sid = "CA100", string status = "completed", string? answeredBy = "human") => new Dictionary<string, string>
    {
        ["CallSid"] = sid,
        ["AccountSid"] = "AC0123456789",
        ["From"] = "+33180000000",
        ["To"] = "+33600000001",
        ["Direction"] = "outbound-api",
        ["CallStatus"] = status,
        ["CallDuration"] = "42",
        ["SequenceNumber"] = "3",
        ["Timestamp"] = "Tue, 10 Mar 2026 09:45:12 +0000",
    }.Concat(answeredBy is null ? [] : new[] { KeyValuePair.Create("AnsweredBy", answeredBy) }).ToDictionary();

    [Fact]
    public async Task Without_its_settings_the_plugin_is_unconfigured_and_says_which_keys_are_missing()
    {
        using var folder = new PluginFolder().With(Built.Telephony);
        await using var host = PluginHost.Start(folder, events: new RecordingChannelEventSink());

        var plugin = host.Plugin("telephony");
        Assert.Equal(PluginStatus.Unconfigured, plugin.Status);
        Assert.StartsWith("Settings under Tandem:Plugins:telephony are incomplete:", plugin.Reason);
        Assert.Contains("AccountSid is required", plugin.Reason);
        Assert.Contains("AuthToken is required", plugin.Reason);
        Assert.Contains("FromNumber is required", plugin.Reason);
    }

    [Fact]
    public async Task The_documented_test_vector_passes_and_a_changed_parameter_does_not()
    {
        using var folder = new PluginFolder().With(Built.Telephony);
        var events = new RecordingChannelEventSink();
        var settings = Settings();
        settings["Tandem:Plugins:telephony:AuthToken"] = "12345";
        await using var host = PluginHost.Start(folder, settings, events: events);
        Assert.Equal(PluginStatus.Active, host.Plugin("telephony").Status);

        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE", ["Caller"] = "+12349013030", ["Digits"] = "1234", ["From"] = "+12349013030", ["To"] = "+18005551212",
        };
        async Task<int> CallAsync(IReadOnlyDictionary<string, string> fields, string signature)
        {
            await using var scope = host.Plugin("telephony").CreateScope();
            var handler = PluginEntry.FindWebhook(scope.ServiceProvider, "status");
            var response = await handler.HandleAsync(new WebhookRequest
            {
                Method = "POST",
                PublicUrl = new Uri("https://mycompany.com/myapp.php?foo=1&bar=2"),
                Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Twilio-Signature"] = signature },
                Form = fields,
                Body = Encoding.UTF8.GetBytes(FormBody(form)),
            }, CancellationToken.None);
            return response.StatusCode;
        }

        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form));
        Assert.Equal(204, await CallAsync(form, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        Assert.Equal(401, await CallAsync(new Dictionary<string, string>(form) { ["Digits"] = "1235" }, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        Assert.Empty(events.Received); // no final CallStatus in the vector: nothing to report
    }

    [Fact]
    public async Task A_signed_callback_records_the_outcome_and_a_forged_or_unsigned_one_gets_401_and_records_nothing()
    {
        using var folder = new PluginFolder().With(Built.Telephony);
        var events = new RecordingChannelEventSink();
        await using var host = PluginHost.Start(folder, Settings(), events: events);
        const string url = PublicBase + "/hooks/telephony/status";

        var form = Completed();
        Assert.Equal(401, (await PostStatusAsync(host, form, null)).Status);
        Assert.Equal(401, (await PostStatusAsync(host, form, Sign("another-token", url, form))).Status);
        var tampered = new Dictionary<string, string>(form) { ["CallDuration"] = "4200" };
        Assert.Equal(401, (await PostStatusAsync(host, tampered, Sign(Token, url, form))).Status);
        Assert.Empty(events.Received);

        Assert.Equal(204, (await PostStatusAsync(host, form, Sign(Token, url, form))).Status);
        var (reported, pluginId) = Assert.Single(events.Received);
        Assert.Equal("telephony", pluginId);
        Assert.Equal("call", reported.Channel);
        Assert.Equal(ChannelEventKind.CallStatus, reported.Kind);
        Assert.Equal("connected", reported.Outcome);
        Assert.Equal(42, reported.DurationSeconds);
        Assert.Equal("CA100", reported.ProviderMessageId);
        Assert.Equal("CA100:completed", reported.EventId);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 9, 45, 12, TimeSpan.Zero), reported.OccurredAt);
    }

    [Theory]
    [InlineData("completed", "human", "connected")]
    [InlineData("completed", "machine_end_beep", "voicemail")]
    [InlineData("completed", "machine_start", "voicemail")]
    [InlineData("completed", "fax", "wrong-number")]
    [InlineData("busy", null, "busy")]
    [InlineData("no-answer", null, "no-answer")]
    [InlineData("failed", null, "failed")]
    [InlineData("canceled", null, "canceled")]
    [InlineData("ringing", null, null)]
    [InlineData("in-progress", "human", null)]
    public async Task Call_status_and_answered_by_map_to_outcomes(string status, string? answeredBy, string? outcome)
    {
        using var folder = new PluginFolder().With(Built.Telephony);
        var events = new RecordingChannelEventSink();
        await using var host = PluginHost.Start(folder, Settings(), events: events);
        var form = Completed("CA200", status, answeredBy);

        Assert.Equal(204, (await PostStatusAsync(host, form, Sign(Token, PublicBase + "/hooks/telephony/status", form))).Status);

        if (outcome is null) Assert.Empty(events.Received);
        else Assert.Equal(outcome, Assert.Single(events.Received).Event.Outcome);
    }

    [Fact]
    public async Task A_call_is_placed_once_per_message_through_the_api_and_its_status_names_the_message()
    {
        var calls = 0;
        await using var api = await FakeApi.StartAsync(app =>
            app.MapPost("/2010-04-01/Accounts/{account}/Calls.json", (string account) =>
            {
                var n = Interlocked.Increment(ref calls);
                return Results.Json(new { sid = $"CA9000{n}", account_sid = account, status = "queued" }, statusCode: 201);
            }));
        using var folder = new PluginFolder().With(Built.Telephony);
        var events = new RecordingChannelEventSink();
        await using var host = PluginHost.Start(folder, Settings(api.Address.AbsoluteUri), events: events);
        var channels = host.Services.GetRequiredService<PluginChannels>();

        var message = new OutboundMessage { MessageId = "step-1", Recipient = "+33612345678", Body = "Ask about the heat pump quote." };
        var first = await channels.SendAsync("call", message, CancellationToken.None);
        var again = await channels.SendAsync("call", message, CancellationToken.None);

        Assert.Equal(ChannelSendOutcome.Sent, first.Outcome);
        Assert.Equal("CA90001", first.ProviderMessageId);
        Assert.Equal(first, again);
        var request = Assert.Single(api.Requests);
        Assert.Equal("/2010-04-01/Accounts/AC0123456789/Calls.json", request.PathAndQuery);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC0123456789:" + Token)), request.Headers.Authorization.ToString());
        var sent = System.Web.HttpUtility.ParseQueryString(request.Body);
        Assert.Equal("+33600000001", sent["To"]);
        Assert.Equal("+33180000000", sent["From"]);
        Assert.Contains(">+33612345678</Dial>", sent["Twiml"]);
        Assert.Equal(PublicBase + "/hooks/telephony/status", sent["StatusCallback"]);
        Assert.Equal("initiated,ringing,answered,completed", sent["StatusCallbackEvent"]);

        var form = Completed("CA90001", "no-answer", null);
        await PostStatusAsync(host, form, Sign(Token, PublicBase + "/hooks/telephony/status", form));
        var reported = Assert.Single(events.Received).Event;
        Assert.Equal("step-1", reported.MessageId);
        Assert.Equal("+33612345678", reported.Address);
        Assert.Equal("no-answer", reported.Outcome);
    }

    [Fact]
    public async Task A_refused_call_is_a_permanent_failure_and_an_unreachable_api_a_transient_one()
    {
        await using var api = await FakeApi.StartAsync(app =>
            app.MapPost("/2010-04-01/Accounts/{account}/Calls.json", () =>
                Results.Json(new { code = 21211, message = "The 'To' number is not a valid phone number.", status = 400 }, statusCode: 400)));
        using var folder = new PluginFolder().With(Built.Telephony);
        await using (var host = PluginHost.Start(folder, Settings(api.Address.AbsoluteUri), events: new RecordingChannelEventSink()))
        {
            var refused = await host.Services.GetRequiredService<PluginChannels>().SendAsync(
                "call", new OutboundMessage { MessageId = "step-2", Recipient = "+33612345678" }, CancellationToken.None);
            Assert.Equal(ChannelSendOutcome.PermanentFailure, refused.Outcome);
            Assert.Contains("not a valid phone number", refused.Error);

            var invalid = await host.Services.GetRequiredService<PluginChannels>().SendAsync(
                "call", new OutboundMessage { MessageId = "step-3", Recipient = "06 12 34 56 78" }, CancellationToken.None);
            Assert.Equal(ChannelSendOutcome.PermanentFailure, invalid.Outcome);
            Assert.Single(api.Requests); // the invalid number never reached the API
        }

        using var other = new PluginFolder().With(Built.Telephony);
        await using var unreachable = PluginHost.Start(other, Settings("http://127.0.0.1:9"), events: new RecordingChannelEventSink());
        var result = await unreachable.Services.GetRequiredService<PluginChannels>().SendAsync(
            "call", new OutboundMessage { MessageId = "step-4", Recipient = "+33612345678" }, CancellationToken.None);
        Assert.Equal(ChannelSendOutcome.TransientFailure, result.Outcome);
    }
}
