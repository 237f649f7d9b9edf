using Tandem.Modules.Outreach.Contracts;

namespace Tandem.Web.Components.Sequences;

/// <summary>A sequence being written: its name, options and steps. Sequences do not change once defined: saving defines a new one.</summary>
public sealed class SequenceDraft
{
    public string Name { get; set; } = "";
    public bool StopOnReply { get; set; } = true;
    public bool AutoEnroll { get; set; }
    public List<StepDraft> Steps { get; init; } = [];

    /// <summary>A first draft: a call now, then an email two business days later.</summary>
    public static SequenceDraft Starter() => new()
    {
        Steps =
        [
            new StepDraft { Kind = StepKinds.Call, WaitDays = 0, Instructions = "" },
            new StepDraft { Kind = StepKinds.Email, WaitDays = 2, Subject = "{{ firstName }}, ", Body = "Bonjour {{ firstName }},\n\n" },
        ],
    };

    /// <summary>A copy of a defined sequence, to start a new one from it.</summary>
    public static SequenceDraft CopyOf(SequenceDetails sequence, string name) => new()
    {
        Name = name,
        StopOnReply = sequence.StopOnReply,
        AutoEnroll = false,
        Steps = sequence.Steps.Select(s => new StepDraft
        {
            Kind = s.Kind, WaitDays = s.WaitDays, Subject = s.Subject, Body = s.Body, Instructions = s.Instructions,
            Branches = (s.Branches ?? []).Select(b => new BranchDraft { When = b.When, GoTo = b.GoTo }).ToList(),
        }).ToList(),
    };

    /// <summary>
    /// Outreach's command: text only where the step's kind uses it (an email's subject and body, the instructions of the
    /// others), trimmed names, the branches as given (Outreach validates them: forward only, known conditions).
    /// </summary>
    public DefineSequence ToCommand() => new(
        Name.Trim(),
        Steps.Select(s => new SequenceStepDefinition(
            s.Kind,
            s.WaitDays,
            s.IsEmail ? Blank(s.Subject) : null,
            s.IsEmail ? Blank(s.Body) : null,
            s.IsEmail ? null : Blank(s.Instructions),
            s.Branches.Count == 0 ? null : s.Branches.Select(b => new SequenceBranch(b.When, b.GoTo)).ToList())).ToList(),
        StopOnReply,
        AutoEnroll);

    public void Remove(StepDraft step)
    {
        var index = Steps.IndexOf(step);
        if (index < 0) return;
        Steps.RemoveAt(index);
        // Branches point at indices: those into the removed step now stop, those beyond it follow their step.
        foreach (var branch in Steps.SelectMany(s => s.Branches))
            branch.GoTo = branch.GoTo switch { { } to when to == index => null, { } to when to > index => to - 1, var to => to };
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}

/// <summary>One step: its channel, the wait in business days, its template or instructions, and its branches.</summary>
public sealed class StepDraft
{
    public string Kind { get; set; } = StepKinds.Email;
    public int WaitDays { get; set; }
    public string? Subject { get; set; }
    public string? Body { get; set; }
    public string? Instructions { get; set; }
    public List<BranchDraft> Branches { get; init; } = [];
    /// <summary>The last preview of the template rendered by Outreach.</summary>
    public TemplatePreview? Preview { get; set; }

    public bool IsEmail => Kind == StepKinds.Email;
}

/// <summary>When the step ends with <see cref="When"/>, go to step <see cref="GoTo"/> (an index) or stop (null).</summary>
public sealed class BranchDraft
{
    public string When { get; set; } = TaskOutcomes.NoAnswer;
    public int? GoTo { get; set; }
}
