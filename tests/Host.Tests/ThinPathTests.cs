using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// The reference scenario through HTTP against the real host: a landing page shows a form, a visitor submits it and asks
/// to be called back, and the person flows Content → Leads (MQL) → Prospects → Outreach (a call task).
/// </summary>
public sealed class ThinPathTests(SharedHosts hosts, ITestOutputHelper output) : IClassFixture<SharedHosts>
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);

    private static string NewEmail(string who) => $"{who}.{Guid.NewGuid().ToString("N")[..10]}@exemple-solaire.fr";

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Landing_page_renders_the_form_and_counts_each_view_as_a_visit(Provider provider)
    {
        var (store, host, content) = await hosts.GetAsync(provider);
        var visitsSql = $"SELECT COUNT(*) FROM {store.Table("Content", "Visits")} WHERE \"LandingPageId\" = (SELECT \"Id\" FROM {store.Table("Content", "LandingPages")} WHERE \"Slug\" = @slug)";
        var before = await store.ScalarAsync("Content", visitsSql, ("slug", content.Slug));

        using var response = await host.Anonymous.GetAsync($"/p/{content.Slug}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"<form method=\"post\" action=\"/f/{content.FormId}\"", html);
        Assert.Contains("name=\"email\"", html);
        Assert.Contains("type=\"tel\"", html);
        Assert.Contains("name=\"consent.newsletter\"", html);
        Assert.Contains("name=\"callback\"", html);
        Assert.DoesNotContain("checked", html); // consent and callback are never pre-ticked
        Assert.Contains("Divisez vos factures par deux", html);

        // Concurrent views are all counted (no lost update).
        await Parallel.ForEachAsync(Enumerable.Range(0, 20), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var view = await host.Anonymous.GetAsync($"/p/{content.Slug}", ct);
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        });
        Assert.Equal(before + 21, await store.ScalarAsync("Content", visitsSql, ("slug", content.Slug)));

        using var missing = await host.Anonymous.GetAsync("/p/no-such-page");
        await TandemApi.AssertProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Json_submission_asking_for_a_callback_becomes_an_mql_lead_then_a_prospect_then_a_call_task(Provider provider)
    {
        var (_, host, content) = await hosts.GetAsync(provider);
        var email = NewEmail("Camille.Martin");

        using var response = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new Dictionary<string, object>
        {
            ["email"] = "  " + email.ToUpperInvariant() + " ",
            ["phone"] = "06 12 34 56 78",
            ["firstName"] = "Camille",
            ["consent.newsletter"] = true,
            ["callback"] = true,
            ["utm_source"] = "newsletter-octobre",
        });
        var created = await TandemApi.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, response.Describe(created?.ToJsonString() ?? ""));
        var submissionId = created!.Str("submissionId");
        var leadId = created!["leadId"]?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(leadId), $"the answer carries the lead: {created.ToJsonString()}");

        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}");
        Assert.Equal(email.ToLowerInvariant(), lead.Str("email")); // trimmed, lower case
        Assert.Equal("+33612345678", lead.Str("phone")); // E.164
        Assert.Equal("Camille", lead.Str("firstName"));
        Assert.Equal("mql", lead.Str("status"));
        Assert.True(lead["callbackRequested"]!.GetValue<bool>());
        var reasons = lead["score"]!["reasons"]!.AsArray().Select(r => r!.Str("rule")).ToList();
        Assert.Equal(["form-submitted", "callback-requested"], reasons);
        Assert.Equal(lead["score"]!["reasons"]!.AsArray().Sum(r => r!["points"]!.GetValue<int>()), lead["score"]!["value"]!.GetValue<int>());
        var source = Assert.Single(lead["sources"]!.AsArray())!;
        Assert.Equal("content", source.Str("channel"));
        Assert.Equal(content.CampaignId, source.Str("campaignId"));
        Assert.Equal(content.AssetId, source.Str("assetId"));
        Assert.Equal(submissionId, source.Str("reference"));
        var consents = lead["consents"]!.AsArray().ToDictionary(c => c!.Str("purpose"), c => c!["granted"]!.GetValue<bool>());
        Assert.True(consents["newsletter"]);
        Assert.True(consents["phone-callback"]);

        // Downstream modules act on notifications published after commit: poll, with a deadline.
        var prospect = await Eventually.ValueAsync(() => TandemApi.ProspectsOfLeadAsync(host.Http, leadId!), p => p.Count > 0, Downstream,
            _ => "no prospect for the MQL lead yet");
        Assert.Single(prospect);
        var prospectId = prospect[0]!.Str("id");
        Assert.Equal("consideration", prospect[0]!.Str("stage"));
        var tasks = await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(host.Http, prospectId), t => t.Count > 0, Downstream,
            _ => "no call task for the prospect yet");
        var task = Assert.Single(tasks)!;
        Assert.Equal("call", task.Str("kind"));
        Assert.Equal(prospectId, task.Str("prospectId"));

        // And it is also in the rep's unfiltered queue.
        var queue = await TandemApi.GetJsonAsync(host.Http, "/api/outreach/tasks");
        Assert.Contains(queue["items"]!.AsArray(), t => t!.Str("id") == task.Str("id"));
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Second_submission_with_same_email_in_other_case_merges_into_one_lead(Provider provider)
    {
        var (_, host, content) = await hosts.GetAsync(provider);
        var email = NewEmail("Lea.Dubois");

        using var first = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = email.ToLowerInvariant(), callback = true });
        using var second = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = email.ToUpperInvariant(), phone = "+33 6 98 76 54 32" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var firstLead = (await TandemApi.ReadJsonAsync(first))!["leadId"]?.GetValue<string>();
        var secondLead = (await TandemApi.ReadJsonAsync(second))!["leadId"]?.GetValue<string>();
        Assert.NotNull(firstLead);
        Assert.Equal(firstLead, secondLead);

        var leads = await TandemApi.LeadsByEmailAsync(host.Http, email.ToUpperInvariant());
        var lead = Assert.Single(leads)!;
        Assert.Equal(firstLead, lead.Str("id"));
        Assert.Equal(2, lead["sources"]!.AsArray().Count);
        Assert.Equal("+33698765432", lead.Str("phone")); // the second submission filled what was missing
        // The same form sent again within the repeat window scores nothing more (anti-farming).
        Assert.Equal(["form-submitted", "callback-requested"], lead["score"]!["reasons"]!.AsArray().Select(r => r!.Str("rule")));

        // Still one person downstream: one prospect, one call task.
        var prospects = await Eventually.ValueAsync(() => TandemApi.ProspectsOfLeadAsync(host.Http, firstLead!), p => p.Count > 0, Downstream,
            _ => "no prospect yet");
        var prospectId = Assert.Single(prospects)!.Str("id");
        await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(host.Http, prospectId), t => t.Count > 0, Downstream, _ => "no task yet");
        await Eventually.OutboxesDrainedAsync((await hosts.GetAsync(provider)).Store, Downstream);
        Assert.Single(await TandemApi.ProspectsOfLeadAsync(host.Http, firstLead!));
        Assert.Single(await TandemApi.TasksOfProspectAsync(host.Http, prospectId));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Browser_form_post_is_redirected_to_a_thank_you_page_and_captures_the_lead(Provider provider)
    {
        var (_, host, content) = await hosts.GetAsync(provider);
        var email = NewEmail("Hugo.Bernard");

        using var response = await TandemApi.SubmitBrowserFormAsync(host.Anonymous, content.FormId,
            ("_page", content.Slug), ("email", email), ("phone", "01 23 45 67 89"), ("consent.newsletter", "on"), ("callback", "on"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith($"/f/{content.FormId}/thanks?page={content.Slug}", location);
        using var thanks = await host.Anonymous.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, thanks.StatusCode);
        Assert.Equal("text/html", thanks.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Merci", await thanks.Content.ReadAsStringAsync());

        var lead = await Eventually.ValueAsync(() => TandemApi.LeadsByEmailAsync(host.Http, email), l => l.Count > 0, Downstream, _ => "no lead yet");
        Assert.Equal("+33123456789", lead[0]!.Str("phone"));
        Assert.Equal("mql", lead[0]!.Str("status"));
    }

    [Fact]
    public async Task Form_post_that_accepts_json_gets_a_json_answer_with_the_lead()
    {
        var (_, host, content) = await hosts.GetAsync(Provider.Sqlite);
        var email = NewEmail("Zoe.Petit");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/f/{content.FormId}")
        {
            Content = new FormUrlEncodedContent([new("email", email), new("callback", "on")]),
        };
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await host.Anonymous.SendAsync(request);

        var body = await TandemApi.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, response.Describe(body?.ToJsonString() ?? ""));
        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{body!.Str("leadId")}");
        Assert.Equal(email.ToLowerInvariant(), lead.Str("email"));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Browser_form_post_missing_a_required_field_shows_the_page_again_with_the_error_and_stores_nothing(Provider provider)
    {
        var (store, host, content) = await hosts.GetAsync(provider);
        await Eventually.OutboxesDrainedAsync(store, Downstream);
        var announcedBefore = (await store.OutboxAsync("Content")).Total;

        using var response = await TandemApi.SubmitBrowserFormAsync(host.Anonymous, content.FormId,
            ("_page", content.Slug), ("phone", "06 11 22 33 44"), ("firstName", "Inès"), ("callback", "on"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("role=\"alert\"", html);
        Assert.Contains("Email : ce champ est obligatoire.", html); // the page is French: so are its errors
        Assert.Contains("value=\"06 11 22 33 44\"", html); // what the visitor typed is kept
        Assert.Contains("value=\"In&#232;s\"", html);
        Assert.Contains($"action=\"/f/{content.FormId}\"", html);
        Assert.Contains("Divisez vos factures par deux", html); // the landing page, not a bare form

        // A stored submission always announces itself in the same transaction: no new outbox row, nothing stored.
        Assert.Equal(announcedBefore, (await store.OutboxAsync("Content")).Total);
        var json = await TandemApi.GetJsonAsync(host.Http, "/api/leads?phone=0611223344");
        Assert.Equal(0, json["total"]!.GetValue<int>());
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Invalid_json_submission_is_a_400_problem_with_errors_per_field_and_stores_nothing(Provider provider)
    {
        var (store, host, content) = await hosts.GetAsync(provider);
        await Eventually.OutboxesDrainedAsync(store, Downstream);
        var announcedBefore = (await store.OutboxAsync("Content")).Total;

        using var invalid = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = "not-an-email", phone = "12", callback = true });
        var problem = await TandemApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "validation");
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("email", errors.Select(e => e.Key));
        Assert.Contains("phone", errors.Select(e => e.Key));

        using var missing = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { firstName = "Nobody" });
        var missingProblem = await TandemApi.AssertProblemAsync(missing, HttpStatusCode.BadRequest, "validation");
        Assert.Contains("email", missingProblem["errors"]!.AsObject().Select(e => e.Key));

        using var malformed = await host.Anonymous.PostAsync($"/f/{content.FormId}",
            new StringContent("{\"email\": \"a@b.fr\",", System.Text.Encoding.UTF8, "application/json"));
        await TandemApi.AssertProblemAsync(malformed, HttpStatusCode.BadRequest);

        using var unknownForm = await TandemApi.SubmitJsonAsync(host.Anonymous, "no-such-form", new { email = NewEmail("x") });
        await TandemApi.AssertProblemAsync(unknownForm, HttpStatusCode.NotFound);

        // A public form is a few fields: a huge body is refused before it is read.
        using var huge = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = NewEmail("huge"), notes = new string('x', 100_000) });
        await TandemApi.AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");

        Assert.Equal(announcedBefore, (await store.OutboxAsync("Content")).Total);
        output.WriteLine($"content outbox still holds {announcedBefore} messages after 5 rejected submissions");
    }
}
