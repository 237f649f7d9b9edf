using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Web.Components.Prospects;

namespace Tandem.Web.Tests;

/// <summary>
/// The call button's states (bUnit): a tel: link without a telephony plugin or without an open call task; a button that
/// places the call through Outreach when the plugin is active, showing placed or failed with the reason; nothing to
/// call with while the compliance verdict forbids calling now (its reasons and next slot shown instead).
/// </summary>
public sealed class CallButtonComponentTests
{
    private const string Phone = "+33612345678";
    private static readonly ContactCheck Allowed = new(true, [], null);

    private static BunitContext Context(string culture = "en-US")
    {
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = new(culture);
        var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        bunit.Services.AddSingleton(new UiTime(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Tandem:Web:TimeZone"] = "Europe/Paris" }).Build()));
        return bunit;
    }

    [Fact]
    public async Task Without_a_telephony_plugin_or_a_call_task_the_phone_is_a_tel_link()
    {
        await using var bunit = Context();
        var calls = 0;
        var inactive = bunit.Render<CallButton>(p => p.Add(c => c.Phone, Phone).Add(c => c.Verdict, Allowed).Add(c => c.TelephonyActive, false)
            .Add(c => c.Place, () => { calls++; return Task.FromResult(new TaskCallPlaced(TaskCallOutcomes.Placed, null, null, "CA1")); }));
        Assert.Equal("tel:" + Phone, inactive.Find("[data-testid=call-tel]").GetAttribute("href"));
        Assert.Empty(inactive.FindAll("[data-testid=call-button]"));

        var noTask = bunit.Render<CallButton>(p => p.Add(c => c.Phone, Phone).Add(c => c.Verdict, Allowed).Add(c => c.TelephonyActive, true));
        Assert.Equal("tel:" + Phone, noTask.Find("[data-testid=call-tel]").GetAttribute("href"));
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task With_the_plugin_the_button_places_the_call_and_shows_placed_or_failed_with_the_reason()
    {
        await using var bunit = Context();
        var answers = new Queue<TaskCallPlaced>([
            new(TaskCallOutcomes.Failed, "The telephony API refused the call (400: The 'To' number is not a valid phone number.).", null, null),
            new(TaskCallOutcomes.Placed, null, null, "CA42"),
        ]);
        var calls = 0;
        var button = bunit.Render<CallButton>(p => p.Add(c => c.Phone, Phone).Add(c => c.Verdict, Allowed).Add(c => c.TelephonyActive, true)
            .Add(c => c.Place, () => { calls++; return Task.FromResult(answers.Dequeue()); }));
        Assert.Empty(button.FindAll("a[href^='tel:']"));
        Assert.Contains(Phone, button.Find("[data-testid=call-button]").TextContent);

        button.Find("[data-testid=call-button]").Click();
        var failed = button.Find("[data-testid=call-result]");
        Assert.Equal("failed", failed.GetAttribute("data-outcome"));
        Assert.Contains("The call was not placed", failed.TextContent);
        Assert.Contains("not a valid phone number", failed.TextContent);

        button.Find("[data-testid=call-button]").Click();
        var placed = button.Find("[data-testid=call-result]");
        Assert.Equal("placed", placed.GetAttribute("data-outcome"));
        Assert.Contains("your phone rings first", placed.TextContent);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_forbidding_verdict_leaves_no_way_to_call_and_says_why_and_when_in_french()
    {
        await using var bunit = Context("fr-FR");
        var verdict = new ContactCheck(false, ["Hors des horaires autorisés (13:30)."], new DateTimeOffset(2026, 12, 1, 13, 0, 0, TimeSpan.Zero));
        foreach (var telephony in new[] { true, false })
        {
            var calls = 0;
            var button = bunit.Render<CallButton>(p => p.Add(c => c.Phone, Phone).Add(c => c.Verdict, verdict).Add(c => c.TelephonyActive, telephony)
                .Add(c => c.ShowVerdict, true)
                .Add(c => c.Place, () => { calls++; return Task.FromResult(new TaskCallPlaced(TaskCallOutcomes.Placed, null, null, "CA1")); }));
            Assert.Empty(button.FindAll("[data-testid=call-button]"));
            Assert.Empty(button.FindAll("a[href^='tel:']"));
            Assert.Contains(Phone, button.Find("[data-testid=call-forbidden]").TextContent);
            var shown = button.Find("[data-testid=call-verdict]").TextContent;
            Assert.Contains("Ne pas appeler maintenant", shown);
            Assert.Contains("Hors des horaires autorisés", shown);
            Assert.Contains("14:00", button.Find("[data-testid=call-next-slot]").TextContent); // 13:00 UTC in Paris
            Assert.Equal(0, calls);
        }
    }

    [Fact]
    public async Task A_call_refused_by_the_policy_on_the_server_shows_the_reason_and_next_slot()
    {
        await using var bunit = Context("en-GB");
        var button = bunit.Render<CallButton>(p => p.Add(c => c.Phone, Phone).Add(c => c.Verdict, Allowed).Add(c => c.TelephonyActive, true)
            .Add(c => c.Place, () => Task.FromResult(new TaskCallPlaced(TaskCallOutcomes.Blocked, "Outside the allowed hours.",
                new DateTimeOffset(2026, 12, 1, 13, 0, 0, TimeSpan.Zero), null))));
        button.Find("[data-testid=call-button]").Click();
        var result = button.Find("[data-testid=call-result]");
        Assert.Equal("blocked", result.GetAttribute("data-outcome"));
        Assert.Contains("Outside the allowed hours.", result.TextContent);
        Assert.Contains("14:00", result.TextContent);
    }
}
