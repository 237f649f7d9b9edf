using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// The bundled plugins in the real host process: listed with their status, the badges endpoint behind the API key and
/// its re-sent batches deduplicated through the platform database's plugin state, and the telephony status webhook
/// checked against Tandem:PublicBaseUrl before its event reaches Outreach.
/// </summary>
public sealed class BundledPluginTests(SharedHosts hosts, ITestOutputHelper output) : IClassFixture<SharedHosts>
{
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_fresh_host_lists_the_bundled_plugins_active_or_naming_the_settings_they_miss(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);

        var plugins = (await TandemApi.GetJsonAsync(host.Http, "/api/plugins")).AsArray().ToDictionary(p => p!["id"]!.GetValue<string>());

        Assert.Equal("Active", plugins["badges"]!["status"]!.GetValue<string>());
        Assert.Contains("endpoint:scans", plugins["badges"]!["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        foreach (var (id, key) in new[] { ("email", "Mailboxes is required"), ("telephony", "AuthToken is required"), ("linkedin", "ClientSecret is required") })
        {
            Assert.Equal("Unconfigured", plugins[id]!["status"]!.GetValue<string>());
            Assert.Contains(key, plugins[id]!["reason"]!.GetValue<string>());
        }
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_badge_batch_needs_an_api_key_creates_event_leads_and_a_re_sent_batch_creates_nothing_new(Provider provider)
    {
        var (_, host, content) = await hosts.GetAsync(provider);
        var email = $"badge.{Guid.NewGuid().ToString("N")[..10]}@salon-energie.fr";
        var batch = new
        {
            eventCampaignId = content.CampaignId,
            device = "booth-1",
            scans = new[] { new { payload = $"MECARD:N:Lefebvre,Anne;EMAIL:{email};ORG:Solaire\\; Fils;;", scannedAt = "2026-03-01T10:00:00Z", rating = 5 } },
        };

        using (var anonymous = await host.Anonymous.PostAsJsonAsync("/api/plugins/badges/scans", batch))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var first = await PostBatchAsync(host, batch);
        var again = await PostBatchAsync(host, batch);

        Assert.Equal("created", first["outcome"]!.GetValue<string>());
        Assert.Equal("merged", again["outcome"]!.GetValue<string>());
        var leadId = first["leadId"]!.GetValue<string>();
        Assert.Equal(leadId, again["leadId"]!.GetValue<string>());
        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}");
        Assert.Equal("Anne", lead["firstName"]!.GetValue<string>());
        Assert.Equal("Solaire; Fils", lead["company"]!.GetValue<string>());
        var source = Assert.Single(lead["sources"]!.AsArray());
        Assert.Equal("event", source!["channel"]!.GetValue<string>());
        Assert.Equal(content.CampaignId, source["campaignId"]!.GetValue<string>());
        Assert.Contains("collected indirectly", source["detail"]!.GetValue<string>());
        var list = await TandemApi.GetJsonAsync(host.Http, $"/api/leads?email={Uri.EscapeDataString(email)}");
        Assert.Equal(1, list["total"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task A_signed_twilio_callback_is_accepted_and_a_forged_one_gets_401()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        await using var host = await HostProcess.StartAsync(store, output,
            "--Tandem:PublicBaseUrl=https://crm.example.com",
            "--Tandem:Plugins:telephony:AccountSid=AC0123456789",
            "--Tandem:Plugins:telephony:AuthToken=host-test-token",
            "--Tandem:Plugins:telephony:FromNumber=+33180000000");
        var plugins = (await TandemApi.GetJsonAsync(host.Http, "/api/plugins")).AsArray();
        Assert.Equal("Active", plugins.Single(p => p!["id"]!.GetValue<string>() == "telephony")!["status"]!.GetValue<string>());

        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA77", ["AccountSid"] = "AC0123456789", ["From"] = "+33180000000", ["To"] = "+33612345678",
            ["CallStatus"] = "completed", ["AnsweredBy"] = "human", ["CallDuration"] = "61",
        };
        var data = "https://crm.example.com/hooks/telephony/status" + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes("host-test-token"), Encoding.UTF8.GetBytes(data)));

        Assert.Equal(HttpStatusCode.Unauthorized, await PostStatusAsync(host, form, "forged" + signature));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostStatusAsync(host, form, null));
        Assert.Equal(HttpStatusCode.NoContent, await PostStatusAsync(host, form, signature));
    }

    private static async Task<HttpStatusCode> PostStatusAsync(HostProcess host, Dictionary<string, string> form, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/telephony/status") { Content = new FormUrlEncodedContent(form) };
        if (signature is not null) request.Headers.Add("X-Twilio-Signature", signature);
        using var response = await host.Anonymous.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonNode> PostBatchAsync(HostProcess host, object batch)
    {
        using var response = await host.Http.PostAsJsonAsync("/api/plugins/badges/scans", batch);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /api/plugins/badges/scans answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["results"]![0]!;
    }
}
