using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Playwright;
using Tandem.Host.Tests.Infrastructure;
using Tandem.Web.Components.Pages;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Web.Tests;

/// <summary>
/// The admin pages in a real browser against the shared host: an API key created on the page opens the API and is refused
/// once revoked; the compliance settings in force; a person exported and erased from the page, and both requests in the
/// audit log.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminPagesTests(Browser browser, ITestOutputHelper output)
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_api_key_created_on_the_page_is_shown_once_opens_the_api_and_is_refused_once_revoked()
    {
        var name = "site-" + Unique();
        var page = await browser.NewPageAsync("en-US");
        await page.SignInAsync(Browser.AdminEmail, Browser.Password);
        await page.GotoAsync("/admin/keys");
        await Expect(page.Locator("h1")).ToHaveTextAsync("API keys");
        await page.Field("key-name").FillAsync(name);
        await page.TestId("create-key").ClickAsync();
        await Expect(page.TestId("key-created")).ToContainTextAsync(name);
        var secret = (await page.TestId("key-secret").InnerTextAsync()).Trim();
        Assert.StartsWith("tdm_", secret);
        var row = page.TestId("keys").Locator("tr", new LocatorLocatorOptions { HasText = name });
        await Expect(row).ToContainTextAsync("marketing");
        await Expect(row).Not.ToContainTextAsync(secret); // never listed
        await page.ScreenshotAsync("api-keys");

        using var machine = new HttpClient { BaseAddress = browser.Host.BaseAddress };
        machine.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var opened = await machine.GetAsync("/api/content/campaigns"))
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);

        await row.TestIdWithin("revoke-key").ClickAsync();
        await page.Locator(".mud-dialog button", new PageLocatorOptions { HasText = "Revoke" }).Last.ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.TestId("key-created")).ToHaveCountAsync(0); // the secret is gone with its key
        using (var refused = await machine.GetAsync("/api/content/campaigns"))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // A name is required: the page names the field, nothing is created.
        var before = await page.TestId("keys").Locator("tbody tr").CountAsync();
        await page.TestId("create-key").ClickAsync();
        await Expect(page.TestId("key-errors")).ToContainTextAsync("name");
        Assert.Equal(before, await page.TestId("keys").Locator("tbody tr").CountAsync());
    }

    [Fact]
    public async Task The_compliance_page_shows_the_settings_in_force_and_where_to_change_them()
    {
        var page = await browser.NewPageAsync("fr-FR");
        await page.SignInAsync(Browser.AdminEmail, Browser.Password);
        await page.GotoAsync("/admin/compliance");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Paramètres de conformité");
        // appsettings.json sets the pack; the offer sector is not set, and said to be the default.
        await Expect(page.TestId("setting-Pack")).ToContainTextAsync("fr");
        await Expect(page.TestId("setting-Pack")).Not.ToContainTextAsync("par défaut");
        await Expect(page.TestId("setting-OfferSector")).ToContainTextAsync("non défini");
        await Expect(page.TestId("setting-OfferSector")).ToContainTextAsync("par défaut");
        await Expect(page.TestId("compliance-settings")).ToContainTextAsync("Tandem:Plugins:telephony:FromNumber");
        await Expect(page.GetByText("Tandem__Compliance__Pack=eu")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_person_is_exported_and_erased_from_the_page_and_both_requests_are_in_the_audit_log()
    {
        try
        {
            var email = $"droits.{Unique()}@exemple-solaire.fr";
            var content = await TandemApi.SeedContentAsync(browser.Host.Http, "guide-droits-" + Unique());
            using (var submitted = await TandemApi.SubmitJsonAsync(browser.Host.Anonymous, content.FormId, new { email }))
                Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
            Assert.Single(await TandemApi.LeadsByEmailAsync(browser.Host.Http, email));

            var page = await browser.NewPageAsync("fr-FR");
            await page.SignInAsync(Browser.AdminEmail, Browser.Password);
            await page.GotoAsync("/admin/privacy");
            await page.TestId("subject-export").ClickAsync();
            await Expect(page.TestId("subject-errors")).ToContainTextAsync("email"); // neither email nor phone
            await page.Field("subject-email").FillAsync(email);
            await page.TestId("subject-export").ClickAsync();
            await Expect(page.TestId("subject-export-result")).ToHaveAttributeAsync("data-leads", "1");
            var href = await page.TestId("subject-download").GetAttributeAsync("href");
            Assert.StartsWith("data:application/json;base64,", href);
            var document = System.Text.Json.Nodes.JsonNode.Parse(Convert.FromBase64String(href!["data:application/json;base64,".Length..]))!;
            Assert.Equal(email, document["leads"]!["leads"]![0]!.Str("email"));

            await page.TestId("subject-erase").ClickAsync();
            await page.Locator(".mud-dialog button", new PageLocatorOptions { HasText = "Effacer" }).Last.ClickAsync();
            await Expect(page.TestId("subject-erased")).ToHaveAttributeAsync("data-leads", "1");
            Assert.Empty(await TandemApi.LeadsByEmailAsync(browser.Host.Http, email));

            // The audit log, newest first, filtered by kind on the server: the erasure is there, by this admin, without the address.
            await page.GotoAsync("/admin/audit");
            await page.TestId("audit-kind").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "erasure-completed" }).First.ClickAsync();
            var first = page.TestId("audit").Locator("tbody tr").First;
            await Expect(first).ToContainTextAsync("erasure-completed");
            await Expect(first).ToContainTextAsync(Browser.AdminEmail);
            await Expect(page.TestId("audit")).Not.ToContainTextAsync(email);
            await Expect(page.TestId("audit").Locator("tbody tr", new LocatorLocatorOptions { HasText = "exported" })).ToHaveCountAsync(0);
            await page.ScreenshotAsync("audit-log");
            browser.Host.AssertNoErrorsLogged();
        }
        catch
        {
            output.WriteLine("host output:\n" + browser.Host.Output);
            throw;
        }
    }

    [Theory]
    [InlineData(typeof(ApiKeys))]
    [InlineData(typeof(ComplianceSettingsPage))]
    [InlineData(typeof(DataSubjectRequests))]
    [InlineData(typeof(AuditLog))]
    public void Admin_pages_are_for_admins_only(Type page) =>
        Assert.Equal("admin", page.GetCustomAttribute<AuthorizeAttribute>()!.Roles);
}
