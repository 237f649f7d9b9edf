using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Conformance;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>The conformance kit run against the bundled email plugin and a real SMTP server on 127.0.0.1.</summary>
public sealed class EmailConformance : PluginConformanceTests, IAsyncLifetime
{
    private SmtpSink? _smtp;

    protected override string PluginFolder => Built.Folder(Built.Email);

    protected override IReadOnlyDictionary<string, string?> ValidSettings => Mailbox(_smtp!.Port);

    protected override IEnumerable<string> RequiredSettings => ["Mailboxes"];

    protected override OutboundMessage SampleMessage => new()
    {
        MessageId = "sample", Recipient = "prospect@client.test", Subject = "Votre devis", Body = "Bonjour,",
    };

    protected override Task<int> ProviderSendCountAsync() => Task.FromResult(_smtp!.Messages.Count);

    protected override IReadOnlyDictionary<string, string?> UnreachableSettings => Mailbox(9);

    private static Dictionary<string, string?> Mailbox(int port) => new()
    {
        ["Mailboxes:jeanne:Address"] = "jeanne.martin@tandem-demo.fr",
        ["Mailboxes:jeanne:Host"] = "127.0.0.1",
        ["Mailboxes:jeanne:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Mailboxes:jeanne:Security"] = "None",
    };

    public async Task InitializeAsync() => _smtp = await SmtpSink.StartAsync();

    public async Task DisposeAsync() => await _smtp!.DisposeAsync();
}

/// <summary>The conformance kit run against the bundled telephony plugin and a fake Twilio-compatible API.</summary>
public sealed class TelephonyConformance : PluginConformanceTests, IAsyncLifetime
{
    private const string Token = "conformance-token";
    private FakeApi? _api;

    protected override string PluginFolder => Built.Folder(Built.Telephony);

    protected override Uri PublicBaseUrl => new("https://crm.example.com");

    protected override IReadOnlyDictionary<string, string?> ValidSettings => Account(_api!.Address.AbsoluteUri);

    protected override IEnumerable<string> RequiredSettings => ["AccountSid", "AuthToken", "FromNumber"];

    protected override OutboundMessage SampleMessage => new() { MessageId = "sample", Recipient = "+33612345678", Body = "Parler du devis." };

    protected override Task<int> ProviderSendCountAsync() => Task.FromResult(_api!.Requests.Count(r => r.PathAndQuery.EndsWith("/Calls.json", StringComparison.Ordinal)));

    protected override IReadOnlyDictionary<string, string?> UnreachableSettings => Account("http://127.0.0.1:9");

    protected override WebhookRequest? SignedRequest(string webhook)
    {
        var url = "https://crm.example.com/hooks/telephony/" + webhook;
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA4242", ["AccountSid"] = "AC0123456789", ["From"] = "+33180000000", ["To"] = "+33612345678",
            ["CallStatus"] = "completed", ["AnsweredBy"] = "human", ["CallDuration"] = "30",
        };
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data)));
        return new WebhookRequest
        {
            Method = "POST", PublicUrl = new Uri(url),
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["X-Twilio-Signature"] = signature, ["Content-Type"] = "application/x-www-form-urlencoded",
            },
            Body = Encoding.UTF8.GetBytes(string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)))),
            Form = form,
        };
    }

    private static Dictionary<string, string?> Account(string api) => new()
    {
        ["AccountSid"] = "AC0123456789", ["AuthToken"] = Token, ["FromNumber"] = "+33180000000", ["AgentNumber"] = "+33600000001", ["ApiBaseUrl"] = api,
    };

    public async Task InitializeAsync()
    {
        var calls = 0;
        _api = await FakeApi.StartAsync(app => app.MapPost("/2010-04-01/Accounts/{account}/Calls.json", (string account) =>
            Results.Json(new { sid = $"CA7000{Interlocked.Increment(ref calls)}", account_sid = account, status = "queued" }, statusCode: 201)));
    }

    public async Task DisposeAsync() => await _api!.DisposeAsync();
}

/// <summary>The conformance kit run against the bundled LinkedIn plugin and a fake Lead Sync API.</summary>
public sealed class LinkedInConformance : PluginConformanceTests, IAsyncLifetime
{
    private FakeApi? _api;

    protected override string PluginFolder => Built.Folder(Built.LinkedIn);

    protected override IReadOnlyDictionary<string, string?> ValidSettings => new Dictionary<string, string?>
    {
        ["ClientSecret"] = LinkedInPluginTests.Secret, ["AccessToken"] = "li-access-token", ["ApiBaseUrl"] = _api!.Address.AbsoluteUri,
    };

    // No required setting: without the Lead Gen secrets the plugin stays active for the Connections.csv import.

    protected override WebhookRequest? SignedRequest(string webhook)
    {
        var body = LinkedInPluginTests.Push("conf-1");
        return new WebhookRequest
        {
            Method = "POST", PublicUrl = new Uri("https://crm.example.com/hooks/linkedin/" + webhook),
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["X-LI-Signature"] = LinkedInPluginTests.Hex(LinkedInPluginTests.Secret, "hmacsha256=" + body), ["Content-Type"] = "application/json",
            },
            Body = Encoding.UTF8.GetBytes(body),
        };
    }

    public async Task InitializeAsync() =>
        _api = await LinkedInPluginTests.StartApiAsync([LinkedInPluginTests.Response("conf-1", 1_773_000_000_000, "kevin.durand@thermo.test")]);

    public async Task DisposeAsync() => await _api!.DisposeAsync();
}

/// <summary>The conformance kit run against the bundled badges plugin (no channel, no webhook: those checks are skipped).</summary>
public sealed class BadgesConformance : PluginConformanceTests
{
    protected override string PluginFolder => Built.Folder(Built.Badges);

    protected override IReadOnlyDictionary<string, string?> ValidSettings => new Dictionary<string, string?>();
}

/// <summary>
/// The kit fails a plugin that breaks the contract: the deliberately broken sample (tests/Samples/BrokenPlugin) fails
/// every rule, each with the failure that names its fault, while it still loads (the kit does not reject everything).
/// </summary>
public sealed class ConformanceKitTests : IAsyncLifetime
{
    private FakeApi? _api;

    public async Task InitializeAsync() => _api = await FakeApi.StartAsync(app => app.MapPost("/send", () => Results.Ok()));

    public async Task DisposeAsync() => await _api!.DisposeAsync();

    private sealed class BrokenConformance(FakeApi api) : PluginConformance
    {
        protected override string PluginFolder => Built.Folder(Built.Broken);

        protected override IReadOnlyDictionary<string, string?> ValidSettings => new Dictionary<string, string?> { ["Endpoint"] = api.Address + "send" };

        protected override IEnumerable<string> RequiredSettings => ["Endpoint"];

        protected override OutboundMessage SampleMessage => new() { MessageId = "sample", Recipient = "someone@client.test" };

        protected override Task<int> ProviderSendCountAsync() => Task.FromResult(api.Requests.Count);

        protected override IReadOnlyDictionary<string, string?> UnreachableSettings => new Dictionary<string, string?> { ["Endpoint"] = "http://127.0.0.1:9/send" };

        protected override WebhookRequest SignedRequest(string webhook) => new()
        {
            Method = "POST", PublicUrl = new Uri("https://crm.example.com/hooks/broken/" + webhook),
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Broken-Signature"] = "sha256=00" },
            Body = """{"reply":"someone@client.test"}"""u8.ToArray(),
        };
    }

    [Fact]
    public async Task The_broken_sample_fails_every_rule_with_the_fault_named()
    {
        var kit = new BrokenConformance(_api!);

        Assert.Null(await kit.CheckLoadsAsync());
        var manifest = await Assert.ThrowsAsync<ConformanceException>(kit.CheckManifestAsync);
        Assert.Contains("version '1.0' is not a semantic version", manifest.Message);
        var settings = await Assert.ThrowsAsync<ConformanceException>(kit.CheckSettingsValidationAsync);
        Assert.Contains("without settings the plugin crashed instead of reporting what is missing", settings.Message);
        Assert.Contains("Endpoint is not set", settings.Message);
        var idempotency = await Assert.ThrowsAsync<ConformanceException>(kit.CheckIdempotencyAsync);
        Assert.Contains("channel broken answered the same MessageId twice differently", idempotency.Message);
        var webhook = await Assert.ThrowsAsync<ConformanceException>(kit.CheckWebhookSignaturesAsync);
        Assert.Contains("Webhook events: a request tampered with was answered 200", webhook.Message);
        var failure = await Assert.ThrowsAsync<ConformanceException>(kit.CheckFailureBehaviourAsync);
        Assert.Contains("channel broken threw HttpRequestException", failure.Message);
    }

    [Fact]
    public async Task A_plugin_with_a_channel_must_say_how_to_test_it()
    {
        var kit = new Undescribed(_api!);

        var idempotency = await Assert.ThrowsAsync<ConformanceException>(kit.CheckIdempotencyAsync);
        Assert.Contains("override SampleMessage", idempotency.Message);
        var webhook = await Assert.ThrowsAsync<ConformanceException>(kit.CheckWebhookSignaturesAsync);
        Assert.Contains("override SignedRequest", webhook.Message);
    }

    private sealed class Undescribed(FakeApi api) : PluginConformance
    {
        protected override string PluginFolder => Built.Folder(Built.Broken);

        protected override IReadOnlyDictionary<string, string?> ValidSettings => new Dictionary<string, string?> { ["Endpoint"] = api.Address + "send" };
    }
}
