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
        foreach (var (id, key) in new[] { ("email", "Mailboxes is required"), ("telephony", "AuthToken is required") })
        {
            Assert.Equal("Unconfigured", plugins[id]!["status"]!.GetValue<string>());
            Assert.Contains(key, plugins[id]!["reason"]!.GetValue<string>());
        }
        // LinkedIn imports Connections.csv without any secret: active, its health naming what Lead Gen Forms lack.
        var linkedin = plugins["linkedin"]!;
        Assert.Equal("Active", linkedin["status"]!.GetValue<string>());
        Assert.False(linkedin["health"]!["healthy"]!.GetValue<bool>());
        Assert.Contains("ClientSecret is required", linkedin["health"]!["detail"]!.GetValue<string>());
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

    /// <summary>A real export: the "Notes:" preamble, accents, a company with a comma in quotes, most e-mails empty,
    /// a profile URL with a query and trailing slash, and one row that cannot be identified.</summary>
    private static string ConnectionsCsv(string tag) => $$"""
        Notes:
        "When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"

        First Name,Last Name,URL,Email Address,Company,Position,Connected On
        Hélène,Lefèvre-Çelik,https://www.linkedin.com/in/helene-lefevre-{{tag}},,"Énergies Solaires, SAS","Directrice achats, Île-de-France",07 Dec 2025
        Zoë,Ñúñez,https://fr.linkedin.com/in/Zoe-Nunez-{{tag}}/?originalSubdomain=fr,zoe.nunez.{{tag}}@exemple-solaire.fr,Thermo SARL,Responsable technique,15 Jan 2024
        Jean,Sans-Profil,,,Acme,CEO,01 Feb 2023

        """.Replace("\n", "\r\n", StringComparison.Ordinal);

    [SkippableFact]
    public async Task A_connections_export_becomes_social_leads_identified_by_profile_and_a_re_upload_creates_nothing_new()
    {
        // The shared host has no LinkedIn app secrets: the upload does not need them.
        var (_, host, _) = await hosts.GetAsync(Provider.Sqlite);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var file = Encoding.UTF8.GetBytes(ConnectionsCsv(tag));

        using (var anonymous = await host.Anonymous.PostAsync("/api/plugins/linkedin/connections", Upload(file)))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var first = await PostConnectionsAsync(host, file);
        var again = await PostConnectionsAsync(host, file);

        Assert.Equal((2, 0, 1), (first["created"]!.GetValue<int>(), first["merged"]!.GetValue<int>(), first["rejected"]!.GetValue<int>()));
        Assert.Equal((0, 2, 1), (again["created"]!.GetValue<int>(), again["merged"]!.GetValue<int>(), again["rejected"]!.GetValue<int>()));
        var results = first["results"]!.AsArray();
        Assert.Equal(7, results[2]!["line"]!.GetValue<int>()); // the line in the file, preamble counted
        Assert.Equal(results.Take(2).Select(r => r!["leadId"]!.GetValue<string>()), again["results"]!.AsArray().Take(2).Select(r => r!["leadId"]!.GetValue<string>()));

        var helene = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{results[0]!["leadId"]!.GetValue<string>()}");
        Assert.Equal("Hélène", helene["firstName"]!.GetValue<string>());
        Assert.Equal("Énergies Solaires, SAS", helene["company"]!.GetValue<string>());
        Assert.Equal("Directrice achats, Île-de-France", helene["jobTitle"]!.GetValue<string>());
        Assert.Equal($"https://www.linkedin.com/in/helene-lefevre-{tag}", helene["linkedInUrl"]!.GetValue<string>());
        Assert.Null(helene["email"]);
        var source = Assert.Single(helene["sources"]!.AsArray())!;
        Assert.Equal("social", source["channel"]!.GetValue<string>());
        Assert.StartsWith("linkedin: ", source["detail"]!.GetValue<string>());
        Assert.Contains("collected indirectly", source["detail"]!.GetValue<string>());

        var zoe = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{results[1]!["leadId"]!.GetValue<string>()}");
        Assert.Equal($"https://www.linkedin.com/in/zoe-nunez-{tag}", zoe["linkedInUrl"]!.GetValue<string>());
        Assert.Equal($"zoe.nunez.{tag}@exemple-solaire.fr", zoe["email"]!.GetValue<string>());

        using var notCsv = await host.Http.PostAsync("/api/plugins/linkedin/connections", Upload(Encoding.UTF8.GetBytes("hello,world\r\n")));
        var problem = await notCsv.Content.ReadAsStringAsync();
        Assert.True(notCsv.StatusCode == HttpStatusCode.BadRequest, problem);
        Assert.Contains("\"file\"", problem);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_lead_retrieval_export_becomes_event_leads_checked_first_and_a_re_sent_file_creates_nothing_new(Provider provider)
    {
        var (_, host, content) = await hosts.GetAsync(provider);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var path = $"/api/plugins/badges/exports?eventCampaignId={content.CampaignId}";
        var csv = $"""
            First Name,Last Name,Email,Company,Job Title,Scanned At,Notes,Rating
            Amélie,Poulain-Ségur,amelie.{tag}@salon-energie.fr,"Chauffage Ségur, Fils & Cie",Gérante,2026-03-01T10:15:00+01:00,"Wants a quote, call after 14h",4
            Noël,Dubœuf,,Bois & Poêles,Commercial,2026-03-01 11:00,,
            Seán,"O'Brien",sean.{tag}@example.ie,Éire Heat,CTO,2026-03-01T12:30:00Z,"Line one
            line two",5

            """.Replace("\n", "\r\n", StringComparison.Ordinal);
        var file = Encoding.UTF8.GetBytes(csv);

        using (var bad = await host.Http.PostAsync(path, Upload(Encoding.UTF8.GetBytes(csv.Replace(",5\r\n", ",9\r\n", StringComparison.Ordinal)))))
        {
            var problem = await bad.Content.ReadAsStringAsync();
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, problem);
            Assert.Contains("line 4: rating", problem);
        }
        Assert.Empty(await TandemApi.LeadsByEmailAsync(host.Http, $"amelie.{tag}@salon-energie.fr")); // nothing stored
        using (var noCampaign = await host.Http.PostAsync("/api/plugins/badges/exports", Upload(file)))
            Assert.Contains("eventCampaignId", await noCampaign.Content.ReadAsStringAsync());

        var first = await PostFileAsync(host, path, file);
        var again = await PostFileAsync(host, path, file);

        Assert.True((2, 0, 1) == (first["created"]!.GetValue<int>(), first["merged"]!.GetValue<int>(), first["rejected"]!.GetValue<int>()), first.ToJsonString());
        Assert.Equal((0, 2, 1), (again["created"]!.GetValue<int>(), again["merged"]!.GetValue<int>(), again["rejected"]!.GetValue<int>()));
        var results = first["results"]!.AsArray();
        Assert.Equal(3, results[1]!["line"]!.GetValue<int>());
        Assert.Equal("rejected", results[1]!["outcome"]!.GetValue<string>());
        var amelie = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{results[0]!["leadId"]!.GetValue<string>()}");
        Assert.Equal("Amélie", amelie["firstName"]!.GetValue<string>());
        Assert.Equal("Chauffage Ségur, Fils & Cie", amelie["company"]!.GetValue<string>());
        Assert.Equal("Gérante", amelie["jobTitle"]!.GetValue<string>());
        var source = Assert.Single(amelie["sources"]!.AsArray())!;
        Assert.Equal("event", source["channel"]!.GetValue<string>());
        Assert.Equal(content.CampaignId, source["campaignId"]!.GetValue<string>());
        var detail = source["detail"]!.GetValue<string>();
        Assert.Contains("rating 4/5", detail);
        Assert.Contains("Wants a quote, call after 14h", detail);
        Assert.Contains("collected indirectly", detail);
        Assert.Contains("scanned 2026-03-01T09:15:00Z", detail); // the scan time, in UTC
        var sean = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{results[2]!["leadId"]!.GetValue<string>()}");
        Assert.Equal("O'Brien", sean["lastName"]!.GetValue<string>());
        Assert.Contains("notes: Line one line two", Assert.Single(sean["sources"]!.AsArray())!["detail"]!.GetValue<string>()); // kept, on one line
        Assert.Single(await TandemApi.LeadsByEmailAsync(host.Http, $"sean.{tag}@example.ie"));
    }

    private static async Task<JsonNode> PostFileAsync(HostProcess host, string path, byte[] file)
    {
        using var response = await host.Http.PostAsync(path, Upload(file));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static MultipartFormDataContent Upload(byte[] file)
    {
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { part, "file", "Connections.csv" } };
    }

    private static async Task<JsonNode> PostConnectionsAsync(HostProcess host, byte[] file)
    {
        using var response = await host.Http.PostAsync("/api/plugins/linkedin/connections", Upload(file));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /api/plugins/linkedin/connections answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
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
