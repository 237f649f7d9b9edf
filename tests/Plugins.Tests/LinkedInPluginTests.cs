using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>The bundled LinkedIn plugin, loaded from its real build, against a fake Lead Sync API on 127.0.0.1 that
/// speaks the documented JSON.</summary>
public sealed class LinkedInPluginTests
{
    internal const string Secret = "li-client-secret";

    private static Dictionary<string, string?> Settings(Uri api, string? account = null) => new()
    {
        ["Tandem:Plugins:linkedin:ClientSecret"] = Secret,
        ["Tandem:Plugins:linkedin:AccessToken"] = "li-access-token",
        ["Tandem:Plugins:linkedin:ApiBaseUrl"] = api.AbsoluteUri,
        ["Tandem:Plugins:linkedin:SponsoredAccount"] = account,
    };

    /// <summary>A form response in the documented shape; the answers come in the order given.</summary>
    internal static string Response(string id, long submittedAt, string email, string first = "Kevin", bool reversed = false)
    {
        string[] answers =
        [
            $$$"""{"answerDetails":{"textQuestionAnswer":{"answer":"{{{first}}}"}},"questionId":107234246}""",
            """{"answerDetails":{"textQuestionAnswer":{"answer":"Durand"}},"questionId":207234246}""",
            $$$"""{"answerDetails":{"textQuestionAnswer":{"answer":"{{{email}}}"}},"questionId":307234246}""",
            """{"answerDetails":{"textQuestionAnswer":{"answer":"Thermo SARL"}},"questionId":407234246}""",
            """{"answerDetails":{"textQuestionAnswer":{"answer":"Responsable achats"}},"questionId":507234246}""",
            """{"answerDetails":{"multipleChoiceAnswer":{"options":[0]}},"questionId":707234246}""",
        ];
        if (reversed) Array.Reverse(answers);
        return $$$"""
            {"owner":{"sponsoredAccount":"urn:li:sponsoredAccount:1234567"},"submitter":"urn:li:person:BcLKblgopR",
             "leadType":"SPONSORED","leadMetadata":{"sponsoredLeadMetadata":{"campaign":"urn:li:sponsoredCampaign:198356826"}},
             "versionedLeadGenFormUrn":"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:7234246,1)",
             "id":"{{{id}}}","submittedAt":{{{submittedAt}}},"testLead":true,
             "associatedEntity":{"associatedCreative":"urn:li:sponsoredCreative:241257736"},
             "formResponse":{"consentResponses":[{"accepted":true,"consentId":0}],"answers":[{{{string.Join(",", answers)}}}]}}
            """;
    }

    /// <summary>The form: labels are localized and deliberately misleading; only predefinedField counts.</summary>
    private const string Form = """
        {"id":7234246,"name":"Devis pompe à chaleur","content":{
          "questions":[
            {"questionId":107234246,"name":"q1","question":{"localized":{"fr_FR":"Nom"}},"predefinedField":"FIRST_NAME"},
            {"questionId":207234246,"name":"q2","question":{"localized":{"fr_FR":"Prénom"}},"predefinedField":"LAST_NAME"},
            {"questionId":307234246,"name":"q3","question":{"localized":{"fr_FR":"Téléphone"}},"predefinedField":"WORK_EMAIL"},
            {"questionId":407234246,"name":"q4","question":{"localized":{"fr_FR":"Société"}},"predefinedField":"COMPANY_NAME"},
            {"questionId":507234246,"name":"q5","question":{"localized":{"fr_FR":"Fonction"}},"predefinedField":"JOB_TITLE"},
            {"questionId":707234246,"name":"q7","question":{"localized":{"fr_FR":"Budget"}}}],
          "legalInfo":{"legalInfoId":1,"consents":[{"id":0,"checkRequired":false,"consent":{"localized":{"fr_FR":"J'accepte d'être recontacté."}}}]}},
         "hiddenFields":[{"name":"utm_source","value":"linkedin"}]}
        """;

    internal static Task<FakeApi> StartApiAsync(IReadOnlyList<string> responses) => FakeApi.StartAsync(app =>
    {
        app.MapGet("/rest/leadForms/{id}", (string id) => id == "7234246" ? Results.Text(Form, "application/json") : Results.NotFound());
        app.MapGet("/rest/leadFormResponses/{id}", (string id) =>
            responses.FirstOrDefault(r => r.Contains($"\"id\":\"{id}\"", StringComparison.Ordinal)) is { } found
                ? Results.Text(found, "application/json") : Results.NotFound());
        app.MapGet("/rest/leadFormResponses", (HttpRequest request) =>
        {
            var start = int.Parse(request.Query["start"]!, System.Globalization.CultureInfo.InvariantCulture);
            var count = int.Parse(request.Query["count"]!, System.Globalization.CultureInfo.InvariantCulture);
            var page = responses.Skip(start).Take(count);
            return Results.Text($$$"""{"elements":[{{{string.Join(",", page)}}}],"paging":{"start":{{{start}}},"count":{{{count}}},"total":{{{responses.Count}}} }}""", "application/json");
        });
    });

    internal static string Hex(string key, string data) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data)));

    internal static string Push(string responseId, string action = "CREATED") => $$"""
        {"type":"LEAD_ACTION","leadGenFormResponse":"urn:li:leadGenFormResponse:{{responseId}}","leadGenForm":"urn:li:leadGenForm:7234246",
         "owner":{"sponsoredAccount":"urn:li:sponsoredAccount:1234567"},"leadType":"SPONSORED","leadAction":"{{action}}"}
        """;

    private static Task<WebhookCalls.Answer> PostAsync(PluginHost host, string body, string? signature) =>
        WebhookCalls.Start(host, "linkedin", "leads", body, "application/json",
            signature is null ? null : new Dictionary<string, string> { ["X-LI-Signature"] = signature }).CompleteAsync();

    [Fact]
    public async Task Without_the_lead_gen_secrets_the_plugin_is_active_imports_connections_and_its_health_and_hook_name_them()
    {
        using var folder = new PluginFolder().With(Built.LinkedIn);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, leadSink: leads);

        var plugin = host.Plugin("linkedin");
        Assert.Equal(PluginStatus.Active, plugin.Status);
        // The Connections.csv upload needs no LinkedIn app.
        var csv = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\nAna,Roux,https://www.linkedin.com/in/ana-roux,,Acme,CEO,07 Dec 2025\n";
        var answer = await WebhookCalls.Start(host, "linkedin", "connections", csv, "text/csv", endpoint: true).CompleteAsync();
        Assert.Equal(200, answer.Status);
        Assert.Equal(1, answer.Json.GetProperty("created").GetInt32() + answer.Json.GetProperty("merged").GetInt32());
        Assert.Equal("https://www.linkedin.com/in/ana-roux", Assert.Single(leads.Received).Lead.LinkedInUrl);
        // Lead Gen Forms say why they are off: the health check and the hook (503, never a signature 401), and nothing is fetched.
        PluginHealth health;
        await using (var scope = plugin.CreateScope())
            health = await Assert.Single(scope.ServiceProvider.GetServices<IPluginHealthCheck>()).CheckAsync(CancellationToken.None);
        Assert.False(health.Healthy);
        Assert.Contains("ClientSecret is required", health.Detail);
        Assert.Contains("AccessToken is required", health.Detail);
        var push = await PostAsync(host, Push("no-secret"), "hmacsha256=00");
        Assert.Equal(503, push.Status);
        Assert.Contains("ClientSecret is required", push.Json.GetProperty("detail").GetString());
        Assert.Single(leads.Received);
    }

    [Fact]
    public async Task The_url_validation_challenge_is_answered_with_the_hmac_of_the_code()
    {
        await using var api = await StartApiAsync([]);
        using var folder = new PluginFolder().With(Built.LinkedIn);
        await using var host = PluginHost.Start(folder, Settings(api.Address), leadSink: new RecordingLeadSink());

        var answer = await WebhookCalls.Start(host, "linkedin", "leads", method: "GET", query: "?challengeCode=890e4b2c-7d2b-4f0e-9c6e-1f2d3c4b5a69").CompleteAsync();

        Assert.Equal(200, answer.Status);
        Assert.Equal("890e4b2c-7d2b-4f0e-9c6e-1f2d3c4b5a69", answer.Json.GetProperty("challengeCode").GetString());
        Assert.Equal(Hex(Secret, "890e4b2c-7d2b-4f0e-9c6e-1f2d3c4b5a69"), answer.Json.GetProperty("challengeResponse").GetString());
        Assert.Equal(400, (await WebhookCalls.Start(host, "linkedin", "leads", method: "GET").CompleteAsync()).Status);
    }

    [Fact]
    public async Task A_lead_pushed_twice_is_created_once_and_mapped_by_predefined_field()
    {
        var responseId = "249592fc-d272-44ba-a7db-c2bdce579507-6";
        await using var api = await StartApiAsync([Response(responseId, 1689894599288, "kevin.durand@thermo.fr", reversed: true)]);
        using var folder = new PluginFolder().With(Built.LinkedIn);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, Settings(api.Address), leadSink: leads);
        var body = Push(responseId);

        Assert.Equal(200, (await PostAsync(host, body, Hex(Secret, "hmacsha256=" + body))).Status);
        Assert.Equal(200, (await PostAsync(host, body, "hmacsha256=" + Hex(Secret, "hmacsha256=" + body))).Status);

        var (lead, pluginId) = Assert.Single(leads.Received);
        Assert.Equal("linkedin", pluginId);
        Assert.Equal(responseId, lead.ExternalId);
        Assert.Equal("kevin.durand@thermo.fr", lead.Email);
        Assert.Equal("Kevin", lead.FirstName);
        Assert.Equal("Durand", lead.LastName);
        Assert.Equal("Thermo SARL", lead.Company);
        Assert.Equal("Responsable achats", lead.JobTitle);
        Assert.Null(lead.Phone); // the question labelled "Téléphone" is the work e-mail
        Assert.Equal("professional", lead.Kind);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1689894599288), lead.OccurredAt);
        var consent = Assert.Single(lead.Consents);
        Assert.True(consent.Granted);
        Assert.Equal("J'accepte d'être recontacté.", consent.Text);
        Assert.Contains("urn:li:sponsoredCampaign:198356826", lead.SourceDetail);
        Assert.Single(api.Requests, r => r.PathAndQuery.StartsWith("/rest/leadFormResponses/", StringComparison.Ordinal));
        var fetch = api.Requests.First();
        Assert.Equal("Bearer li-access-token", fetch.Headers.Authorization.ToString());
        Assert.Equal("2.0.0", fetch.Headers["X-Restli-Protocol-Version"].ToString());
    }

    [Fact]
    public async Task An_unsigned_or_forged_push_gets_401_and_nothing_is_fetched_or_created()
    {
        await using var api = await StartApiAsync([Response("r-1", 1689894599288, "a@b.fr")]);
        using var folder = new PluginFolder().With(Built.LinkedIn);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, Settings(api.Address), leadSink: leads);
        var body = Push("r-1");

        Assert.Equal(401, (await PostAsync(host, body, null)).Status);
        Assert.Equal(401, (await PostAsync(host, body, Hex("another-secret", "hmacsha256=" + body))).Status);
        Assert.Equal(401, (await PostAsync(host, body, Hex(Secret, body))).Status); // without the "hmacsha256=" prefix in the signed text
        Assert.Equal(401, (await PostAsync(host, body.Replace("r-1", "r-2", StringComparison.Ordinal), Hex(Secret, "hmacsha256=" + body))).Status);

        Assert.Empty(leads.Received);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task Backfill_then_polling_takes_every_response_once_and_keeps_the_cursor_in_plugin_state()
    {
        var submitted = TestSettings.Start.AddDays(-30).ToUnixTimeMilliseconds();
        var responses = Enumerable.Range(1, 12).Select(i => Response($"poll-{i}", submitted + i, $"lead{i}@example.fr", $"Lead{i}")).ToList();
        await using var api = await StartApiAsync(responses);
        using var folder = new PluginFolder().With(Built.LinkedIn);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, Settings(api.Address, "1234567"), leadSink: leads);
        var poller = host.Services.GetRequiredService<PluginPoller>();
        var plugin = host.Plugin("linkedin");
        Assert.Equal(TimeSpan.FromMinutes(15), plugin.Polling["lead-forms"]);

        Assert.Equal(12, await poller.PollAsync(plugin, "lead-forms", CancellationToken.None));
        Assert.Equal(12, leads.Received.Select(l => l.Lead.ExternalId).Distinct().Count());
        var pages = api.Requests.Where(r => r.PathAndQuery.StartsWith("/rest/leadFormResponses?", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, pages.Count);
        var backfillStart = TestSettings.Start.AddDays(-365).ToUnixTimeMilliseconds();
        var end = TestSettings.Start.ToUnixTimeMilliseconds();
        Assert.Contains($"owner=(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A1234567)&leadType=(leadType:SPONSORED)&submittedAtTimeRange=(start:{backfillStart},end:{end})&count=10&start=0", pages[0].PathAndQuery);
        Assert.EndsWith("&count=10&start=10", pages[1].PathAndQuery);

        host.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(0, await poller.PollAsync(plugin, "lead-forms", CancellationToken.None));
        Assert.Equal(12, leads.Received.Count);
        var resumed = api.Requests.Where(r => r.PathAndQuery.StartsWith("/rest/leadFormResponses?", StringComparison.Ordinal)).Skip(2).First();
        Assert.Contains($"submittedAtTimeRange=(start:{end - 300_000},end:{end + 900_000})", resumed.PathAndQuery);

        // The cursor survives a restart: a new host on the same data folder resumes from it.
        await using var restarted = PluginHost.Start(folder, Settings(api.Address, "1234567"), leadSink: leads);
        Assert.Equal("" + (end + 900_000), await ReadStateAsync(restarted, "cursor"));
    }

    [Fact]
    public async Task An_older_connections_export_without_url_is_read_by_header_name_with_its_dates_and_the_art_14_flag()
    {
        await using var api = await StartApiAsync([]);
        using var folder = new PluginFolder().With(Built.LinkedIn);
        var leads = new RecordingLeadSink();
        await using var host = PluginHost.Start(folder, Settings(api.Address), leadSink: leads);
        // Older exports: no URL column, columns in another order, LF line ends, a BOM, the Notes preamble.
        const string csv = "\uFEFFNotes:\n\"Some e-mail addresses may be missing, see https://www.linkedin.com/help.\"\n\n"
            + "First Name,Last Name,Email Address,Connected On,Company,Position\n"
            + "François,D'Aubigné,francois@exemple.fr,07 Dec 2025,\"Énergie \"\"Verte\"\", SA\",DAF\n"
            + "Sans,Adresse,,1 Jan 2024,Acme,CEO\n";

        var answer = await WebhookCalls.Start(host, "linkedin", "connections", csv, "text/csv", endpoint: true).CompleteAsync();

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, answer.Json.GetProperty("rejected").GetInt32());
        Assert.Equal(6, answer.Json.GetProperty("results")[1].GetProperty("line").GetInt32());
        var (lead, _) = Assert.Single(leads.Received);
        Assert.Equal("francois@exemple.fr", lead.Email);
        Assert.Null(lead.LinkedInUrl);
        Assert.Equal("François", lead.FirstName);
        Assert.Equal("Énergie \"Verte\", SA", lead.Company);
        Assert.Equal("DAF", lead.JobTitle);
        Assert.Equal(new DateTimeOffset(2025, 12, 7, 0, 0, 0, TimeSpan.Zero), lead.OccurredAt);
        Assert.True(lead.CollectedIndirectly);
        Assert.Equal("social", lead.SourceChannel);
        Assert.StartsWith("connection-", lead.ExternalId, StringComparison.Ordinal);

        var notAnExport = await WebhookCalls.Start(host, "linkedin", "connections", "Name;Mail\nA;b@c.fr\n", "text/csv", endpoint: true).CompleteAsync();
        Assert.Equal(400, notAnExport.Status);
        Assert.True(notAnExport.Json.GetProperty("errors").TryGetProperty("file", out _));
        Assert.Single(leads.Received);
    }

    private static async Task<string?> ReadStateAsync(PluginHost host, string key)
    {
        await using var scope = host.Plugin("linkedin").CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IPluginState>().GetAsync(key, CancellationToken.None);
    }
}
