using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// One host per provider with Content's settings (branding, embed origins; on SQLite a configured link signing key, on
/// PostgreSQL a generated one kept in the database), shared by the tests of <see cref="ContentInboundTests"/>.
/// </summary>
public sealed class ContentHosts : IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-0123456789-abcdefghij";
    public const string EmbedOrigin = "https://www.exemple-solaire.fr";
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<Provider, (TestStore Store, HostProcess Host)> _started = [];

    internal async Task<(TestStore Store, HostProcess Host)> GetAsync(Provider provider)
    {
        await _lock.WaitAsync();
        try
        {
            if (_started.TryGetValue(provider, out var started)) return started;
            var store = await TestStore.CreateAsync(provider);
            string[] args =
            [
                $"--Tandem:Content:EmbedOrigins={EmbedOrigin}",
                "--Tandem:Branding:CompanyName=Soleil <b>& Fils</b>",
                "--Tandem:Branding:PrivacyNoticeUrl=https://www.exemple-solaire.fr/confidentialite",
                "--Tandem:Branding:LegalNoticeUrl=https://www.exemple-solaire.fr/mentions-legales",
                "--Tandem:Branding:PrimaryColor=#f5c400",
                .. provider == Provider.Sqlite ? new[] { $"--Tandem:Content:LinkSigningKey={SigningKey}" } : [],
            ];
            try
            {
                var host = await HostProcess.StartAsync(store, null, args);
                _started[provider] = (store, host);
                return _started[provider];
            }
            catch
            {
                await store.DisposeAsync();
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (store, host) in _started.Values)
        {
            await host.DisposeAsync();
            await store.DisposeAsync();
        }
    }
}

/// <summary>
/// The inbound path of the Content module over HTTP: a visit with a visitor cookie and UTM attribution, the submission that
/// stitches the visitor's visits to the lead, the signed asset link (counted, expiring, unforgeable), typed fields, the
/// honeypot, form edits that keep past consent texts, the pop-up script and its CORS, and encoding of everything typed.
/// </summary>
public sealed class ContentInboundTests(ContentHosts hosts) : IClassFixture<ContentHosts>
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);
    private const string AssetUrl = "https://cdn.exemple-solaire.fr/guides/solaire.pdf";

    private static string Unique() => Guid.NewGuid().ToString("N")[..10];

    private sealed record Seeded(string CampaignId, string AssetId, string FormId, string Slug);

    private static async Task<Seeded> SeedAsync(HttpClient admin, string language = "fr")
    {
        var campaign = await TandemApi.PostCreatedAsync(admin, "/api/content/campaigns",
            new { name = "Salon habitat " + Unique(), channel = "event", cost = new { amount = 1200.0, currency = "EUR" }, startsOn = "2026-01-01", endsOn = "2026-12-31" });
        var asset = await TandemApi.PostCreatedAsync(admin, "/api/content/assets",
            new { title = "Le guide du solaire", kind = "guide", journeyStage = "consideration", url = AssetUrl, interest = "solar" });
        var form = await TandemApi.PostCreatedAsync(admin, "/api/content/forms", new
        {
            name = "Recevoir le guide",
            assetId = asset,
            fields = new object[]
            {
                new { name = "email", label = "E-mail", type = "email", required = true },
                new { name = "phone", label = "Téléphone", type = "tel", required = false },
                new { name = "postalCode", label = "Code postal", type = "postal-code", required = false },
                new { name = "heating", label = "Chauffage", type = "select", required = false, options = new[] { "gaz", "fioul", "électrique" } },
                new { name = "owner", label = "Je suis propriétaire", type = "checkbox", required = true },
            },
            consents = new object[] { new { purpose = "newsletter", text = "J'accepte la lettre d'information.", required = false } },
            offersCallback = true,
        });
        var slug = "guide-solaire-" + Unique();
        await TandemApi.PostCreatedAsync(admin, "/api/content/landing-pages",
            new { slug, title = "Le solaire chez vous", body = "# Pourquoi\n\nUn **guide** clair.", formId = form, language });
        return new Seeded(campaign, asset, form, slug);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? cookie = null, string accept = "text/html")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formId, string? cookie, params (string Name, string Value)[] values)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/f/{formId}")
        {
            Content = new FormUrlEncodedContent(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value))),
        };
        request.Headers.Accept.ParseAdd("text/html");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static Task<long> CountAsync(TestStore store, string table, string where, params (string, object)[] parameters) =>
        store.ScalarAsync("Content", $"SELECT COUNT(*) FROM {store.Table("Content", table)} WHERE {where}", parameters);

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_visitor_views_the_page_submits_gets_a_signed_asset_link_and_their_visits_are_stitched_to_the_lead(Provider provider)
    {
        var (store, host) = await hosts.GetAsync(provider);
        var seeded = await SeedAsync(host.Http);

        // First view: a first-party visitor cookie, the UTM fields carried by the form, the visit attributed to the campaign.
        using var first = await GetAsync(host.Anonymous, $"/p/{seeded.Slug}?utm_source=salon&utm_medium=qr&utm_campaign={seeded.CampaignId}");
        var html = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var setCookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // plain http here
        var cookie = setCookie.Split(';')[0];
        var visitorId = cookie.Split('=')[1];
        Assert.Contains($"name=\"utm_campaign\" value=\"{seeded.CampaignId}\"", html);
        Assert.Contains("name=\"utm_source\" value=\"salon\"", html);
        Assert.Contains("Le guide du solaire", html); // the promise names the asset

        using var second = await GetAsync(host.Anonymous, $"/p/{seeded.Slug}", cookie);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(second.Headers.Contains("Set-Cookie"), "a known visitor keeps their id");
        Assert.Equal(2, await CountAsync(store, "Visits", "\"VisitorId\" = @v", ("v", visitorId)));
        Assert.Equal(1, await CountAsync(store, "Visits", "\"VisitorId\" = @v AND \"CampaignId\" = @c", ("v", visitorId), ("c", seeded.CampaignId)));

        // The browser posts the form: 303 to the thank-you page, which offers the asset through a signed link.
        var email = $"visiteur.{Unique()}@exemple-solaire.fr";
        using var posted = await PostFormAsync(host.Anonymous, seeded.FormId, cookie,
            ("_page", seeded.Slug), ("utm_campaign", seeded.CampaignId), ("email", email), ("owner", "on"), ("postalCode", "75011"), ("heating", "gaz"));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        using var thanks = await GetAsync(host.Anonymous, posted.Headers.Location!.ToString());
        var thanksHtml = await thanks.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, thanks.StatusCode);
        Assert.Contains("Merci", thanksHtml);
        var linkStart = thanksHtml.IndexOf("href=\"/d/", StringComparison.Ordinal);
        Assert.True(linkStart > 0, "the thank-you page offers the asset link: " + thanksHtml);
        var link = thanksHtml[(linkStart + 6)..thanksHtml.IndexOf('"', linkStart + 6)];

        // Leads captured it; Content stitched both earlier visits to the lead and announced them.
        var lead = await Eventually.ValueAsync(() => TandemApi.LeadsByEmailAsync(host.Http, email), l => l.Count > 0, Downstream, _ => "no lead yet");
        var leadId = lead[0]!.Str("id");
        await Eventually.ValueAsync(() => CountAsync(store, "Visits", "\"VisitorId\" = @v AND \"LeadId\" = @l", ("v", visitorId), ("l", leadId)),
            n => n == 2, Downstream, n => $"{n} of 2 visits stitched to the lead");
        var announced = $"\"Type\" LIKE '%LeadVisitedPages' AND \"Payload\" LIKE @l";
        Assert.Equal(1, await CountAsync(store, "OutboxMessages", announced, ("l", $"%{leadId}%")));

        // A later visit of the known visitor is announced at once, for that lead.
        using var third = await GetAsync(host.Anonymous, $"/p/{seeded.Slug}", cookie);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(2, await CountAsync(store, "OutboxMessages", announced, ("l", $"%{leadId}%")));
        Assert.Equal(3, await CountAsync(store, "Visits", "\"LeadId\" = @l", ("l", leadId)));

        // The submission is attributed to the campaign named by utm_campaign and keeps the consent text shown.
        var submissionId = await store.ScalarAsync("Content", $"SELECT COUNT(*) FROM {store.Table("Content", "Submissions")} WHERE \"LeadId\" = @l AND \"CampaignId\" = @c",
            ("l", leadId), ("c", seeded.CampaignId));
        Assert.Equal(1, submissionId);

        // The link is counted when used, then redirects to the asset; the download is announced.
        using var download = await GetAsync(host.Anonymous, link);
        Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);
        Assert.Equal(AssetUrl, download.Headers.Location!.ToString());
        using var head = await host.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, link));
        Assert.Equal(HttpStatusCode.Redirect, head.StatusCode); // a link checker's HEAD is no download
        var asset = await TandemApi.GetJsonAsync(host.Http, $"/api/content/assets/{seeded.AssetId}");
        Assert.Equal(1, asset["downloads"]!.GetValue<long>());
        Assert.Equal("solar", asset.Str("interest"));
        Assert.Equal(1, await CountAsync(store, "OutboxMessages", "\"Type\" LIKE '%AssetDownloaded' AND \"Payload\" LIKE @a", ("a", $"%{seeded.AssetId}%")));

        // JSON: the 201 answer carries the absolute asset link.
        using var json = await TandemApi.SubmitJsonAsync(host.Anonymous, seeded.FormId, new { email = $"json.{Unique()}@exemple-solaire.fr", owner = true });
        var body = await TandemApi.ReadJsonAsync(json);
        Assert.True(json.StatusCode == HttpStatusCode.Created, json.Describe(body?.ToJsonString() ?? ""));
        Assert.StartsWith(host.BaseAddress.ToString().TrimEnd('/') + "/d/", body!.Str("assetUrl"));

        // Content's numbers for the period: three visits by one visitor, on the campaign for one of them.
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        var numbers = await TandemApi.GetJsonAsync(host.Http, $"/api/content/numbers?from={from}&to={to}&campaignId={seeded.CampaignId}");
        Assert.Equal(1, numbers["visits"]!.GetValue<long>());
        Assert.Equal(1, numbers["visitors"]!.GetValue<long>());
        Assert.Equal(1, numbers["submissions"]!.GetValue<long>());
        var perCampaign = Assert.Single(numbers["campaigns"]!.AsArray());
        Assert.Equal("event", perCampaign!.Str("channel"));
        Assert.Equal(1200m, perCampaign!["cost"]!["amount"]!.GetValue<decimal>());

        if (provider == Provider.Postgres)
            Assert.Equal(1, await CountAsync(store, "Settings", "\"Key\" = 'asset-link-signing-key'")); // generated once, kept in the database
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_lead_timeline_shows_the_visits_made_before_the_submission_and_the_download(Provider provider)
    {
        var (_, host) = await hosts.GetAsync(provider);
        var seeded = await SeedAsync(host.Http);
        var campaignName = (await TandemApi.GetJsonAsync(host.Http, $"/api/content/campaigns/{seeded.CampaignId}")).Str("name");

        // An anonymous visit through the campaign's link, then the submission from the same browser (a client of its own:
        // the shared anonymous client may carry another test's visitor cookie).
        using var browser = host.CreateClient(apiKey: null);
        using var visit = await GetAsync(browser, $"/p/{seeded.Slug}?utm_source=salon&utm_medium=qr&utm_campaign={seeded.CampaignId}");
        Assert.Equal(HttpStatusCode.OK, visit.StatusCode);
        var cookie = visit.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var email = $"chronologie.{Unique()}@exemple-solaire.fr";
        using var posted = await PostFormAsync(browser, seeded.FormId, cookie,
            ("_page", seeded.Slug), ("utm_source", "salon"), ("utm_medium", "qr"), ("utm_campaign", seeded.CampaignId), ("email", email), ("owner", "on"));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        using var thanks = await GetAsync(browser, posted.Headers.Location!.ToString());
        var thanksHtml = await thanks.Content.ReadAsStringAsync();
        var linkStart = thanksHtml.IndexOf("href=\"/d/", StringComparison.Ordinal);
        Assert.True(linkStart > 0, "the thank-you page offers the asset link");
        using var download = await GetAsync(browser, thanksHtml[(linkStart + 6)..thanksHtml.IndexOf('"', linkStart + 6)]);
        Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);

        var lead = await Eventually.ValueAsync(() => TandemApi.LeadsByEmailAsync(host.Http, email), l => l.Count > 0, Downstream, _ => "no lead yet");
        var leadId = lead[0]!.Str("id");
        // The visit is stitched to the lead behind the outbox: poll the timeline until Content's three entries are there.
        var timeline = await Eventually.ValueAsync(async () => (await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}/timeline")).AsArray(),
            t => t.Count(e => e!.Str("module") == "Content") == 3, Downstream, t => t.ToJsonString());
        var content = timeline.Where(e => e!.Str("module") == "Content").ToList();
        Assert.Equal(["visit", "submission", "download"], content.Select(e => e!.Str("type")));
        var visited = content[0]!;
        Assert.Equal($"Visited the page Le solaire chez vous (/p/{seeded.Slug}), campaign {campaignName}.", visited.Str("summary"));
        Assert.Contains("UTM salon / qr / " + seeded.CampaignId, content[1]!.Str("summary"));
        Assert.Equal("Downloaded Le guide du solaire, campaign " + campaignName + ".", content[2]!.Str("summary"));
        // Oldest first, across modules: the visit comes before the submission and before Leads' capture of it.
        var at = (JsonNode? e) => DateTimeOffset.Parse(e!.Str("at"), System.Globalization.CultureInfo.InvariantCulture);
        var source = timeline.First(e => e!.Str("module") == "Leads" && e!.Str("type") == "source");
        Assert.True(at(visited) < at(content[1]) && at(visited) < at(source), timeline.ToJsonString());
        Assert.True(timeline.Zip(timeline.Skip(1)).All(p => at(p.First) <= at(p.Second)), "oldest first: " + timeline.ToJsonString());

        // Another person submitting without a browser visit has their submission only: none of this visitor's visits.
        var otherEmail = $"autre.{Unique()}@exemple-solaire.fr";
        using var stranger = host.CreateClient(apiKey: null);
        using var other = await TandemApi.SubmitJsonAsync(stranger, seeded.FormId, new { email = otherEmail, owner = true });
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        var otherLead = await Eventually.ValueAsync(() => TandemApi.LeadsByEmailAsync(host.Http, otherEmail), l => l.Count > 0, Downstream, _ => "no lead yet");
        var otherTimeline = await Eventually.ValueAsync(
            async () => (await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{otherLead[0]!.Str("id")}/timeline")).AsArray(),
            t => t.Any(e => e!.Str("module") == "Content"), Downstream, t => t.ToJsonString());
        Assert.Equal(["submission"], otherTimeline.Where(e => e!.Str("module") == "Content").Select(e => e!.Str("type")));
        host.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Expired_forged_or_damaged_asset_links_are_clear_4xx_pages_and_count_nothing()
    {
        var (_, host) = await hosts.GetAsync(Provider.Sqlite);
        var seeded = await SeedAsync(host.Http);
        using var json = await TandemApi.SubmitJsonAsync(host.Anonymous, seeded.FormId, new { email = $"lien.{Unique()}@exemple-solaire.fr", owner = true });
        var body = await TandemApi.ReadJsonAsync(json);
        var submissionId = body!.Str("submissionId");
        var valid = new Uri(body!.Str("assetUrl")).AbsolutePath;

        // Signed with the right key, but expired an hour ago.
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = Encoding.UTF8.GetBytes($"{submissionId}.{seeded.AssetId}.{DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds()}");
        var key = SHA256.HashData(Encoding.UTF8.GetBytes(ContentHosts.SigningKey));
        var expired = $"/d/{B64(payload)}.{B64(HMACSHA256.HashData(key, payload))}";
        using var gone = await GetAsync(host.Anonymous, expired);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("text/html", gone.Content.Headers.ContentType?.MediaType);
        Assert.Contains("expiré", WebUtility.HtmlDecode(await gone.Content.ReadAsStringAsync()));

        // A later expiry with the old signature, another key, a cut link, garbage: not valid, never a 500.
        var later = Encoding.UTF8.GetBytes($"{submissionId}.{seeded.AssetId}.{DateTimeOffset.UtcNow.AddYears(5).ToUnixTimeSeconds()}");
        var forged = $"/d/{B64(later)}.{valid.Split('.')[1]}";
        var otherKey = $"/d/{B64(later)}.{B64(HMACSHA256.HashData(SHA256.HashData("another-key-of-enough-length-000000"u8), later))}";
        foreach (var path in new[] { forged, otherKey, valid[..^3], "/d/garbage", "/d/a.b", "/d/" + new string('x', 600) })
        {
            using var refused = await GetAsync(host.Anonymous, path);
            Assert.True(refused.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)refused.StatusCode}");
            Assert.Contains("non valable", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        }
        var asset = await TandemApi.GetJsonAsync(host.Http, $"/api/content/assets/{seeded.AssetId}");
        Assert.Equal(0, asset["downloads"]!.GetValue<long>());
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Campaigns_and_assets_are_listed_newest_first_filtered_and_edited_and_a_bad_edit_changes_nothing(Provider provider)
    {
        var (_, host) = await hosts.GetAsync(provider);
        var name = "Salon " + Unique();
        var older = await TandemApi.PostCreatedAsync(host.Http, "/api/content/campaigns", new { name = name + " A", channel = "referral" });
        var newer = await TandemApi.PostCreatedAsync(host.Http, "/api/content/campaigns",
            new { name = name + " B", channel = "referral", cost = new { amount = 900.5, currency = "EUR" }, startsOn = "2026-03-01", endsOn = "2026-03-31" });

        var referral = await TandemApi.GetJsonAsync(host.Http, "/api/content/campaigns?channel=referral&pageSize=500");
        var ids = referral["items"]!.AsArray().Select(c => c!.Str("id")).ToList();
        Assert.True(ids.IndexOf(newer) >= 0 && ids.IndexOf(newer) < ids.IndexOf(older), $"newest first: {referral}");
        Assert.All(referral["items"]!.AsArray(), c => Assert.Equal("referral", c!.Str("channel")));
        Assert.True(referral["total"]!.GetValue<int>() >= 2);
        var onePage = await TandemApi.GetJsonAsync(host.Http, "/api/content/campaigns?channel=referral&pageSize=1&page=2");
        Assert.Single(onePage["items"]!.AsArray());

        using (var edited = await host.Http.PutAsJsonAsync($"/api/content/campaigns/{older}",
                   new { name = name + " A2", channel = "event", cost = new { amount = 300, currency = "EUR" }, startsOn = "2026-05-01" }))
        {
            var body = await TandemApi.ReadJsonAsync(edited);
            Assert.True(edited.StatusCode == HttpStatusCode.OK, edited.Describe(body?.ToJsonString() ?? ""));
            Assert.Equal(300m, body!["cost"]!["amount"]!.GetValue<decimal>());
        }
        var campaign = await TandemApi.GetJsonAsync(host.Http, $"/api/content/campaigns/{older}");
        Assert.Equal((name + " A2", "event", "2026-05-01"), (campaign.Str("name"), campaign.Str("channel"), campaign.Str("startsOn")));

        // A bad edit names its fields and changes nothing; an unknown id is a 404.
        using (var bad = await host.Http.PutAsJsonAsync($"/api/content/campaigns/{older}",
                   new { name = "", channel = "fax", cost = new { amount = -1, currency = "eur" }, startsOn = "2026-05-02", endsOn = "2026-05-01" }))
        {
            var errors = (await TandemApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key).ToHashSet();
            Assert.Superset(new HashSet<string> { "name", "channel", "cost.amount", "cost.currency", "endsOn" }, errors);
        }
        Assert.Equal(name + " A2", (await TandemApi.GetJsonAsync(host.Http, $"/api/content/campaigns/{older}")).Str("name"));
        using (var missing = await host.Http.PutAsJsonAsync("/api/content/campaigns/no-such-campaign", new { name = "X", channel = "event" }))
            await TandemApi.AssertProblemAsync(missing, HttpStatusCode.NotFound);
        using (var badList = await host.Http.GetAsync("/api/content/campaigns?channel=fax&pageSize=0"))
            Assert.Superset(new HashSet<string> { "channel", "pageSize" },
                (await TandemApi.AssertProblemAsync(badList, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key).ToHashSet());

        // Assets by journey stage, with their downloads, edited the same way.
        var interest = "i" + Unique();
        var decision = await TandemApi.PostCreatedAsync(host.Http, "/api/content/assets",
            new { title = "Étude de cas " + interest, kind = "case-study", journeyStage = "decision", url = AssetUrl, interest });
        var byStage = await TandemApi.GetJsonAsync(host.Http, "/api/content/assets?journeyStage=decision&kind=case-study&pageSize=500");
        Assert.All(byStage["items"]!.AsArray(), a => Assert.Equal(("decision", "case-study"), (a!.Str("journeyStage"), a!.Str("kind"))));
        var listed = byStage["items"]!.AsArray().Single(a => a!.Str("id") == decision)!;
        Assert.Equal((interest, 0L), (listed.Str("interest"), listed["downloads"]!.GetValue<long>()));
        Assert.DoesNotContain((await TandemApi.GetJsonAsync(host.Http, "/api/content/assets?journeyStage=awareness&pageSize=500"))["items"]!.AsArray(),
            a => a!.Str("id") == decision);
        using (var edited = await host.Http.PutAsJsonAsync($"/api/content/assets/{decision}",
                   new { title = "Le comparatif " + interest, kind = "whitepaper", journeyStage = "consideration", url = AssetUrl, interest }))
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var asset = await TandemApi.GetJsonAsync(host.Http, $"/api/content/assets/{decision}");
        Assert.Equal(("whitepaper", "consideration"), (asset.Str("kind"), asset.Str("journeyStage")));
        using (var bad = await host.Http.PutAsJsonAsync($"/api/content/assets/{decision}",
                   new { title = "X", kind = "poster", journeyStage = "later", url = "javascript:alert(1)", interest = "Not A Slug" }))
            Assert.Superset(new HashSet<string> { "kind", "journeyStage", "url", "interest" },
                (await TandemApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key).ToHashSet());
        Assert.Equal("whitepaper", (await TandemApi.GetJsonAsync(host.Http, $"/api/content/assets/{decision}")).Str("kind"));
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_bot_that_fills_the_honeypot_gets_the_normal_answer_and_nothing_is_stored(Provider provider)
    {
        var (store, host) = await hosts.GetAsync(provider);
        var seeded = await SeedAsync(host.Http);
        await Eventually.OutboxesDrainedAsync(store, Downstream);
        var announcedBefore = (await store.OutboxAsync("Content")).Total;
        var email = $"bot.{Unique()}@exemple-solaire.fr";

        using var browser = await PostFormAsync(host.Anonymous, seeded.FormId, null,
            ("_page", seeded.Slug), ("email", email), ("owner", "on"), ("website", "http://spam.example"));
        Assert.Equal(HttpStatusCode.SeeOther, browser.StatusCode);
        Assert.StartsWith($"/f/{seeded.FormId}/thanks", browser.Headers.Location!.ToString());
        using var json = await TandemApi.SubmitJsonAsync(host.Anonymous, seeded.FormId, new { email, owner = true, website = "spam" });
        var body = await TandemApi.ReadJsonAsync(json);
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        Assert.False(string.IsNullOrEmpty(body!.Str("submissionId")));

        Assert.Equal(announcedBefore, (await store.OutboxAsync("Content")).Total);
        Assert.Equal(0, await CountAsync(store, "Submissions", "\"FormId\" = @f", ("f", seeded.FormId)));
        Assert.Empty(await TandemApi.LeadsByEmailAsync(host.Http, email));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Typed_fields_are_checked_on_the_server_with_errors_per_field_in_the_page_and_as_a_problem(Provider provider)
    {
        var (store, host) = await hosts.GetAsync(provider);
        var seeded = await SeedAsync(host.Http);

        using var json = await TandemApi.SubmitJsonAsync(host.Anonymous, seeded.FormId,
            new { email = $"typed.{Unique()}@exemple-solaire.fr", postalCode = "75<011>!", heating = "charbon", owner = false });
        var problem = await TandemApi.AssertProblemAsync(json, HttpStatusCode.BadRequest, "validation");
        var errors = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains("postalCode", errors);
        Assert.Contains("heating", errors);
        Assert.Contains("owner", errors); // a required box left unticked

        using var page = await PostFormAsync(host.Anonymous, seeded.FormId, null,
            ("_page", seeded.Slug), ("email", "pas-une-adresse"), ("postalCode", "75011"), ("heating", "gaz"), ("owner", "on"), ("consent.newsletter", "on"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("id=\"f-email\" type=\"email\" name=\"email\" value=\"pas-une-adresse\"", html);
        Assert.Contains("aria-invalid=\"true\" aria-describedby=\"f-email-error\"", html);
        Assert.Contains("<p class=\"error\" id=\"f-email-error\">E-mail : saisissez une adresse e-mail valide", html);
        Assert.Contains("<option selected>gaz</option>", html); // values kept
        Assert.Contains("id=\"f-consent-newsletter\" name=\"consent.newsletter\" value=\"on\" checked", html); // ticked by the visitor, kept
        Assert.DoesNotContain("id=\"f-callback\" name=\"callback\" value=\"on\" checked", html); // never ticked for them
        Assert.Contains("<a href=\"#f-email\">", html); // the summary leads to the field
        Assert.Equal(0, await CountAsync(store, "Submissions", "\"FormId\" = @f", ("f", seeded.FormId)));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Editing_a_form_never_rewrites_what_past_submissions_agreed_to(Provider provider)
    {
        var (_, host) = await hosts.GetAsync(provider);
        var seeded = await SeedAsync(host.Http);
        async Task<string> Submit()
        {
            using var response = await TandemApi.SubmitJsonAsync(host.Anonymous, seeded.FormId,
                new Dictionary<string, object> { ["email"] = $"edit.{Unique()}@exemple-solaire.fr", ["owner"] = true, ["consent.newsletter"] = true });
            var body = await TandemApi.ReadJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Created, response.Describe(body?.ToJsonString() ?? ""));
            return body!.Str("submissionId");
        }
        var before = await Submit();

        using var put = await host.Http.PutAsJsonAsync($"/api/content/forms/{seeded.FormId}", new
        {
            name = "Recevoir le guide (v2)",
            assetId = seeded.AssetId,
            fields = new object[] { new { name = "email", label = "E-mail", type = "email", required = true }, new { name = "owner", label = "Propriétaire", type = "checkbox", required = false } },
            consents = new object[] { new { purpose = "newsletter", text = "J'accepte la lettre mensuelle et ses offres.", required = false } },
            offersCallback = false,
        });
        var edited = await TandemApi.ReadJsonAsync(put);
        Assert.True(put.StatusCode == HttpStatusCode.OK, put.Describe(edited?.ToJsonString() ?? ""));
        Assert.Equal("Recevoir le guide (v2)", edited!.Str("name"));
        Assert.False(edited!["offersCallback"]!.GetValue<bool>());
        var after = await Submit();

        string ConsentText(JsonNode submission) => submission["consents"]!.AsArray().Single(c => c!.Str("purpose") == "newsletter")!.Str("text");
        Assert.Equal("J'accepte la lettre d'information.", ConsentText(await TandemApi.GetJsonAsync(host.Http, $"/api/content/submissions/{before}")));
        Assert.Equal("J'accepte la lettre mensuelle et ses offres.", ConsentText(await TandemApi.GetJsonAsync(host.Http, $"/api/content/submissions/{after}")));

        using var invalid = await host.Http.PutAsJsonAsync($"/api/content/forms/{seeded.FormId}", new { name = "", fields = Array.Empty<object>() });
        await TandemApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "validation");
        using var unknown = await host.Http.PutAsJsonAsync("/api/content/forms/no-such-form", new
        {
            name = "x", fields = new object[] { new { name = "email", label = "E-mail", type = "email", required = true } },
        });
        await TandemApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    /// <summary>
    /// Submissions read their form from memory (FormCache); an edit on this host empties it (the test above: the edit is
    /// seen by the very next submission), and a change made elsewhere (another host on the database, here a statement of
    /// our own) is seen once the entry's lifetime (1 s by default) has passed: the form deleted behind the host's back ends
    /// up refused, 404, instead of being served from memory for ever.
    /// </summary>
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_form_changed_by_another_host_is_seen_by_submissions_within_the_cache_lifetime(Provider provider)
    {
        var (store, host) = await hosts.GetAsync(provider);
        var seeded = await SeedAsync(host.Http);
        Task<HttpResponseMessage> Submit() => TandemApi.SubmitJsonAsync(host.Anonymous, seeded.FormId,
            new Dictionary<string, object> { ["email"] = $"cache.{Unique()}@exemple-solaire.fr", ["owner"] = true });
        using (var first = await Submit()) Assert.Equal(HttpStatusCode.Created, first.StatusCode); // the form is now in memory

        var deleted = await store.ScalarAsync("Content", $"DELETE FROM {store.Table("Content", "Forms")} WHERE \"Id\" = @id RETURNING 1", ("id", seeded.FormId));
        Assert.Equal(1, deleted);

        var status = await Eventually.ValueAsync(async () =>
        {
            using var response = await Submit();
            return response.StatusCode;
        }, s => s == HttpStatusCode.NotFound, TimeSpan.FromSeconds(15), s => $"the deleted form still answered {(int)s}", TimeSpan.FromMilliseconds(200));
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Markup_in_every_user_supplied_field_is_shown_encoded_on_every_page_and_in_the_pop_up_script()
    {
        var (_, host) = await hosts.GetAsync(Provider.Sqlite);
        const string Evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        var asset = await TandemApi.PostCreatedAsync(host.Http, "/api/content/assets", new { title = "Guide " + Evil, kind = "guide", journeyStage = "awareness", url = AssetUrl });
        var form = await TandemApi.PostCreatedAsync(host.Http, "/api/content/forms", new
        {
            name = "Form " + Evil,
            assetId = asset,
            fields = new object[]
            {
                new { name = "email", label = "Mail " + Evil, type = "email", required = true },
                new { name = "choice", label = "Choice " + Evil, type = "select", required = false, options = new[] { "A " + Evil } },
            },
            consents = new object[] { new { purpose = "newsletter", text = "Consent " + Evil, required = true } },
            offersCallback = true,
        });
        var slug = "balises-" + Unique();
        await TandemApi.PostCreatedAsync(host.Http, "/api/content/landing-pages", new
        {
            slug, formId = form, title = "Title " + Evil,
            body = "Body " + Evil + "\n\n[link](javascript:alert(3)) <a href=\"javascript:alert(4)\">raw</a>",
        });

        using var page = await GetAsync(host.Anonymous, $"/p/{slug}?utm_source={Uri.EscapeDataString(Evil)}");
        using var invalid = await PostFormAsync(host.Anonymous, form, null, ("_page", slug), ("email", Evil), ("utm_medium", Evil));
        using var json = await TandemApi.SubmitJsonAsync(host.Anonymous, form, new Dictionary<string, object> { ["email"] = $"balise.{Unique()}@exemple-solaire.fr", ["consent.newsletter"] = true });
        var link = new Uri((await TandemApi.ReadJsonAsync(json))!.Str("assetUrl")).AbsolutePath;
        using var thanks = await GetAsync(host.Anonymous, $"/f/{form}/thanks?page={slug}&asset={Uri.EscapeDataString(link[3..])}");
        using var embed = await GetAsync(host.Anonymous, $"/f/{form}/embed.js", accept: "*/*");

        foreach (var (name, response) in new[] { ("page", page), ("error page", invalid), ("thank-you page", thanks) })
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<script>alert", html);
            Assert.DoesNotContain("<img src=x", html);
            Assert.DoesNotContain("href=\"javascript:", html); // a markdown link to javascript: goes nowhere; raw HTML is text
            Assert.DoesNotContain("<b>& Fils", html); // the company name from settings too
            Assert.True(html.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", StringComparison.Ordinal), $"the {name} shows the markup as text");
        }
        var script = await embed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", script);
        Assert.DoesNotContain("<img", script);
        Assert.Contains("\\u003Cscript\\u003E", script);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_pop_up_script_is_javascript_and_only_the_configured_sites_may_post_the_form_cross_origin(Provider provider)
    {
        var (_, host) = await hosts.GetAsync(provider);
        var seeded = await SeedAsync(host.Http);

        using var script = await GetAsync(host.Anonymous, $"/f/{seeded.FormId}/embed.js", accept: "*/*");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        var js = await script.Content.ReadAsStringAsync();
        Assert.Contains("showModal", js);
        Assert.Contains($"{host.BaseAddress.ToString().TrimEnd('/')}/f/{seeded.FormId}", js);
        using var missing = await GetAsync(host.Anonymous, "/f/no-such-form/embed.js", accept: "*/*");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        async Task<HttpResponseMessage> Preflight(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, $"/f/{seeded.FormId}");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
            return await host.Anonymous.SendAsync(request);
        }
        using var allowed = await Preflight(ContentHosts.EmbedOrigin);
        Assert.True(allowed.IsSuccessStatusCode, $"preflight answered {(int)allowed.StatusCode}");
        Assert.Equal(ContentHosts.EmbedOrigin, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        using var refused = await Preflight("https://evil.example");
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        using var post = new HttpRequestMessage(HttpMethod.Post, $"/f/{seeded.FormId}")
        {
            Content = JsonContent.Create(new { email = $"popup.{Unique()}@exemple-solaire.fr", owner = true }),
        };
        post.Headers.Add("Origin", ContentHosts.EmbedOrigin);
        using var posted = await host.Anonymous.SendAsync(post);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal(ContentHosts.EmbedOrigin, Assert.Single(posted.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task An_english_page_speaks_english_only_and_shows_the_branding_and_legal_links()
    {
        var (_, host) = await hosts.GetAsync(Provider.Sqlite);
        var seeded = await SeedAsync(host.Http, language: "en");

        using var page = await GetAsync(host.Anonymous, $"/p/{seeded.Slug}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("Get the document", html);
        Assert.Contains("I would like an adviser to call me back", html);
        Assert.Contains("Fields marked * are required.", html);
        Assert.DoesNotContain("Recevoir le document", html);
        Assert.DoesNotContain("rappelé", html);
        Assert.Contains("href=\"https://www.exemple-solaire.fr/confidentialite\"", html);
        Assert.Contains("href=\"https://www.exemple-solaire.fr/mentions-legales\">Legal notice</a>", html);
        Assert.Contains("Soleil &lt;b&gt;&amp; Fils&lt;/b&gt;", html);
        Assert.Contains("<h2>Pourquoi</h2>", html); // markdown: '#' is an h2 under the page's h1
        Assert.Contains("<strong>guide</strong>", html);
        Assert.DoesNotContain(" checked", html);

        using var invalid = await PostFormAsync(host.Anonymous, seeded.FormId, null, ("_page", seeded.Slug), ("email", "nope"), ("owner", "on"));
        var errorHtml = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("E-mail: enter a valid email address", errorHtml);
        Assert.DoesNotContain("saisissez", errorHtml);
    }
}
