using Microsoft.Extensions.Time.Testing;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Scoring;

namespace Tandem.Modules.Leads.Tests;

public sealed class ScoringTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static MqlDefinition Definition(int halfLifeDays = 30, int repeatWindowDays = 30) => new(50,
    [
        new MqlRule(ScoringRule.FormSubmitted, 10, ""),
        new MqlRule(ScoringRule.CallbackRequested, 50, ""),
        new MqlRule(ScoringRule.AssetDownloadedDecision, 25, ""),
        new MqlRule(ScoringRule.PageVisited, 2, ""),
    ], halfLifeDays, repeatWindowDays, MqlDefaults.Stages);

    private static Lead NewLead() => new() { Id = "lead-1", Kind = LeadKind.Consumer, Status = LeadStatus.New };

    [Theory]
    [InlineData(0, 10)]
    [InlineData(30, 5)]   // one half-life
    [InlineData(60, 3)]   // 2.5 rounds away from zero
    [InlineData(90, 1)]   // 1.25
    [InlineData(300, 0)]
    public void Points_halve_every_half_life(int days, int expected)
    {
        var clock = new FakeTimeProvider(Start);
        var lead = NewLead();
        Scorer.Add(lead, [new ScoredAction(ScoringRule.FormSubmitted, "form:a", clock.GetUtcNow())], Definition());
        clock.Advance(TimeSpan.FromDays(days));

        var score = ScoreCard.Evaluate(lead.ScoreEntries, Definition(), clock.GetUtcNow());

        Assert.Equal(expected, score.Value);
        var reason = Assert.Single(score.Reasons);
        Assert.Equal(10, reason.Points);
        Assert.Equal(expected, reason.Current);
        Assert.Equal(Start, reason.At);
    }

    [Fact]
    public void No_decay_when_the_half_life_is_zero()
    {
        var clock = new FakeTimeProvider(Start);
        var lead = NewLead();
        Scorer.Add(lead, [new ScoredAction(ScoringRule.FormSubmitted, "form:a", clock.GetUtcNow())], Definition(halfLifeDays: 0));
        clock.Advance(TimeSpan.FromDays(3650));
        Assert.Equal(10, ScoreCard.Evaluate(lead.ScoreEntries, Definition(halfLifeDays: 0), clock.GetUtcNow()).Value);
    }

    [Fact]
    public void The_same_form_sent_five_times_scores_once_per_repeat_window()
    {
        var clock = new FakeTimeProvider(Start);
        var lead = NewLead();
        for (var i = 0; i < 5; i++)
        {
            Scorer.Add(lead, [new ScoredAction(ScoringRule.FormSubmitted, "form:a", clock.GetUtcNow())], Definition());
            clock.Advance(TimeSpan.FromMinutes(3));
        }
        Assert.Single(lead.ScoreEntries);

        // Another form is another action; the same form again after the window scores again.
        Assert.Equal(1, Scorer.Add(lead, [new ScoredAction(ScoringRule.FormSubmitted, "form:b", clock.GetUtcNow())], Definition()));
        clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, Scorer.Add(lead, [new ScoredAction(ScoringRule.FormSubmitted, "form:a", clock.GetUtcNow())], Definition()));
        Assert.Equal(3, lead.ScoreEntries.Count);
    }

    [Fact]
    public void Score_per_interest_comes_from_the_actions_that_name_one()
    {
        var lead = NewLead();
        Scorer.Add(lead,
        [
            new ScoredAction(ScoringRule.AssetDownloadedDecision, "asset:1", Start, "solar"),
            new ScoredAction(ScoringRule.PageVisited, "page:1", Start, "heat-pump"),
            new ScoredAction(ScoringRule.FormSubmitted, "form:a", Start),
        ], Definition());

        var score = ScoreCard.Evaluate(lead.ScoreEntries, Definition(), Start);

        Assert.Equal(37, score.Value);
        Assert.Equal([new InterestScore("solar", 25), new InterestScore("heat-pump", 2)], score.Interests);
    }

    [Theory]
    [InlineData(0, JourneyStage.Awareness)]
    [InlineData(14, JourneyStage.Awareness)]
    [InlineData(15, JourneyStage.Consideration)]
    [InlineData(40, JourneyStage.Decision)]
    public void The_journey_stage_follows_the_score(int score, string stage) =>
        Assert.Equal(stage, ScoreCard.StageOf(score, Definition()));

    [Fact]
    public void A_definition_change_reweights_past_actions_by_rule()
    {
        var lead = NewLead();
        Scorer.Add(lead, [new ScoredAction(ScoringRule.FormSubmitted, "form:a", Start)], Definition());
        var heavier = Definition() with { Rules = [new MqlRule(ScoringRule.FormSubmitted, 40, "")] };
        Assert.Equal(40, ScoreCard.Evaluate(lead.ScoreEntries, heavier, Start).Value);
    }
}
