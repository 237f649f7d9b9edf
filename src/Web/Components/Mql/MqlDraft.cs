using Tandem.Modules.Leads.Contracts;

namespace Tandem.Web.Components.Mql;

/// <summary>The MQL definition being edited: threshold, points per rule, decay, repeat window and stage thresholds.</summary>
public sealed class MqlDraft
{
    public int Threshold { get; set; }
    public int HalfLifeDays { get; set; }
    public int RepeatWindowDays { get; set; }
    public List<MqlRuleDraft> Rules { get; init; } = [];
    public List<StageDraft> Stages { get; init; } = [];

    /// <summary>A draft of the definition in force.</summary>
    public static MqlDraft From(MqlDefinition definition) => new()
    {
        Threshold = definition.Threshold,
        HalfLifeDays = definition.HalfLifeDays,
        RepeatWindowDays = definition.RepeatWindowDays,
        Rules = definition.Rules.Select(r => new MqlRuleDraft { Rule = r.Rule, Points = r.Points, Description = r.Description }).ToList(),
        Stages = (definition.Stages ?? []).Select(s => new StageDraft { Stage = s.Stage, MinScore = s.MinScore }).ToList(),
    };

    /// <summary>The Leads command that replaces the shared definition with this draft (Leads validates it).</summary>
    public PutMqlDefinition ToCommand(ApiCaller? caller) => new(
        Threshold,
        Rules.Select(r => new MqlRule(r.Rule, r.Points, r.Description)).ToList(),
        HalfLifeDays,
        RepeatWindowDays,
        Stages.Count == 0 ? null : Stages.Select(s => new StageThreshold(s.Stage, s.MinScore)).ToList(),
        caller);
}

/// <summary>One scoring rule's points.</summary>
public sealed class MqlRuleDraft
{
    public string Rule { get; set; } = "";
    public int Points { get; set; }
    public string Description { get; set; } = "";
}

/// <summary>The score from which a lead is in a journey stage.</summary>
public sealed class StageDraft
{
    public string Stage { get; set; } = "";
    public int MinScore { get; set; }
}
