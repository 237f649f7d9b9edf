using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Capture;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Scoring;

internal static class MqlDefinitionEndpoints
{
    public static void MapMqlDefinition(this IEndpointRouteBuilder api)
    {
        api.MapGet("/mql-definition", async (ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new GetMqlDefinition(), ct)))
            .WithName("GetMqlDefinition").WithSummary("The shared definition of an MQL: threshold, rules, decay, repeat window, stage thresholds");
        api.MapPut("/mql-definition", async (PutMqlDefinition command, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(command with { Caller = Callers.Of(user) }, ct)))
            .WithName("PutMqlDefinition").WithSummary("Replace the shared MQL definition (recorded with who and when); leads are evaluated again");
        api.MapGet("/mql-definition/history", async (ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new GetMqlDefinitionHistory(), ct)))
            .WithName("GetMqlDefinitionHistory").WithSummary("Every version of the MQL definition, newest first, with who changed it and when");
    }
}

internal sealed class GetMqlDefinitionHandler(MqlDefinitions definitions) : IQueryHandler<GetMqlDefinition, MqlDefinition>
{
    public async ValueTask<MqlDefinition> Handle(GetMqlDefinition query, CancellationToken cancellationToken) =>
        (await definitions.CurrentAsync(cancellationToken)).Definition;
}

internal sealed class GetMqlDefinitionHistoryHandler(LeadsDbContext db, MqlDefinitionCache cache) : IQueryHandler<GetMqlDefinitionHistory, MqlDefinitionHistory>
{
    public async ValueTask<MqlDefinitionHistory> Handle(GetMqlDefinitionHistory query, CancellationToken cancellationToken)
    {
        var versions = await db.MqlDefinitions.AsNoTracking().OrderByDescending(d => d.Version).ToListAsync(cancellationToken);
        var items = versions.Select(v => new MqlDefinitionVersion(v.Version, MqlDefinitions.Read(v.Definition), v.ChangedBy, v.ChangedAt)).ToList();
        if (items.Count == 0) items.Add(new MqlDefinitionVersion(0, cache.Defaults, "configuration", DateTimeOffset.UnixEpoch));
        return new MqlDefinitionHistory(items);
    }
}

internal sealed class PutMqlDefinitionValidator : IValidator<PutMqlDefinition>
{
    public void Validate(PutMqlDefinition m, ValidationErrors errors)
    {
        if (m.Threshold is < 1 or > 100_000) errors.Add("threshold", "Between 1 and 100000.");
        if (m.HalfLifeDays is < 0 or > 3650) errors.Add("halfLifeDays", "Between 0 (no decay) and 3650.");
        if (m.RepeatWindowDays is < 0 or > 365) errors.Add("repeatWindowDays", "Between 0 and 365.");
        errors.MaxCount("rules", m.Rules, ScoringRule.All.Count);
        for (var i = 0; i < Math.Min(m.Rules?.Count ?? 0, ScoringRule.All.Count); i++)
        {
            var rule = m.Rules![i];
            if (rule is null) { errors.Add($"rules[{i}]", "A rule is required."); continue; }
            errors.Required($"rules[{i}].rule", rule.Rule).OneOf($"rules[{i}].rule", rule.Rule, ScoringRule.All.ToArray())
                .MultiLine($"rules[{i}].description", rule.Description, Limits.Text);
            if (rule.Points is < -1000 or > 1000) errors.Add($"rules[{i}].points", "Between -1000 and 1000.");
        }
        if (m.Rules?.Where(r => r is not null).GroupBy(r => r.Rule).Any(g => g.Count() > 1) == true)
            errors.Add("rules", "Each rule appears once.");
        errors.MaxCount("stages", m.Stages, JourneyStage.All.Count);
        for (var i = 0; i < Math.Min(m.Stages?.Count ?? 0, JourneyStage.All.Count); i++)
        {
            var stage = m.Stages![i];
            if (stage is null) { errors.Add($"stages[{i}]", "A stage is required."); continue; }
            errors.Required($"stages[{i}].stage", stage.Stage).OneOf($"stages[{i}].stage", stage.Stage, JourneyStage.All.ToArray());
            if (stage.MinScore is < 0 or > 100_000) errors.Add($"stages[{i}].minScore", "Between 0 and 100000.");
        }
    }
}

internal sealed class PutMqlDefinitionHandler(LeadsDbContext db, MqlDefinitions definitions, MqlDefinitionCache cache, Reevaluation reevaluation, TimeProvider clock)
    : ICommandHandler<PutMqlDefinition, MqlDefinitionChanged>
{
    public async ValueTask<MqlDefinitionChanged> Handle(PutMqlDefinition command, CancellationToken cancellationToken)
    {
        var (version, current) = await definitions.CurrentAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var next = new MqlDefinition(
            command.Threshold,
            command.Rules?.Select(r => r with { Description = r.Description ?? "" }).ToList() ?? current.Rules,
            command.HalfLifeDays ?? current.HalfLifeDays,
            command.RepeatWindowDays ?? current.RepeatWindowDays,
            command.Stages?.ToList() ?? current.Stages ?? MqlDefaults.Stages);
        // The configured default becomes version 1 of the record when it is first changed, so the history starts from it.
        var latest = await db.MqlDefinitions.MaxAsync(d => (int?)d.Version, cancellationToken) ?? 0;
        if (latest == 0)
            db.MqlDefinitions.Add(new MqlDefinitionEntry { Version = ++latest, Definition = MqlDefinitions.Write(current), ChangedBy = "configuration", ChangedAt = now });
        db.MqlDefinitions.Add(new MqlDefinitionEntry { Version = ++latest, Definition = MqlDefinitions.Write(next), ChangedBy = Callers.Describe(command.Caller), ChangedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        cache.Remember(latest, next);
        var (evaluated, qualified) = await reevaluation.RunAsync(next, cancellationToken);
        return new MqlDefinitionChanged(latest, next, evaluated, qualified);
    }
}

/// <summary>
/// Evaluates every lead that has score entries again under a definition, in batches of <see cref="BatchSize"/> leads: one
/// read of the leads with their entries per batch, one group-commit write per batch (<c>db.WriteAsync</c>). New leads
/// that now reach the threshold become MQLs (LeadQualified); a lead already qualified stays so (sales owns it).
/// </summary>
internal sealed class Reevaluation(LeadsDbContext db, TimeProvider clock)
{
    public const int BatchSize = 500;

    public async Task<(int Evaluated, int Qualified)> RunAsync(MqlDefinition definition, CancellationToken cancellationToken)
    {
        var evaluated = 0;
        var qualified = 0;
        var after = "";
        var now = clock.GetUtcNow();
        while (true)
        {
            var ids = await db.ScoreEntries.Where(e => string.Compare(e.LeadId, after) > 0).Select(e => e.LeadId).Distinct()
                .OrderBy(id => id).Take(BatchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0) break;
            after = ids[^1];
            var leads = await db.Leads.Where(l => ids.Contains(l.Id)).Include(l => l.ScoreEntries).AsSplitQuery().ToListAsync(cancellationToken);
            foreach (var lead in leads)
            {
                if (Scorer.Evaluate(db, lead, definition, now)) qualified++;
                evaluated++;
            }
            await db.WriteAsync(ct => db.SaveChangesAsync(ct), cancellationToken);
            db.ChangeTracker.Clear();
        }
        return (evaluated, qualified);
    }
}
