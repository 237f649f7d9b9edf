using System.Reflection;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Shared.Errors;
using Tandem.Web.Components.Pages;
using Tandem.Web.Components.Sequences;

namespace Tandem.Web.Tests;

/// <summary>
/// The sequence step editor (bUnit): fields per channel, steps and branches added and removed (branch targets follow),
/// the template preview asked of Outreach and its error, Outreach's field errors on the right field, and the draft as
/// Outreach's DefineSequence. The real Fluid rendering is checked in the browser test.
/// </summary>
public sealed class SequenceEditorComponentTests
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

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<SequenceEditor> editor, string step, string testId) =>
        editor.Find($"[data-testid=step][data-index='{step}'] [data-testid={testId}] input, [data-testid=step][data-index='{step}'] input[data-testid={testId}], " +
                    $"[data-testid=step][data-index='{step}'] [data-testid={testId}] textarea, [data-testid=step][data-index='{step}'] textarea[data-testid={testId}]");

    [Fact]
    public async Task Each_channel_shows_its_fields_and_the_preview_is_rendered_by_the_given_renderer_or_shows_its_error()
    {
        await using var bunit = NewContext();
        var draft = SequenceDraft.Starter();
        var asked = new List<(string? Subject, string Body)>();
        Func<string?, string, Task<TemplatePreview>> render = (subject, body) =>
        {
            asked.Add((subject, body));
            return body.Contains("{%", StringComparison.Ordinal)
                ? throw ValidationFailedException.For("body", "Not a valid template: unclosed tag.")
                : Task.FromResult(new TemplatePreview(subject?.Replace("{{ firstName }}", "Camille", StringComparison.Ordinal),
                    body.Replace("{{ firstName }}", "Camille", StringComparison.Ordinal)));
        };
        var editor = bunit.Render<SequenceEditor>(p => p.Add(c => c.Draft, draft).Add(c => c.Render, render));

        Assert.Equal(2, editor.FindAll("[data-testid=step]").Count);
        Assert.Single(editor.FindAll("[data-testid=step][data-index='0'] [data-testid=step-instructions]"));
        Assert.Empty(editor.FindAll("[data-testid=step][data-index='0'] [data-testid=step-body]"));
        Assert.Single(editor.FindAll("[data-testid=step][data-index='1'] [data-testid=step-body]"));

        Input(editor, "1", "step-subject").Input("Votre étude, {{ firstName }}");
        Input(editor, "1", "step-body").Input("Bonjour {{ firstName }} !");
        editor.Find("[data-testid=step][data-index='1'] [data-testid=preview-step]").Click();
        Assert.Equal(("Votre étude, {{ firstName }}", "Bonjour {{ firstName }} !"), Assert.Single(asked));
        Assert.Equal("Votre étude, Camille", editor.Find("[data-testid=preview-subject]").TextContent);
        Assert.Equal("Bonjour Camille !", editor.Find("[data-testid=preview-body]").TextContent);

        Input(editor, "1", "step-body").Input("Bonjour {% if %}");
        editor.Find("[data-testid=step][data-index='1'] [data-testid=preview-step]").Click();
        Assert.Contains("unclosed tag", editor.Find("[data-testid=preview-error]").TextContent);
        Assert.Empty(editor.FindAll("[data-testid=step-preview]"));
    }

    [Fact]
    public async Task Outreach_field_errors_show_on_their_field()
    {
        await using var bunit = NewContext();
        var errors = new Dictionary<string, string[]> { ["steps[1].body"] = ["An email step needs a body."], ["name"] = ["This field is required."] };
        var editor = bunit.Render<SequenceEditor>(p => p.Add(c => c.Draft, SequenceDraft.Starter()).Add(c => c.Errors, errors)
            .Add(c => c.Render, (string? _, string _) => Task.FromResult(new TemplatePreview(null, ""))));

        Assert.Contains("An email step needs a body.", editor.Find("[data-testid=step][data-index='1']").TextContent);
        Assert.DoesNotContain("An email step needs a body.", editor.Find("[data-testid=step][data-index='0']").TextContent);
        Assert.Contains("This field is required.", editor.Markup);
    }

    [Fact]
    public async Task Steps_and_branches_are_added_and_removed_and_branch_targets_follow_their_step()
    {
        await using var bunit = NewContext();
        var draft = SequenceDraft.Starter();
        var editor = bunit.Render<SequenceEditor>(p => p.Add(c => c.Draft, draft)
            .Add(c => c.Render, (string? _, string _) => Task.FromResult(new TemplatePreview(null, ""))));

        editor.Find("[data-testid=add-step]").Click();
        editor.Find("[data-testid=step][data-index='0'] [data-testid=add-branch]").Click();
        editor.Find("[data-testid=step][data-index='1'] [data-testid=add-branch]").Click();
        Assert.Equal(3, draft.Steps.Count);
        Assert.Equal(TaskOutcomes.NoAnswer, draft.Steps[0].Branches.Single().When); // a call branches on its outcome
        Assert.Equal(BranchConditions.Replied, draft.Steps[1].Branches.Single().When); // an email on the reply
        draft.Steps[0].Branches[0].GoTo = 2; // no answer: skip the email, straight to the third step
        draft.Steps[1].Branches[0].GoTo = null; // replied: stop

        // The middle step goes: the first step's branch now points at the step that moved up.
        editor.Find("[data-testid=step][data-index='1'] [data-testid=remove-step]").Click();
        // MudBlazor's button handles the click asynchronously: wait for the markup (seen failing under CI load otherwise).
        editor.WaitForAssertion(() => Assert.Equal(2, editor.FindAll("[data-testid=step]").Count), TimeSpan.FromSeconds(10));
        Assert.Equal(1, draft.Steps[0].Branches[0].GoTo);
        editor.Find("[data-testid=step][data-index='0'] [data-testid=remove-branch]").Click();
        Assert.Empty(draft.Steps[0].Branches);

        // A branch into a removed step stops instead.
        draft.Steps[0].Branches.Add(new BranchDraft { When = TaskOutcomes.Busy, GoTo = 1 });
        draft.Remove(draft.Steps[1]);
        Assert.Null(draft.Steps[0].Branches[0].GoTo);
    }

    [Fact]
    public void The_draft_becomes_define_sequence_with_each_channels_text_only()
    {
        var draft = SequenceDraft.Starter();
        draft.Name = "  Relance installateurs  ";
        draft.AutoEnroll = true;
        draft.Steps[0].Instructions = "Appeler et proposer l'étude.";
        draft.Steps[0].Subject = "ignored for a call";
        draft.Steps[0].Branches.Add(new BranchDraft { When = TaskOutcomes.NoAnswer, GoTo = 1 });
        draft.Steps[1].Instructions = "ignored for an email";

        var command = draft.ToCommand();

        Assert.Equal("Relance installateurs", command.Name);
        Assert.True(command.AutoEnroll);
        Assert.True(command.StopOnReply);
        Assert.Equal(new SequenceStepDefinition(StepKinds.Call, 0, null, null, "Appeler et proposer l'étude.", command.Steps[0].Branches), command.Steps[0]);
        Assert.Equal([new SequenceBranch(TaskOutcomes.NoAnswer, 1)], command.Steps[0].Branches!);
        Assert.Equal(StepKinds.Email, command.Steps[1].Kind);
        Assert.Equal(2, command.Steps[1].WaitDays);
        Assert.Equal("{{ firstName }}, ", command.Steps[1].Subject);
        Assert.Null(command.Steps[1].Instructions);
        Assert.Null(command.Steps[1].Branches);

        var copy = SequenceDraft.CopyOf(new SequenceDetails("s1", "Rappel", command.Steps, false, true, DateTimeOffset.UnixEpoch), "Rappel (2)");
        Assert.False(copy.AutoEnroll); // a copy never takes over auto-enrolment by itself
        Assert.False(copy.StopOnReply);
        Assert.Equal(1, copy.Steps[0].Branches[0].GoTo);
    }

    [Fact]
    public void The_sequences_page_is_open_to_sales_managers_and_admins_only() =>
        Assert.Equal(["admin", "sales", "manager"], typeof(Sequences).GetCustomAttribute<AuthorizeAttribute>()!.Roles!.Split(','));
}
