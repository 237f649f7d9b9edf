using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;

namespace Tandem.Modules.Leads.Scoring;

/// <summary>One action to score: the rule, what it was about (its action key, for anti-farming), when.</summary>
internal sealed record ScoredAction(string Rule, string? ActionKey, DateTimeOffset At, string? Interest = null, string? Detail = null);

/// <summary>
/// Adds points to a tracked lead (whose <see cref="Lead.ScoreEntries"/> hold every entry), evaluates it, moves its journey
/// stage, and makes it an MQL when a new lead reaches the threshold — publishing <see cref="LeadQualified"/> in the same
/// save. The caller saves.
/// </summary>
internal static class Scorer
{
    public const string System = "scoring";

    /// <summary>Adds the actions that are not repeats; returns how many were added.</summary>
    public static int Add(Lead lead, IEnumerable<ScoredAction> actions, MqlDefinition definition, string? mergeId = null)
    {
        var added = 0;
        var points = definition.Rules.GroupBy(r => r.Rule).ToDictionary(g => g.Key, g => g.Last().Points, StringComparer.Ordinal);
        foreach (var action in actions)
        {
            if (ScoreCard.IsRepeat(lead.ScoreEntries, action.Rule, action.ActionKey, action.At, definition)) continue;
            lead.ScoreEntries.Add(new ScoreEntry
            {
                LeadId = lead.Id, Rule = action.Rule, Points = points.GetValueOrDefault(action.Rule), At = action.At,
                ActionKey = action.ActionKey, Interest = action.Interest, Detail = action.Detail, MergeId = mergeId,
            });
            added++;
        }
        return added;
    }

    /// <summary>Evaluates the lead at <paramref name="now"/>; true when it just became an MQL (the caller has published nothing yet: this did).</summary>
    public static bool Evaluate(LeadsDbContext db, Lead lead, MqlDefinition definition, DateTimeOffset now)
    {
        var score = ScoreCard.Evaluate(lead.ScoreEntries, definition, now);
        lead.Score = score.Value;
        lead.JourneyStage = ScoreCard.StageOf(score.Value, definition);
        if (lead.Status != LeadStatus.New || score.Value < definition.Threshold) return false;
        lead.Status = LeadStatus.Mql;
        lead.QualifiedAt = now;
        db.StatusChanges.Add(new LeadStatusEntry
        {
            LeadId = lead.Id, From = LeadStatus.New, To = LeadStatus.Mql, By = System,
            Reason = $"Score {score.Value} reached the MQL threshold {definition.Threshold}.", At = now,
        });
        // Only a lead that chose "call me back" is ever described as having asked for a call.
        db.Publish(new LeadQualified(lead.Id, lead.Kind, lead.Company, lead.JobTitle, lead.PostalCode, score.Value,
            lead.CallbackRequestedAt is not null, lead.CallbackRequestedAt, now));
        return true;
    }
}
