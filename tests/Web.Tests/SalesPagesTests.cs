using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tandem.Host.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Web.Tests;

/// <summary>
/// The sales pages in the browser, on the shared host: from My day and from the inbox to the prospect page with its
/// timeline across modules; the pipeline board moves a prospect with its menu (keyboard path), by dragging it, and to
/// lost with a reason — each move checked through the API.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SalesPagesTests(Browser browser, ITestOutputHelper output)
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_rep_opens_the_prospect_with_its_timeline_and_moves_it_on_the_board()
    {
        try
        {
            await ProspectAndBoardAsync();
        }
        catch
        {
            output.WriteLine("host output:\n" + browser.Host.Output);
            throw;
        }
    }

    private async Task ProspectAndBoardAsync()
    {
        var api = browser.Host.Http;
        var unique = Guid.NewGuid().ToString("N")[..8];
        var name = "Sacha" + unique;
        var email = $"sacha.{unique}@exemple-solaire.fr";
        var slug = "sales-" + unique;
        await TandemApi.SeedContentAsync(api, slug);
        // The person first visits the landing page from a newsletter link (anonymous: a visitor cookie), then submits its form.
        var visitor = await browser.NewPageAsync("fr-FR");
        await visitor.GotoAsync($"/p/{slug}?utm_source=newsletter&utm_medium=email");
        await visitor.FillAsync("input[name=firstName]", name);
        await visitor.FillAsync("input[name=email]", email);
        await visitor.FillAsync("input[name=phone]", "06 11 22 33 44");
        await visitor.CheckAsync("input[name=callback]");
        await visitor.Locator("form [type=submit]").ClickAsync();
        await visitor.WaitForURLAsync(url => url.Contains("/thanks", StringComparison.Ordinal));
        var leadId = (await Eventually.ValueAsync(() => TandemApi.LeadsByEmailAsync(api, email), l => l.Count > 0, Downstream, _ => "no lead yet"))
            .Single()!.Str("id");
        // Content stitches the visit to the lead behind the outbox.
        await Eventually.ValueAsync(async () => (await TandemApi.GetJsonAsync(api, $"/api/leads/{leadId}/timeline")).AsArray(),
            t => t.Any(e => e!.Str("module") == "Content" && e!.Str("type") == "visit"), Downstream, t => t.ToJsonString());
        var prospectId = await Eventually.ValueAsync(async () => (await TandemApi.ProspectsOfLeadAsync(api, leadId)).FirstOrDefault()?.Str("id"),
            id => id is not null, Downstream, id => $"prospect {id}");
        await Eventually.ValueAsync(async () => (await TandemApi.TasksOfProspectAsync(api, prospectId!)).Count, n => n > 0, Downstream, n => $"{n} tasks");

        // My day links each task to its prospect page: who, fit and reasons, the lead's score reasons, and the timeline.
        var page = await browser.NewPageAsync("en-US");
        await page.SignInAsync(Browser.AdminEmail, Browser.Password);
        await page.GotoAsync("/my-day");
        await page.TestId("task-card").Filter(new LocatorFilterOptions { HasText = name }).TestIdWithin("task-prospect").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/prospects/" + prospectId, StringComparison.Ordinal));
        await Expect(page.TestId("prospect-name")).ToHaveTextAsync(name);
        await Expect(page.TestId("prospect-fit")).ToBeVisibleAsync();
        await Expect(page.TestId("prospect-lead").Locator("[data-testid=score-reason]", new LocatorLocatorOptions { HasText = "callback-requested" })).ToHaveCountAsync(1);
        await Expect(page.TestId("open-task")).ToHaveCountAsync(1);
        var timeline = page.TestId("timeline");
        await Expect(timeline.Locator("[data-module=Leads][data-type=source]")).ToHaveCountAsync(1);
        await Expect(timeline.Locator("[data-module=Leads][data-type=score]").First).ToBeVisibleAsync();
        await Expect(timeline.Locator("[data-module=Prospects][data-type=qualified]")).ToHaveCountAsync(1);
        await Expect(timeline.Locator("[data-module=Outreach][data-type=enrolment]")).ToHaveCountAsync(1);
        await Expect(timeline.Locator("[data-module=Outreach][data-type=task]")).ToHaveCountAsync(1);
        // Content's part: the visit made before the submission, with its page, labelled in the rep's language, and the form sent.
        var visit = timeline.Locator("[data-module=Content][data-type=visit]");
        await Expect(visit).ToHaveCountAsync(1);
        await Expect(visit).ToContainTextAsync("page visit");
        await Expect(visit).ToContainTextAsync($"Visited the page Guide : l'énergie solaire intelligente (/p/{slug})");
        await Expect(timeline.Locator("[data-module=Content][data-type=submission]")).ToContainTextAsync("UTM newsletter / email");
        // Newest first: the visit is listed after (older than) the capture of the lead it led to.
        var order = await timeline.Locator("[data-testid=timeline-item]").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.module + ':' + i.dataset.type)");
        Assert.True(Array.IndexOf(order, "Content:visit") > Array.IndexOf(order, "Leads:source"), string.Join(", ", order));
        await page.ScreenshotAsync("prospect");
        // The module filter hides a module's part (keyboard: the chips are buttons).
        await page.TestId("filter-outreach").ClickAsync();
        await Expect(timeline.Locator("[data-module=Outreach]")).ToHaveCountAsync(0);
        await Expect(timeline.Locator("[data-module=Leads]").First).ToBeVisibleAsync();
        await page.TestId("filter-content").ClickAsync();
        await Expect(timeline.Locator("[data-module=Content]")).ToHaveCountAsync(0);

        // The inbox links a lead to its prospect page too.
        await page.GotoAsync("/leads");
        await page.Field("lead-search").FillAsync(email);
        await page.Field("lead-search").PressAsync("Enter");
        var row = page.TestId("lead-table").Locator("tr", new LocatorLocatorOptions { HasText = email });
        await Expect(row).ToHaveCountAsync(1);
        // The link's target, then the page it opens (a click on a row the search is still re-rendering can be lost:
        // following the link itself is what the browser does with it).
        var link = row.TestIdWithin("open-prospect");
        Assert.Equal($"/leads/{leadId}/prospect", await link.GetAttributeAsync("href"));
        await page.GotoAsync($"/leads/{leadId}/prospect");
        await Expect(page.TestId("prospect-name")).ToHaveTextAsync(name);

        // The board: the new prospect is in its stage's column, first (newest first).
        var stage = (await TandemApi.GetJsonAsync(api, $"/api/prospects/{prospectId}")).Str("stage");
        await page.GotoAsync("/pipeline");
        var card = page.Locator($"[data-testid=board-card][data-prospect-id='{prospectId}']");
        await Expect(page.TestId("column-" + stage).Locator($"[data-prospect-id='{prospectId}']")).ToHaveCountAsync(1);
        await page.ScreenshotAsync("pipeline");

        // Keyboard path: the card's menu moves it to won.
        await card.TestIdWithin("move-menu").Locator("button").First.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator(".mud-popover-open [data-testid=move-to-won]").ClickAsync();
        await Expect(page.TestId("column-won").Locator($"[data-prospect-id='{prospectId}']")).ToHaveCountAsync(1);
        await ExpectProspectAsync(prospectId!, stage, "won");

        // Drag: from won back to consideration (reopened, then moved).
        await card.DragToAsync(page.TestId("column-consideration").Locator(".mud-drop-zone"));
        await Expect(page.TestId("column-consideration").Locator($"[data-prospect-id='{prospectId}']")).ToHaveCountAsync(1);
        await ExpectProspectAsync(prospectId!, "consideration", "open");

        // Lost asks why first; nothing changes before the reason is confirmed.
        await card.TestIdWithin("move-menu").Locator("button").First.ClickAsync();
        await page.Locator(".mud-popover-open [data-testid=move-to-lost]").ClickAsync();
        await Expect(page.TestId("confirm-lost")).ToBeDisabledAsync();
        await ExpectProspectAsync(prospectId!, "consideration", "open");
        await page.Field("lost-reason").FillAsync("Chose a competitor");
        await page.TestId("confirm-lost").ClickAsync();
        await Expect(page.TestId("column-lost").Locator($"[data-prospect-id='{prospectId}']")).ToHaveCountAsync(1);
        var lost = await ExpectProspectAsync(prospectId!, "consideration", "lost");
        Assert.Equal("Chose a competitor", lost.Str("outcomeReason"));
        browser.Host.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task A_rep_writes_a_sequence_with_a_branch_previews_its_email_through_outreach_and_saves_it()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var page = await browser.NewPageAsync("fr-FR");
        await page.SignInAsync(Browser.AdminEmail, Browser.Password);
        await page.GotoAsync("/sequences");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Séquences");
        await Expect(page.TestId("sequence-table")).ToContainTextAsync("Rappel puis étude énergétique gratuite"); // the built-in one

        // Outreach refuses a nameless sequence: the error shows on the name field, nothing is stored.
        await page.TestId("save-sequence").ClickAsync();
        await Expect(page.TestId("sequence-errors")).ToContainTextAsync("name");
        await Expect(page.TestId("sequence-saved")).ToHaveCountAsync(0);

        await page.Field("sequence-name").FillAsync("Relance " + unique);
        var call = page.Locator("[data-testid=step][data-index='0']");
        await call.Locator("[data-testid=step-instructions] textarea, textarea[data-testid=step-instructions]").First.FillAsync("Appeler, proposer l'étude.");
        await call.TestIdWithin("add-branch").ClickAsync();
        await Expect(call.TestIdWithin("branch")).ToHaveCountAsync(1);
        var email = page.Locator("[data-testid=step][data-index='1']");
        await email.Locator("[data-testid=step-subject] input, input[data-testid=step-subject]").First.FillAsync("{{ firstName }}, votre étude");
        await email.Locator("[data-testid=step-body] textarea, textarea[data-testid=step-body]").First.FillAsync("Bonjour {{ firstName }} de {{ company }} !");
        await email.TestIdWithin("preview-step").ClickAsync();
        // Rendered by Outreach's Fluid templates for its sample person.
        await Expect(email.TestIdWithin("preview-subject")).ToHaveTextAsync("Camille, votre étude");
        await Expect(email.TestIdWithin("preview-body")).ToHaveTextAsync("Bonjour Camille de Transports Martin !");
        await page.ScreenshotAsync("sequences");

        await page.TestId("save-sequence").ClickAsync();
        await Expect(page.TestId("sequence-saved")).ToBeVisibleAsync();
        await Expect(page.TestId("sequence-table")).ToContainTextAsync("Relance " + unique);
        browser.Host.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task A_rep_saves_their_booking_settings_and_their_public_page_follows_them()
    {
        var page = await browser.NewPageAsync("en-US");
        await page.SignInAsync(Browser.AdminEmail, Browser.Password);
        await page.GotoAsync("/booking");
        await Expect(page.Locator("h1")).ToHaveTextAsync("My booking page");
        await Expect(page.TestId("booking-no-page")).ToBeVisibleAsync(); // nothing configured for this person yet

        // Outreach refuses what is not an http(s) ICS address; the error shows on the field and nothing is saved.
        await page.Field("booking-length").FillAsync("45");
        await page.Field("booking-buffer").FillAsync("15");
        await page.Field("booking-feed").FillAsync("webcal:not a feed");
        await page.TestId("save-booking").ClickAsync();
        await Expect(page.TestId("booking-form")).ToContainTextAsync("An http(s) address of an ICS feed.");
        await Expect(page.TestId("booking-no-page")).ToBeVisibleAsync();

        await page.Field("booking-feed").FillAsync("");
        await page.Field("booking-name").FillAsync("Alex de Solaire & Co");
        await page.TestId("save-booking").ClickAsync();
        var link = page.Field("booking-link");
        await Expect(link).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/book/admin%40tandem\\.test$"));
        await page.ScreenshotAsync("booking-settings");

        // The public page (no account) offers 45-minute slots in the saved time zone.
        var path = new Uri(await link.InputValueAsync()).PathAndQuery;
        using var response = await browser.Host.Anonymous.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, html);
        Assert.Contains("45 min — Europe/Paris", html, StringComparison.Ordinal);
        Assert.Contains("Alex de Solaire &amp; Co", html, StringComparison.Ordinal);

        // Saved settings stay: the page opens on them again.
        await page.ReloadAsync();
        await Expect(page.Field("booking-length")).ToHaveValueAsync("45");
        await Expect(page.Field("booking-link")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/book/"));
        browser.Host.AssertNoErrorsLogged();
    }

    private async Task<JsonNode> ExpectProspectAsync(string id, string stage, string outcome) =>
        await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(browser.Host.Http, $"/api/prospects/{id}"),
            p => p.Str("stage") == stage && p.Str("outcome") == outcome, TimeSpan.FromSeconds(10),
            p => $"stage {p.Str("stage")}, outcome {p.Str("outcome")}; expected {stage}, {outcome}");
}
