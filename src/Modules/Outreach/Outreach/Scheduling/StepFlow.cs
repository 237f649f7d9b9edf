using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach.Scheduling;

/// <summary>Business days: Monday to Friday (public holidays are not known yet).</summary>
internal static class BusinessDays
{
    public static DateTimeOffset Add(DateTimeOffset from, int days)
    {
        var at = from;
        while (days > 0)
        {
            at = at.AddDays(1);
            if (at.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) days--;
        }
        return at;
    }
}

/// <summary>
/// How an enrolment moves: the next step after an outcome (a branch or the following step), stops with their reason,
/// and the activity log. Works on the caller's context; the caller saves (one commit with whatever caused the move).
/// </summary>
internal sealed class StepFlow(OutreachDbContext db)
{
    /// <summary>Outcomes that end the sequence, with the reason shown.</summary>
    public static string? StopReasonFor(string? outcome) => outcome switch
    {
        TaskOutcomes.MeetingBooked => StopReasons.MeetingBooked,
        TaskOutcomes.NotInterested or TaskOutcomes.Refused or TaskOutcomes.DoNotCall => StopReasons.Refused,
        _ => null,
    };

    public ScheduledStep Schedule(Enrollment enrollment, Sequence sequence, int index, DateTimeOffset from)
    {
        var step = sequence.Steps[index];
        var scheduled = new ScheduledStep
        {
            Id = Ids.New(), EnrollmentId = enrollment.Id, ProspectId = enrollment.ProspectId, StepIndex = index, Kind = step.Kind,
            Status = StepStatuses.Due, DueAt = BusinessDays.Add(from, step.WaitDays).ToUnixTimeMilliseconds(),
        };
        db.Steps.Add(scheduled);
        return scheduled;
    }

    /// <summary>After <paramref name="done"/> ended with <paramref name="outcome"/>: stop, branch, go on, or complete. Returns the next index.</summary>
    public async Task<int?> AdvanceAsync(Enrollment enrollment, Sequence sequence, ScheduledStep done, string? outcome, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (enrollment.Status != EnrollmentStatuses.Active) return null;
        if (StopReasonFor(outcome) is { } reason)
        {
            await StopAsync(enrollment, reason, cancellationToken, except: done.Id);
            return null;
        }
        var branch = sequence.Steps[done.StepIndex].Branches?.FirstOrDefault(b => b.When == outcome);
        if (branch is not null && branch.GoTo is null)
        {
            enrollment.Stop(outcome!);
            return null;
        }
        var next = branch?.GoTo ?? done.StepIndex + 1;
        if (next >= sequence.Steps.Count)
        {
            enrollment.Status = EnrollmentStatuses.Completed;
            return null;
        }
        Schedule(enrollment, sequence, next, now);
        return next;
    }

    /// <summary>Stops the enrolment: its waiting steps are skipped and its open tasks cancelled, with the reason.</summary>
    public async Task StopAsync(Enrollment enrollment, string reason, CancellationToken cancellationToken, string? except = null)
    {
        enrollment.Stop(reason);
        var open = await db.Steps.Where(s => s.EnrollmentId == enrollment.Id && (s.Status == StepStatuses.Due || s.Status == ScheduledStep.Waiting))
            .ToListAsync(cancellationToken);
        foreach (var s in open.Where(s => s.Id != except))
        {
            s.Status = StepStatuses.Skipped;
            s.BlockedReason = "Sequence stopped: " + reason;
            s.LockedBy = null;
            s.LockedUntil = null;
        }
        var tasks = await db.Tasks.Where(t => t.EnrollmentId == enrollment.Id && t.Status == "open").ToListAsync(cancellationToken);
        foreach (var t in tasks.Where(t => t.Id != except)) t.Status = "cancelled";
        // Account-level stop: someone at the account replied or booked, so the others at the same account are not chased meanwhile.
        if (enrollment.Account is { } account && StopReasons.AccountReasonFor(reason) is { } accountReason)
        {
            var others = await db.Enrollments.Where(e => e.Account == account && e.Status == EnrollmentStatuses.Active && e.Id != enrollment.Id)
                .ToListAsync(cancellationToken);
            foreach (var other in others.Where(o => o.Status == EnrollmentStatuses.Active)) await StopAsync(other, accountReason, cancellationToken);
        }
    }

    public Activity Log(Activity activity)
    {
        db.Activities.Add(activity);
        db.Publish(new TouchRecorded(activity.Id, activity.ProspectId, activity.LeadId, activity.Channel, activity.Kind, activity.Outcome, activity.Owner,
            activity.OccurredAt));
        return activity;
    }
}

/// <summary>Sequences are immutable once created: kept in memory after the first read.</summary>
internal sealed class SequenceCache
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Sequence> _sequences = new(StringComparer.Ordinal);

    public async Task<Sequence> GetAsync(OutreachDbContext db, string id, CancellationToken cancellationToken)
    {
        if (_sequences.TryGetValue(id, out var s)) return s;
        s = await db.Sequences.AsNoTracking().FirstAsync(x => x.Id == id, cancellationToken);
        return _sequences.GetOrAdd(id, s);
    }
}
