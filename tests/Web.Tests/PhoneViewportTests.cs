using Microsoft.Playwright;
using Tandem.Host.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Web.Tests;

/// <summary>
/// Reps in the field use a phone: at 390×844 (a common phone viewport, touch), My day with a call task and the prospect
/// page, and every other page of the app, fit the screen's width — no horizontal scroll.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneViewportTests(Browser browser, ITestOutputHelper output)
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>How far the page scrolls sideways, and the widest elements that stick out (for the failure message).</summary>
    private const string Overflow = """
        () => {
          const width = document.documentElement.clientWidth;
          const over = document.documentElement.scrollWidth - width;
          const out = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== 'fixed')
            .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].slice(0, 3).join('.')}[${e.dataset.testid ?? ''}] right=${Math.round(e.getBoundingClientRect().right)}`);
          return over + ' ' + out.join(' | ');
        }
        """;

    [Fact]
    public async Task My_day_the_prospect_page_and_the_other_pages_fit_a_phone_screen()
    {
        var api = browser.Host.Http;
        var unique = Guid.NewGuid().ToString("N")[..8];
        var email = $"mobile.{unique}@exemple-solaire.fr";
        var content = await TandemApi.SeedContentAsync(api, "mobile-" + unique);
        using (var submitted = await TandemApi.SubmitJsonAsync(browser.Host.Anonymous, content.FormId,
                   new { email, firstName = "Maëlys-Gwendoline" + unique, phone = "06 11 22 33 55", callback = true }))
            Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
        var leadId = (await Eventually.ValueAsync(() => TandemApi.LeadsByEmailAsync(api, email), l => l.Count > 0, Downstream, _ => "no lead yet")).Single()!.Str("id");
        var prospectId = await Eventually.ValueAsync(async () => (await TandemApi.ProspectsOfLeadAsync(api, leadId)).FirstOrDefault()?.Str("id"),
            id => id is not null, Downstream, id => $"prospect {id}");
        await Eventually.ValueAsync(async () => (await TandemApi.TasksOfProspectAsync(api, prospectId!)).Count, n => n > 0, Downstream, n => $"{n} tasks");

        var page = await browser.NewPageAsync("fr-FR", viewport: Phone);
        await page.SignInAsync(Browser.AdminEmail, Browser.Password);
        var failures = new List<string>();
        async Task CheckAsync(string path, ILocator ready)
        {
            await page.GotoAsync(path);
            await Expect(ready).ToBeVisibleAsync();
            await Expect(page.Locator(".mud-progress-indeterminate")).ToHaveCountAsync(0);
            var result = await page.EvaluateAsync<string>(Overflow);
            output.WriteLine($"{path}: {result}");
            if (!result.StartsWith("0 ", StringComparison.Ordinal)) failures.Add($"{path} scrolls sideways by {result}");
        }

        await CheckAsync("/my-day", page.Locator($"[data-testid=task-card]:has-text('{unique}')"));
        await page.ScreenshotAsync("phone-my-day");
        await CheckAsync($"/prospects/{prospectId}", page.TestId("timeline"));
        await page.ScreenshotAsync("phone-prospect");
        foreach (var path in new[] { "/leads", "/pipeline", "/sequences", "/booking", "/mql", "/dashboard", "/marketing/forms", "/marketing/pages",
                     "/marketing/campaigns", "/marketing/assets", "/marketing/imports", "/marketing/sources", "/admin", "/admin/keys", "/admin/compliance",
                     "/admin/privacy", "/admin/audit" })
            await CheckAsync(path, page.Locator("h1").First);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
