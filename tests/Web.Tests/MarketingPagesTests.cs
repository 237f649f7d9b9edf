using System.Net;
using Microsoft.Playwright;
using Tandem.Host.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Web.Tests;

/// <summary>
/// The marketing pages in a real browser against the shared host: campaigns with cost and the cost per lead computed from
/// a real lead captured on the campaign's form; assets by journey stage; a rep is refused both pages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MarketingPagesTests(Browser browser, ITestOutputHelper output)
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Marketing_creates_and_edits_a_campaign_and_sees_its_cost_per_lead()
    {
        try
        {
            var unique = Unique();
            var page = await browser.NewPageAsync("en-US");
            await page.SignInAsync(Browser.AdminEmail, Browser.Password);
            await page.GotoAsync("/marketing/campaigns");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Campaigns");

            await page.Field("campaign-name").FillAsync("Home fair " + unique);
            await page.Field("campaign-cost").FillAsync("600");
            await page.Field("campaign-starts").FillAsync(DateTime.Today.ToString("MM/dd/yyyy", System.Globalization.CultureInfo.InvariantCulture));
            await page.Field("campaign-starts").PressAsync("Tab");
            await page.TestId("save-campaign").ClickAsync();
            await Expect(page.TestId("campaign-saved")).ToContainTextAsync("Home fair " + unique);
            var row = page.TestId("campaigns").Locator("tr", new LocatorLocatorOptions { HasText = "Home fair " + unique });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row).ToContainTextAsync("600.00");

            // A visitor leaves their address on a form of this campaign: the campaign has one lead, its cost per lead is its cost.
            var campaigns = await TandemApi.GetJsonAsync(browser.Host.Http, "/api/content/campaigns?pageSize=500");
            var campaignId = campaigns["items"]!.AsArray().Single(c => c!.Str("name") == "Home fair " + unique)!.Str("id");
            var formId = await TandemApi.PostCreatedAsync(browser.Host.Http, "/api/content/forms", new
            {
                name = "Fair " + unique, campaignId,
                fields = new object[] { new { name = "email", label = "E-mail", type = "email", required = true } },
                offersCallback = false,
            });
            using (var submitted = await TandemApi.SubmitJsonAsync(browser.Host.Anonymous, formId, new { email = $"fair.{unique}@exemple-solaire.fr" }))
                Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);

            // Edit: twice the cost; the list shows the new cost and 1,200 per lead.
            await page.ReloadAsync();
            await Expect(row.TestIdWithin("campaign-leads")).ToHaveTextAsync("1");
            await Expect(row.TestIdWithin("campaign-cpl")).ToContainTextAsync("600.00");
            await row.TestIdWithin("edit-campaign").ClickAsync();
            await Expect(page.Field("campaign-name")).ToHaveValueAsync("Home fair " + unique);
            await page.Field("campaign-cost").FillAsync("1200");
            await page.Field("campaign-cost").PressAsync("Tab");
            await page.TestId("save-campaign").ClickAsync();
            await Expect(row.TestIdWithin("campaign-cpl")).ToContainTextAsync("1,200.00");
            await page.ScreenshotAsync("campaigns");

            // A bad currency is refused with the field named, and nothing changes.
            await row.TestIdWithin("edit-campaign").ClickAsync();
            await page.Field("campaign-currency").FillAsync("E1");
            await page.TestId("save-campaign").ClickAsync();
            await Expect(page.TestId("campaign-errors")).ToContainTextAsync("cost.currency");
            Assert.Equal(1200m, (await TandemApi.GetJsonAsync(browser.Host.Http, $"/api/content/campaigns/{campaignId}"))["cost"]!["amount"]!.GetValue<decimal>());
        }
        catch
        {
            output.WriteLine("host output:\n" + browser.Host.Output);
            throw;
        }
    }

    [Fact]
    public async Task Marketing_files_assets_by_journey_stage_and_a_rep_cannot_open_the_marketing_pages()
    {
        var unique = Unique();
        var page = await browser.NewPageAsync("fr-FR");
        await page.SignInAsync(Browser.AdminEmail, Browser.Password);
        await page.GotoAsync("/marketing/assets");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Contenus");
        await page.Field("asset-title").FillAsync("Comparatif pompes à chaleur " + unique);
        await page.TestId("asset-stage").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "Décision" }).First.ClickAsync();
        await page.Field("asset-interest").FillAsync("heat-pump");
        await page.Field("asset-url").FillAsync("https://cdn.exemple-solaire.fr/comparatif.pdf");
        await page.TestId("save-asset").ClickAsync();
        await Expect(page.TestId("asset-saved")).ToContainTextAsync(unique);

        // Filtered by stage on the server: there under "decision", not under "awareness".
        var row = page.TestId("assets").Locator("tr", new LocatorLocatorOptions { HasText = unique });
        await page.TestId("asset-filter-stage").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "Décision" }).First.ClickAsync();
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("heat-pump");
        await page.ScreenshotAsync("assets");
        await page.TestId("asset-filter-stage").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "Découverte" }).First.ClickAsync();
        await Expect(row).ToHaveCountAsync(0);

        var repEmail = $"rep.assets.{unique}@tandem.test";
        await WebUsers.CreateAsync(page, repEmail, "sales");
        var rep = await browser.NewPageAsync("fr-FR");
        await rep.SignInAsync(repEmail, Browser.Password);
        foreach (var path in new[] { "/marketing/assets", "/marketing/campaigns" })
        {
            await rep.GotoAsync(path);
            await rep.WaitForURLAsync(url => url.Contains("/account/denied", StringComparison.Ordinal));
        }
        browser.Host.AssertNoErrorsLogged();
    }
}

/// <summary>People created on the admin page, as an admin does it.</summary>
internal static class WebUsers
{
    public static async Task CreateAsync(IPage admin, string email, string role)
    {
        await admin.GotoAsync("/admin");
        await admin.Field("user-email").FillAsync(email);
        await admin.TestId("user-role").ClickAsync();
        await admin.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = role }).First.ClickAsync();
        await admin.Field("user-password").FillAsync(Browser.Password);
        await admin.TestId("create-user").ClickAsync();
        await Expect(admin.TestId("users").Locator("tr", new LocatorLocatorOptions { HasText = email })).ToContainTextAsync(role);
    }
}
