using System.Globalization;
using Mediator;
using Tandem.Host.Platform;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;

namespace Tandem.Host.Composition;

/// <summary>What an erasure did in each module.</summary>
internal sealed record ErasureCounts(int Leads, int Prospects, int ContentRows, int OutreachRows, int Suppressed)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Leads} leads, {Prospects} prospects, {ContentRows} content rows, {OutreachRows} outreach rows erased; {Suppressed} hashed suppression entries.");
}

/// <summary>
/// The erasure across every module, in dependency order: Leads resolves the people (and, for an erasure, remembers their
/// hashed identifiers), then Content, Prospects and Outreach erase what they hold about those leads and addresses. One
/// message per module whatever the number of people (set-based in each). A switched-off module is skipped.
/// </summary>
internal static class PrivacyErasure
{
    public static async Task<ErasureCounts> EraseAsync(ISender sender, IReadOnlyList<string> emails, IReadOnlyList<string> phones, string reason, bool forget,
        CancellationToken ct)
    {
        var leads = await sender.Send(new EraseLeadsPersonalData(emails, phones, reason, Remember: forget), ct);
        var content = await PrivacyEndpoints.Try(() => sender.Send(new EraseContentPersonalData(leads.LeadIds), ct), "content", []);
        var prospects = await PrivacyEndpoints.Try(() => sender.Send(new EraseProspectsPersonalData(leads.LeadIds), ct), "prospects", []);
        var outreach = await PrivacyEndpoints.Try(() => sender.Send(
            new EraseOutreachPersonalData(leads.LeadIds, prospects?.ProspectIds ?? [], leads.Emails, leads.Phones, reason, Suppress: forget), ct), "outreach", []);
        return new ErasureCounts(leads.LeadIds.Count, prospects?.ProspectIds.Count ?? 0, content?.Deleted ?? 0, outreach?.Deleted ?? 0, outreach?.Suppressed ?? 0);
    }
}

/// <summary>The retention settings (<c>Tandem:Privacy:Retention:*</c>).</summary>
internal sealed record RetentionOptions(bool Enabled, int Years, TimeSpan Interval, TimeSpan FirstRunAfter, int BatchSize, double? Days = null)
{
    /// <summary>The cut-off: no interaction since it means purged. <c>Days</c>, when set, replaces <c>Years</c> (a shorter policy; tests).</summary>
    public DateTimeOffset CutoffAt(DateTimeOffset now) => Days is { } days ? now.AddDays(-days) : now.AddYears(-Years);

    public static RetentionOptions From(IConfiguration c) => new(
        c.GetValue("Tandem:Privacy:Retention:Enabled", true),
        Math.Clamp(c.GetValue("Tandem:Privacy:Retention:Years", 3), 1, 50),
        TimeSpan.FromHours(Math.Max(1, c.GetValue("Tandem:Privacy:Retention:IntervalHours", 24.0))),
        TimeSpan.FromMinutes(Math.Max(0, c.GetValue("Tandem:Privacy:Retention:FirstRunAfterMinutes", 10.0))),
        Math.Clamp(c.GetValue("Tandem:Privacy:Retention:BatchSize", 1000), 1, 10_000),
        c.GetValue<double?>("Tandem:Privacy:Retention:Days") is { } days ? Math.Max(0, days) : null);
}

/// <summary>What a purge found (and, unless a dry run, anonymised).</summary>
internal sealed record RetentionReport(DateTimeOffset Cutoff, int Candidates, int KeptForRecentTouches, int Purged, bool DryRun, ErasureCounts? Erased);

/// <summary>
/// The retention purge (docs/compliance.md §5): prospects and leads with no interaction for <c>Years</c> (3) are anonymised
/// in every module — Leads finds those with no capture and no scored behaviour since the cut-off (a click, a visit, a form
/// count; an open is never scored), Outreach removes those with a touch since (a call, a sent email, a reply, a click; an
/// open or a delivery does not count). Existing suppression entries stay, hashed; no new one is made and the identifiers
/// are not remembered (a person who comes back by themselves is welcome). Recorded in the audit log.
/// </summary>
internal sealed class PrivacyRetention(IServiceScopeFactory scopes, RetentionOptions options, TimeProvider clock)
{
    public async Task<RetentionReport> RunAsync(bool dryRun, CancellationToken ct)
    {
        var cutoff = options.CutoffAt(clock.GetUtcNow());
        int candidates = 0, kept = 0, purged = 0;
        ErasureCounts? total = null;
        string? after = null;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            var batch = (await sender.Send(new FindInactiveLeads(cutoff, options.BatchSize, after), ct)).Items;
            if (batch.Count == 0) break;
            after = batch[^1].LeadId;
            candidates += batch.Count;
            var touched = (await PrivacyEndpoints.Try(() => sender.Send(new FindLeadsTouchedSince([.. batch.Select(l => l.LeadId)], cutoff), ct), "outreach", []))
                ?.LeadIds.ToHashSet(StringComparer.Ordinal) ?? [];
            var stale = batch.Where(l => !touched.Contains(l.LeadId)).ToList();
            kept += batch.Count - stale.Count;
            if (!dryRun && stale.Count > 0)
            {
                var erased = await PrivacyErasure.EraseAsync(sender, [.. stale.Select(l => l.Email).OfType<string>()], [.. stale.Select(l => l.Phone).OfType<string>()],
                    "retention", forget: false, ct);
                purged += erased.Leads;
                total = total is null ? erased : new ErasureCounts(total.Leads + erased.Leads, total.Prospects + erased.Prospects,
                    total.ContentRows + erased.ContentRows, total.OutreachRows + erased.OutreachRows, total.Suppressed + erased.Suppressed);
            }
            else purged += stale.Count;
            if (batch.Count < options.BatchSize) break;
        }
        var report = new RetentionReport(cutoff, candidates, kept, purged, dryRun, total);
        if (!dryRun && purged > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            await PrivacyEndpoints.RecordAsync(scope.ServiceProvider.GetRequiredService<PlatformDbContext>(), PrivacyAuditKinds.ErasureCompleted, "retention",
                $"Retention purge (no interaction since {cutoff:yyyy-MM-dd}): {total!.Describe()}", "purge", clock.GetUtcNow(), ct);
        }
        return report;
    }
}

/// <summary>Runs the retention purge on a schedule (<c>Tandem:Privacy:Retention:*</c>), first some minutes after start.</summary>
internal sealed partial class PrivacyRetentionService(PrivacyRetention retention, RetentionOptions options, TimeProvider clock, ILogger<PrivacyRetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled) return;
        try
        {
            await Task.Delay(options.FirstRunAfter, clock, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var report = await retention.RunAsync(dryRun: false, stoppingToken);
                    LogPurged(logger, report.Purged, report.KeptForRecentTouches);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
                await Task.Delay(options.Interval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge anonymised {Purged} inactive people ({Kept} kept for a recent touch)")]
    private static partial void LogPurged(ILogger logger, int purged, int kept);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention purge failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
