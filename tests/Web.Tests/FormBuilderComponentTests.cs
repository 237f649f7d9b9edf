using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Tandem.Modules.Content.Contracts;
using Tandem.Web.Components.Forms;

namespace Tandem.Web.Tests;

/// <summary>The form builder's components with bUnit: the editor changes the draft, the preview shows what visitors will see.</summary>
public sealed class FormBuilderComponentTests
{
    /// <summary>A bUnit context with MudBlazor and the UI's resources (disposed asynchronously: MudBlazor's services require it).</summary>
    private static BunitContext NewContext()
    {
        var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        // MudBlazor's inputs need their popover provider in the tree.
        bunit.Render<MudPopoverProvider>();
        return bunit;
    }

    [Fact]
    public async Task The_preview_shows_each_field_the_consent_texts_unticked_and_the_callback_choice_only_when_offered()
    {
        await using var bunit = NewContext();
        var draft = FormDraft.Starter();
        draft.Name = "Guide solaire";
        draft.Consents.Add(new ConsentDraft { Purpose = "newsletter", Text = "J'accepte la lettre d'information", Required = false });

        var preview = bunit.Render<FormPreview>(p => p.Add(c => c.Form, draft));

        Assert.Contains("Guide solaire", preview.Markup);
        Assert.Contains("Email *", preview.Markup); // required fields are marked
        Assert.Contains("J'accepte la lettre d'information", preview.Find(".mud-checkbox").TextContent);
        Assert.All(preview.FindAll("input[type=checkbox]"), box => Assert.False(box.HasAttribute("checked")));
        Assert.Empty(preview.FindAll("[data-testid=preview-callback]"));

        draft.OffersCallback = true;
        preview.Render(p => p.Add(c => c.Form, draft));
        Assert.Single(preview.FindAll("[data-testid=preview-callback]"));
    }

    [Fact]
    public async Task The_editor_adds_a_consent_and_reports_the_change_and_the_draft_becomes_a_create_form_command()
    {
        await using var bunit = NewContext();
        var draft = new FormDraft { Name = "  Devis  " };
        draft.Fields.Add(new FieldDraft { Name = "email", Label = "Email", Type = FieldTypes.Email, Required = true });
        draft.Fields.Add(new FieldDraft { Name = "toit", Label = "Toit", Type = FieldTypes.Select, Options = "tuiles\n ardoise \n\nbac acier" });
        var changes = 0;

        var editor = bunit.Render<FormEditor>(p => p.Add(c => c.Form, draft).Add(c => c.FormChanged, (FormDraft _) => changes++));
        editor.Find("[data-testid=add-consent]").Click();

        Assert.Equal(1, changes);
        var consent = Assert.Single(draft.Consents);
        consent.Purpose = "newsletter";
        consent.Text = "Oui";
        draft.OffersCallback = true;

        var command = draft.ToCommand();
        Assert.Equal("Devis", command.Name);
        Assert.Equal(["email", "toit"], command.Fields.Select(f => f.Name));
        Assert.Equal(["tuiles", "ardoise", "bac acier"], command.Fields[1].Options);
        Assert.Null(command.Fields[0].Options);
        Assert.Equal(new FormConsentSpec("newsletter", "Oui", false), Assert.Single(command.Consents!));
        Assert.True(command.OffersCallback);
    }
}
