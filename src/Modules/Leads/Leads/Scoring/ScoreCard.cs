using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;

namespace Tandem.Modules.Leads.Scoring;

/// <summary>
/// The score of a lead at a moment under a definition: each entry is worth its rule's points in the definition in force,
/// halved every <see cref="MqlDefinition.HalfLifeDays"/> since it happened (docs/leads.md, "Scoring"). Pure: no clock, no
/// database, so that decay is tested with any time.
/// </summary>
internal static class ScoreCard
{
    public static LeadScore Evaluate(IEnumerable<ScoreEntry> entries, MqlDefinition definition, DateTimeOffset now)
    {
        var points = definition.Rules.GroupBy(r => r.Rule).ToDictionary(g => g.Key, g => g.Last().Points, StringComparer.Ordinal);
        var reasons = new List<LeadScoreReason>();
        var interests = new Dictionary<string, double>(StringComparer.Ordinal);
        var total = 0.0;
        foreach (var entry in entries.OrderBy(e => e.At).ThenBy(e => e.Id))
        {
            var rulePoints = points.GetValueOrDefault(entry.Rule, 0);
            var current = rulePoints * Decay(entry.At, now, definition.HalfLifeDays);
            total += current;
            if (entry.Interest is { } interest) interests[interest] = interests.GetValueOrDefault(interest) + current;
            reasons.Add(new LeadScoreReason(entry.Rule, rulePoints, entry.At, (int)Math.Round(current, MidpointRounding.AwayFromZero), entry.Interest, entry.Detail));
        }
        return new LeadScore(
            (int)Math.Round(total, MidpointRounding.AwayFromZero),
            reasons,
            interests.OrderByDescending(i => i.Value).Select(i => new InterestScore(i.Key, (int)Math.Round(i.Value, MidpointRounding.AwayFromZero))).ToList());
    }

    /// <summary>What is left of one point after the time since <paramref name="at"/>: 1 now, ½ after one half-life.</summary>
    public static double Decay(DateTimeOffset at, DateTimeOffset now, int halfLifeDays)
    {
        if (halfLifeDays <= 0 || now <= at) return 1;
        return Math.Pow(0.5, (now - at).TotalDays / halfLifeDays);
    }

    /// <summary>The furthest stage whose threshold the score reaches.</summary>
    public static string StageOf(int score, MqlDefinition definition)
    {
        var stage = JourneyStage.Awareness;
        foreach (var threshold in (definition.Stages ?? MqlDefaults.Stages).OrderBy(s => s.MinScore))
            if (score >= threshold.MinScore) stage = threshold.Stage;
        return stage;
    }

    /// <summary>
    /// Anti-farming: true when the same rule already fired for the same action (form, page, asset, email) within the repeat
    /// window, so that sending the same form again and again adds its points once per window.
    /// </summary>
    public static bool IsRepeat(IEnumerable<ScoreEntry> entries, string rule, string? actionKey, DateTimeOffset at, MqlDefinition definition)
    {
        var window = TimeSpan.FromDays(Math.Max(0, definition.RepeatWindowDays));
        return entries.Any(e => e.Rule == rule && e.ActionKey == actionKey && (at - e.At).Duration() < window);
    }
}

/// <summary>The default MQL definition, from configuration (<c>Tandem:Leads:Mql:*</c>) until someone changes it.</summary>
internal static class MqlDefaults
{
    public static readonly IReadOnlyList<StageThreshold> Stages =
    [
        new(JourneyStage.Awareness, 0), new(JourneyStage.Consideration, 15), new(JourneyStage.Decision, 40),
    ];

    public static MqlDefinition From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        int Points(string key, int fallback) => Microsoft.Extensions.Configuration.ConfigurationBinder.GetValue(configuration, $"Tandem:Leads:Mql:{key}", fallback);
        return new MqlDefinition(
            Points("Threshold", 50),
            [
                new(ScoringRule.FormSubmitted, Points("FormSubmittedPoints", 10), "Submitted a form (once per form per repeat window)."),
                new(ScoringRule.CallbackRequested, Points("CallbackRequestedPoints", 50), "Explicitly asked to be called back (the separate choice on a form)."),
                new(ScoringRule.AssetDownloadedAwareness, Points("AssetAwarenessPoints", 5), "Downloaded an awareness asset (guide, checklist)."),
                new(ScoringRule.AssetDownloadedConsideration, Points("AssetConsiderationPoints", 15), "Downloaded a consideration asset (white paper, webinar)."),
                new(ScoringRule.AssetDownloadedDecision, Points("AssetDecisionPoints", 25), "Downloaded a decision asset (case study, price guide)."),
                new(ScoringRule.PageVisited, Points("PageVisitedPoints", 2), "Visited a landing page (once per page per repeat window)."),
                new(ScoringRule.EmailClicked, Points("EmailClickedPoints", 5), "Clicked a link in an email (reported by Outreach)."),
                new(ScoringRule.EmailReplied, Points("EmailRepliedPoints", 20), "Replied to an email (reported by Outreach)."),
            ],
            Points("HalfLifeDays", 90),
            Points("RepeatWindowDays", 30),
            Stages);
    }
}
