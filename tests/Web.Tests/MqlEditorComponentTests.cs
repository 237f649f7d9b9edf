using System.Reflection;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Tandem.Modules.Leads.Contracts;
using Tandem.Web.Components.Mql;
using Tandem.Web.Components.Pages;

namespace Tandem.Web.Tests;

/// <summary>The MQL definition editor (bUnit): it shows the definition in force and turns the edits into Leads' PutMqlDefinition.</summary>
public sealed class MqlEditorComponentTests
{
    private static readonly MqlDefinition InForce = new(50,
        [new MqlRule("form-submitted", 10, "Submitted a form."), new MqlRule("callback-requested", 50, "Asked to be called back.")],
        90, 30, [new StageThreshold("awareness", 0), new StageThreshold("decision", 40)]);

    [Fact]
    public async Task The_editor_shows_the_definition_and_the_edits_become_the_put_command()
    {
        await using var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        bunit.Render<MudPopoverProvider>();
        var draft = MqlDraft.From(InForce);

        var editor = bunit.Render<MqlEditor>(p => p.Add(c => c.Draft, draft));

        Assert.Equal("50", Input(editor, "mql-threshold").GetAttribute("value"));
        Assert.Contains("Asked to be called back.", editor.Find("[data-testid=mql-rules]").TextContent);
        Input(editor, "points-callback-requested").Input("35");
        Input(editor, "mql-threshold").Input("40");
        Input(editor, "stage-decision").Input("30");

        var command = draft.ToCommand(new ApiCaller("web:marketer@tandem.test", "marketer@tandem.test"));
        Assert.Equal(40, command.Threshold);
        Assert.Equal([("form-submitted", 10), ("callback-requested", 35)], command.Rules!.Select(r => (r.Rule, r.Points)));
        Assert.Equal(90, command.HalfLifeDays);
        Assert.Equal(30, command.RepeatWindowDays);
        Assert.Equal([("awareness", 0), ("decision", 30)], command.Stages!.Select(s => (s.Stage, s.MinScore)));
        Assert.Equal("marketer@tandem.test", command.Caller!.KeyName);
    }

    /// <summary>A MudNumericField's input (MudBlazor puts the test id on the input element itself).</summary>
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<MqlEditor> editor, string testId) =>
        editor.Find($"input[data-testid='{testId}'], [data-testid='{testId}'] input");

    [Fact]
    public void The_page_is_shared_by_marketing_and_sales_and_closed_to_managers()
    {
        var roles = typeof(MqlDefinitionPage).GetCustomAttribute<AuthorizeAttribute>()!.Roles!.Split(',');
        Assert.Equal(["admin", "marketing", "sales"], roles);
    }
}
