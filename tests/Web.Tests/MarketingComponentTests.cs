using System.Globalization;
using System.Reflection;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Tandem.Modules.Content.Contracts;
using Tandem.Web.Components.Marketing;
using Tandem.Web.Components.Pages;

namespace Tandem.Web.Tests;

/// <summary>The campaign and asset editors (bUnit): what is typed becomes Content's create or update command.</summary>
public sealed class MarketingComponentTests
{
    private static BunitContext NewContext()
    {
        var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        bunit.Render<MudPopoverProvider>();
        return bunit;
    }

    private static AngleSharp.Dom.IElement Input<T>(IRenderedComponent<T> component, string testId) where T : Microsoft.AspNetCore.Components.IComponent =>
        component.Find($"input[data-testid='{testId}'], [data-testid='{testId}'] input");

    [Fact]
    public async Task A_new_campaign_typed_in_the_editor_becomes_the_create_command_with_its_cost_and_dates()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("fr-FR");
        try
        {
            await using var bunit = NewContext();
            var draft = new CampaignDraft();
            var editor = bunit.Render<CampaignEditor>(p => p.Add(c => c.Draft, draft));

            Assert.Contains("Nouvelle campagne", editor.Markup);
            Assert.Empty(editor.FindAll("[data-testid=cancel-campaign]")); // nothing to cancel on a new one
            Input(editor, "campaign-name").Input("  Salon de l'habitat  ");
            Input(editor, "campaign-cost").Input("1250,50");
            Input(editor, "campaign-cost").Blur();
            Input(editor, "campaign-currency").Input("eur");
            Input(editor, "campaign-starts").Change("01/03/2027");
            Input(editor, "campaign-ends").Change("31/03/2027");

            var command = draft.ToCreate();
            Assert.Equal("Salon de l'habitat", command.Name);
            Assert.Equal(CampaignChannels.Content, command.Channel);
            Assert.Equal(new Money(1250.50m, "EUR"), command.Cost);
            Assert.Equal((new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 31)), (command.StartsOn!.Value, command.EndsOn!.Value));
        }
        finally
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
        }
    }

    [Fact]
    public async Task An_existing_campaign_is_edited_in_place_and_its_errors_are_shown()
    {
        await using var bunit = NewContext();
        var campaign = new CampaignDetails("c1", "Guide solaire", CampaignChannels.Paid, new Money(1500m, "EUR"), new DateOnly(2026, 9, 1), null, DateTimeOffset.UnixEpoch);
        var draft = CampaignDraft.From(campaign);
        var cancelled = false;
        var editor = bunit.Render<CampaignEditor>(p => p.Add(c => c.Draft, draft).Add(c => c.Errors, ["cost.currency: An ISO 4217 code such as EUR."])
            .Add(c => c.OnCancel, () => cancelled = true));

        Assert.Equal("Guide solaire", Input(editor, "campaign-name").GetAttribute("value"));
        Assert.Contains("cost.currency: An ISO 4217 code such as EUR.", editor.Find("[data-testid=campaign-errors]").TextContent);
        Input(editor, "campaign-cost").Input("");
        Input(editor, "campaign-cost").Blur();
        editor.Find("[data-testid=cancel-campaign]").Click();
        // MudButton runs OnClick through its own async handler: on a busy machine the callback may come a moment later.
        editor.WaitForAssertion(() => Assert.True(cancelled), TimeSpan.FromSeconds(10));

        var update = draft.ToUpdate();
        Assert.Equal(("c1", CampaignChannels.Paid, (Money?)null, new DateOnly(2026, 9, 1), (DateOnly?)null),
            (update.Id, update.Channel, update.Cost, update.StartsOn!.Value, update.EndsOn));
        Assert.Throws<InvalidOperationException>(() => new CampaignDraft().ToUpdate());
    }

    [Fact]
    public async Task An_asset_typed_in_the_editor_becomes_the_command_with_its_stage_and_a_lower_case_interest()
    {
        await using var bunit = NewContext();
        var draft = AssetDraft.From(new AssetDetails("a1", "Le guide", AssetKinds.Guide, JourneyStages.Decision, null, DateTimeOffset.UnixEpoch, null, 3));
        var editor = bunit.Render<AssetEditor>(p => p.Add(c => c.Draft, draft));

        Input(editor, "asset-title").Input("Le guide du solaire");
        Input(editor, "asset-interest").Input(" Solar ");
        Input(editor, "asset-url").Input("https://cdn.exemple-solaire.fr/guide.pdf");

        var update = draft.ToUpdate();
        Assert.Equal(("a1", "Le guide du solaire", AssetKinds.Guide, JourneyStages.Decision, "https://cdn.exemple-solaire.fr/guide.pdf", "solar"),
            (update.Id, update.Title, update.Kind, update.JourneyStage, update.Url, update.Interest));
        Input(editor, "asset-url").Input("   ");
        Assert.Null(draft.ToCreate().Url); // blank is no URL, not an invalid one
    }

    [Fact]
    public void Cost_per_lead_is_the_cost_over_the_leads_and_nothing_without_leads_or_cost()
    {
        Assert.Equal(12.35m, UiFormat.PerLead(new Money(1235m, "EUR"), 100));
        Assert.Equal(333.33m, UiFormat.PerLead(new Money(1000m, "EUR"), 3));
        Assert.Null(UiFormat.PerLead(new Money(1000m, "EUR"), 0));
        Assert.Null(UiFormat.PerLead(null, 10));
    }

    [Theory]
    [InlineData(typeof(Campaigns))]
    [InlineData(typeof(Assets))]
    public void Marketing_pages_are_for_marketing_and_admins_only(Type page)
    {
        var roles = page.GetCustomAttribute<AuthorizeAttribute>()!.Roles!.Split(',');
        Assert.Equal(["admin", "marketing"], roles);
    }
}
