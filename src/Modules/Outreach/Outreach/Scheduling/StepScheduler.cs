using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tandem.Modules.Outreach.Channels;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Policy;
using Tandem.Modules.Outreach.Sequences;
using Tandem.Modules.Outreach.Templates;
using Tandem.Modules.Shared.Modules;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Outreach.Scheduling;

/// <summary>The scheduler's settings (<c>Tandem:Outreach:Scheduler:*</c>).</summary>
internal sealed record SchedulerOptions(bool Enabled, int BatchSize, TimeSpan Lease, TimeSpan PollInterval, int MaxAttempts, TimeSpan FirstRetry,
    int SendConcurrency, TimeSpan PauseAfterClaim)
{
    public static SchedulerOptions From(IConfiguration c) => new(
        c.GetValue("Tandem:Outreach:Scheduler:Enabled", true),
        Math.Clamp(c.GetValue("Tandem:Outreach:Scheduler:BatchSize", 500), 1, 5000),
        TimeSpan.FromSeconds(Math.Max(1, c.GetValue("Tandem:Outreach:Scheduler:LeaseSeconds", 60))),
        TimeSpan.FromMilliseconds(Math.Max(10, c.GetValue("Tandem:Outreach:Scheduler:PollIntervalMs", 1000))),
        Math.Max(1, c.GetValue("Tandem:Outreach:Scheduler:MaxAttempts", 5)),
        TimeSpan.FromSeconds(Math.Max(0.01, c.GetValue("Tandem:Outreach:Scheduler:FirstRetrySeconds", 30.0))),
        Math.Clamp(c.GetValue("Tandem:Outreach:Scheduler:SendConcurrency", 16), 1, 256),
        // Fault injection for the crash test: hold claimed steps this long before running them.
        TimeSpan.FromMilliseconds(Math.Max(0, c.GetValue("Tandem:Outreach:Scheduler:PauseAfterClaimMs", 0))));
}

/// <summary>Opens when the host announced its channels (after migrations and plugin loading).</summary>
internal sealed class SchedulerGate
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public Task Opened => _opened.Task;
    public void Open() => _opened.TrySetResult();
}

/// <summary>Wakes the scheduler when a step became due now (no waiting for the poll interval).</summary>
internal sealed class SchedulerSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try { await _channel.Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { }
    }
}

/// <summary>
/// The durable scheduler. Due steps are rows; a loop claims a batch with one statement (a lease: <c>LockedBy</c>,
/// <c>LockedUntil</c>; <c>FOR UPDATE SKIP LOCKED</c> between hosts on PostgreSQL, SQLite's single writer makes the same
/// statement atomic), asks the contact policy, runs each step (an email through the channel with the step's id as the
/// idempotency key, a call / LinkedIn / manual step as a rep task whose id is the step's), and records every result
/// and the next steps in one commit. A host that dies after claiming leaves leases that expire: the steps run again,
/// and the idempotency key makes the channel absorb a send that had already happened.
/// </summary>
internal sealed partial class StepScheduler(IServiceScopeFactory scopes, SchedulerOptions options, SchedulerSignal signal, SchedulerGate gate, IBackgroundStart start, IModuleState modules,
    StepRunner runner, TimeProvider clock, ILogger<StepScheduler> logger) : BackgroundService
{
    private readonly string _instance = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled || !modules.IsEnabled(OutreachModule.ModuleName)) return;
        // The host announces the channels once migrations ran and plugins loaded: only then do the tables exist.
        await gate.Opened.WaitAsync(stoppingToken);
        await start.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            int ran;
            try
            {
                ran = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                LogBatchFailed(logger, ex);
                ran = 0;
            }
            if (ran < options.BatchSize) await signal.WaitAsync(options.PollInterval, stoppingToken);
        }
    }

    /// <summary>Claims and runs one batch; returns how many steps were claimed.</summary>
    internal async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutreachDbContext>();
        var claimed = await db.WriteAsync(ct => ClaimAsync(db, ct), cancellationToken);
        if (claimed.Count == 0) return 0;
        if (options.PauseAfterClaim > TimeSpan.Zero) await Task.Delay(options.PauseAfterClaim, clock, cancellationToken);
        await ExecuteAsync(scope.ServiceProvider, db, claimed, cancellationToken);
        return claimed.Count;
    }

    private async Task<List<ScheduledStep>> ClaimAsync(OutreachDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)options.Lease.TotalMilliseconds;
        var table = db.QuotedTable<ScheduledStep>();
        var skipLocked = db.Database.IsNpgsql() ? "FOR UPDATE SKIP LOCKED" : "";
        var sql = $$"""
            UPDATE {{table}} SET "LockedBy" = {0}, "LockedUntil" = {1}
            WHERE "Id" IN (
                SELECT "Id" FROM {{table}}
                WHERE "Status" = 'due' AND "DueAt" <= {2} AND ("LockedUntil" IS NULL OR "LockedUntil" < {2})
                ORDER BY "DueAt" LIMIT {3} {{skipLocked}})
            RETURNING *
            """;
        return await db.Steps.FromSqlRaw(sql, _instance, until, now, options.BatchSize).AsNoTracking().ToListAsync(cancellationToken);
    }

    private async Task ExecuteAsync(IServiceProvider services, OutreachDbContext db, List<ScheduledStep> claimed, CancellationToken cancellationToken)
    {
        var enrollmentIds = claimed.Select(s => s.EnrollmentId).Distinct().ToList();
        var enrollments = await db.Enrollments.Where(e => enrollmentIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        var taskIds = claimed.Where(s => s.Kind != StepKinds.Email).Select(s => s.Id).ToList();
        var existingTasks = taskIds.Count == 0 ? [] : (await db.Tasks.AsNoTracking().Where(t => taskIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken)).ToHashSet();
        db.Steps.AttachRange(claimed);
        foreach (var step in claimed)
        {
            step.LockedBy = null;
            step.LockedUntil = null;
        }
        var emails = await runner.RunAsync(services, db, claimed, enrollments, existingTasks, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        LogBatch(logger, claimed.Count, emails);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduler ran {Steps} steps ({Emails} emails)")]
    private static partial void LogBatch(ILogger logger, int steps, int emails);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler batch failed; its steps are retried when their lease expires")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception);
}

/// <summary>
/// Runs due steps (docs/outbound.md, "Steps due at enrolment"): for the step scheduler, on the steps it claimed; for the
/// enrolment, on the first steps that are due at once and need no channel (a call, LinkedIn or manual step becomes its rep
/// task in the enrolment's own commit). The same contact policy decides either way.
/// </summary>
internal sealed class StepRunner(IServiceScopeFactory scopes, SchedulerOptions options, TimeProvider clock)
{
    private sealed record Send(ScheduledStep Step, string Recipient, string? Subject, string? Body, string? From, string? FromDisplayName)
    {
        public Contracts.ChannelSendReceipt? Receipt { get; set; }
    }

    /// <summary>
    /// Runs <paramref name="steps"/> (tracked by <paramref name="db"/>, their enrolments in <paramref name="enrollments"/>):
    /// the contact policy asked for all of them at once, emails sent through the channel, calls, LinkedIn and manual steps
    /// made rep tasks (unless <paramref name="existingTasks"/> holds one already), the next steps scheduled. The caller
    /// saves. Returns how many emails were attempted.
    /// </summary>
    public async Task<int> RunAsync(IServiceProvider services, OutreachDbContext db, IReadOnlyList<ScheduledStep> steps,
        IReadOnlyDictionary<string, Enrollment> enrollments, IReadOnlySet<string> existingTasks, CancellationToken cancellationToken)
    {
        var sequences = services.GetRequiredService<SequenceCache>();
        var policy = services.GetRequiredService<IContactPolicy>();
        var renderer = services.GetRequiredService<TemplateRenderer>();
        var mailboxes = services.GetRequiredService<Mailboxes>();
        var bookingLinks = services.GetRequiredService<Meetings.BookingLinks>();
        var bookingPages = services.GetRequiredService<Meetings.BookingSettingsReader>();
        var hasBookingPage = new Dictionary<string, bool>(StringComparer.Ordinal);
        // Emails sent today per owner (counted once per batch, then by this batch's own sends), for the daily caps.
        var sentToday = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var flow = new StepFlow(db);
        var now = clock.GetUtcNow();
        var sends = new List<Send>();
        var toAdvance = new List<(ScheduledStep Step, string? Outcome)>();

        // First the steps that cannot run whatever the policy says; the others ask the policy together (its reads once per batch).
        var asking = new List<(ScheduledStep Step, Enrollment Enrollment, string Address)>(steps.Count);
        var attempts = new List<(ContactAttempt, ContactCard)>(steps.Count);
        foreach (var step in steps)
        {
            if (!enrollments.TryGetValue(step.EnrollmentId, out var enrollment) || enrollment.Status != EnrollmentStatuses.Active)
            {
                step.Status = StepStatuses.Skipped;
                step.BlockedReason = "The enrolment is no longer active.";
                continue;
            }
            var contact = enrollment.Contact;
            var channel = step.Kind == StepKinds.Task ? "task" : step.Kind;
            // Channel fallback: a step the person cannot be reached on is skipped and the sequence goes on. A call without a
            // known number still becomes a task (the rep may find the number); after a wrong number, calls are skipped.
            var address = step.Kind == StepKinds.Email ? contact.Email : contact.Phone ?? "";
            if ((step.Kind == StepKinds.Email && string.IsNullOrEmpty(address)) || (step.Kind == StepKinds.Call && contact.PhoneUnusable))
            {
                step.Status = StepStatuses.Skipped;
                step.BlockedReason = step.Kind == StepKinds.Email ? "No email address: skipped (channel fallback)." : "Wrong number: call skipped (channel fallback).";
                toAdvance.Add((step, "skipped"));
                continue;
            }
            asking.Add((step, enrollment, address!));
            attempts.Add((new ContactAttempt(channel, step.ProspectId, contact.LeadId, enrollment.Id, step.StepIndex),
                new ContactCard(contact.Email, contact.Phone, enrollment.Owner)));
        }
        IReadOnlyList<ContactDecision> decisions = attempts.Count == 0 ? [] : await policy.DecideManyAsync(attempts, now, cancellationToken);

        for (var i = 0; i < asking.Count; i++)
        {
            var (step, enrollment, address) = asking[i];
            var decision = decisions[i];
            var sequence = await sequences.GetAsync(db, enrollment.SequenceId, cancellationToken);
            var definition = sequence.Steps[step.StepIndex];
            var contact = enrollment.Contact;
            if (decision.Verdict == ContactVerdict.Deferred)
            {
                step.DueAt = decision.Until!.Value.ToUnixTimeMilliseconds();
                step.BlockedReason = decision.Reason;
                continue;
            }
            if (decision.Verdict == ContactVerdict.Blocked)
            {
                step.Status = StepStatuses.Blocked;
                step.BlockedReason = decision.Reason;
                toAdvance.Add((step, "blocked"));
                continue;
            }
            if (step.Kind == StepKinds.Email)
            {
                // The owner's mailbox: its send window and daily cap defer the step (not fail it) to its next slot, with the reason.
                var mailbox = mailboxes.For(enrollment.Owner);
                if (!mailbox.Unlimited && await MailboxDeferralAsync(db, mailbox, sentToday, now, cancellationToken) is { } deferral)
                {
                    step.DueAt = deferral.Until.ToUnixTimeMilliseconds();
                    step.BlockedReason = deferral.Reason;
                    continue;
                }
                // A/B: the enrolment's variant of this step (the same every time it is asked), recorded on the step for its numbers.
                var variant = AbVariants.Choose(definition.Variants, enrollment.Id, step.StepIndex);
                step.Variant = variant?.Name;
                var (subject, body) = definition.Templates(variant);
                // {{ bookingUrl }}: the owner's booking page for this person, made only when the template asks for it.
                Uri? bookingUrl = null;
                if ((TemplateRenderer.UsesBookingUrl(body) || TemplateRenderer.UsesBookingUrl(subject)) && enrollment.Owner is { } owner)
                {
                    if (!hasBookingPage.TryGetValue(owner, out var hasPage))
                        hasBookingPage[owner] = hasPage = await bookingPages.ForAsync(owner, cancellationToken) is not null;
                    if (hasPage) bookingUrl = bookingLinks.PageFor(owner, step.ProspectId);
                }
                sends.Add(new Send(step, address, subject is null ? null : renderer.Render(subject, contact, enrollment.Owner, bookingUrl),
                    renderer.Render(body ?? "", contact, enrollment.Owner, bookingUrl), mailbox.Address, mailbox.DisplayName));
                continue;
            }
            // Calls, LinkedIn and manual steps are done by a person: a task in the owner's day, with the step's id.
            step.Status = ScheduledStep.Waiting;
            // A LinkedIn step's draft message is rendered from this variant when the rep lists the task (the same choice).
            step.Variant = AbVariants.Choose(definition.Variants, enrollment.Id, step.StepIndex)?.Name;
            if (!existingTasks.Contains(step.Id))
                db.Tasks.Add(new RepTaskEntity
                {
                    Id = step.Id, Kind = step.Kind, ProspectId = step.ProspectId, EnrollmentId = enrollment.Id, StepIndex = step.StepIndex,
                    Owner = enrollment.Owner, DueAt = DateTimeOffset.FromUnixTimeMilliseconds(step.DueAt), Instructions = definition.Instructions,
                    Status = "open", CreatedAt = now,
                });
        }

        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = options.SendConcurrency, CancellationToken = cancellationToken },
            async (send, ct) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var channel = scope.ServiceProvider.GetRequiredService<EmailChannel>();
                try
                {
                    send.Receipt = await channel.SendAsync(send.Step.Id, send.Recipient, send.Subject, send.Body, ct, send.From, send.FromDisplayName);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    send.Receipt = new Contracts.ChannelSendReceipt(ChannelSendOutcomes.TransientFailure, null, "The channel failed: " + ex.GetType().Name);
                }
            });

        foreach (var send in sends)
        {
            var step = send.Step;
            var receipt = send.Receipt!;
            step.Attempts++;
            var enrollment = enrollments[step.EnrollmentId];
            if (receipt.Outcome == ChannelSendOutcomes.Sent)
            {
                step.Status = StepStatuses.Done;
                step.Outcome = "sent";
                step.Error = null;
                step.DoneAt = now.ToUnixTimeMilliseconds();
                flow.Log(new Activity
                {
                    Id = Ids.New(), ProspectId = step.ProspectId, LeadId = enrollment.Contact.LeadId, EnrollmentId = enrollment.Id, StepId = step.Id,
                    Channel = StepKinds.Email, Kind = "sent", Owner = enrollment.Owner, ProviderMessageId = receipt.ProviderMessageId, OccurredAt = now,
                });
                toAdvance.Add((step, "sent"));
            }
            else if (receipt.Outcome == ChannelSendOutcomes.TransientFailure && step.Attempts < options.MaxAttempts)
            {
                // Backoff: FirstRetry, ×2 each attempt, capped at a day.
                var delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromDays(1).Ticks, options.FirstRetry.Ticks * (1L << Math.Min(20, step.Attempts - 1))));
                step.DueAt = (now + delay).ToUnixTimeMilliseconds();
                step.Error = receipt.Error ?? "Transient channel failure.";
            }
            else
            {
                step.Status = StepStatuses.Failed;
                step.Error = receipt.Outcome == ChannelSendOutcomes.TransientFailure
                    ? $"Failed after {step.Attempts} attempts: {receipt.Error}"
                    : receipt.Error ?? "The channel refused the message.";
                toAdvance.Add((step, "failed"));
            }
        }

        foreach (var (step, outcome) in toAdvance)
        {
            var enrollment = enrollments[step.EnrollmentId];
            var sequence = await sequences.GetAsync(db, enrollment.SequenceId, cancellationToken);
            await flow.AdvanceAsync(enrollment, sequence, step, outcome, now, cancellationToken);
        }
        return sends.Count;
    }

    /// <summary>
    /// Null when the owner's mailbox may send now (and then counts the send against today's cap), else until when and why
    /// not: outside its send window (deferred to when it opens), or today's cap reached (deferred to the next day it may send).
    /// The cap counts the owner's <c>sent</c> email touches since local midnight in the mailbox's time zone. Several hosts
    /// sending at the same moment may together pass a cap by what they had in flight.
    /// </summary>
    private static async Task<(DateTimeOffset Until, string Reason)?> MailboxDeferralAsync(OutreachDbContext db, MailboxSettings mailbox,
        Dictionary<string, int> sentToday, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var who = mailbox.Owner is null ? "the default mailbox" : $"{mailbox.Owner}'s mailbox";
        var open = mailbox.NextOpen(now);
        if (open > now)
            return (open, $"Outside the send window of {who} ({mailbox.Window}, {mailbox.TimeZone.Id}): deferred to {mailbox.Local(open)}.");
        if (mailbox.DailyCap is not { } cap) return null;
        var key = mailbox.Owner ?? "";
        if (!sentToday.TryGetValue(key, out var sent))
        {
            var since = mailbox.DayStart(now);
            sent = await db.Activities.AsNoTracking()
                .Where(a => a.OccurredAt >= since && a.Channel == StepKinds.Email && a.Kind == "sent" && a.Owner == mailbox.Owner)
                .CountAsync(cancellationToken);
        }
        if (sent >= cap)
        {
            sentToday[key] = sent;
            var next = mailbox.NextDayOpen(now);
            return (next, $"Daily cap of {cap} email{(cap == 1 ? "" : "s")} reached for {who}: deferred to {mailbox.Local(next)}.");
        }
        sentToday[key] = sent + 1;
        return null;
    }

}
