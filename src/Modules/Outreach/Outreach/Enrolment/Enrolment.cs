using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Outreach.Templates;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach.Enrolment;

/// <summary>
/// Creates enrolments: a snapshot of the contact card and the first step scheduled. A first step due at once that needs no
/// channel (a call, LinkedIn or manual step) is run in the same commit, as the step scheduler would run it (the same
/// contact policy; a rep task when allowed): the task exists when the enrolment does, without the scheduler's claim and
/// run, two more commits (docs/outbound.md, "Steps due at enrolment"). Anything else due now wakes the scheduler.
/// </summary>
internal sealed class Enroller(OutreachDbContext db, SequenceCache sequences, SchedulerSignal signal, StepRunner runner, IServiceProvider services,
    TimeProvider clock)
{
    public async Task<Enrollment> EnrolAsync(ProspectContact contact, string sequenceId, CancellationToken cancellationToken)
    {
        var first = Add(contact, await sequences.GetAsync(db, sequenceId, cancellationToken));
        await SaveAsync([first], cancellationToken);
        return first.Enrollment;
    }

    /// <summary>Enrols many prospects in one sequence, in one commit.</summary>
    public async Task EnrolManyAsync(IEnumerable<ProspectContact> contacts, string sequenceId, CancellationToken cancellationToken)
    {
        var sequence = await sequences.GetAsync(db, sequenceId, cancellationToken);
        await SaveAsync([.. contacts.Select(c => Add(c, sequence))], cancellationToken);
    }

    private async Task SaveAsync(List<(Enrollment Enrollment, ScheduledStep Step)> added, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var runNow = added.Where(a => a.Step.Kind != StepKinds.Email && a.Step.DueAt <= now).ToList();
        if (runNow.Count > 0)
            await runner.RunAsync(services, db, [.. runNow.Select(a => a.Step)], runNow.ToDictionary(a => a.Enrollment.Id, a => a.Enrollment),
                new HashSet<string>(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        // An email step, a step deferred to now, or a next step due at once (after a blocked one) is the scheduler's.
        var saved = clock.GetUtcNow().ToUnixTimeMilliseconds(); // after the run: a next step it scheduled is due at its own "now"
        if (db.ChangeTracker.Entries<ScheduledStep>().Any(e => e.Entity.Status == StepStatuses.Due && e.Entity.DueAt <= saved)) signal.Notify();
    }

    private (Enrollment Enrollment, ScheduledStep Step) Add(ProspectContact contact, Sequence sequence)
    {
        var now = clock.GetUtcNow();
        var enrollment = new Enrollment
        {
            Id = Ids.New(), ProspectId = contact.ProspectId, SequenceId = sequence.Id, Status = EnrollmentStatuses.Active, Owner = contact.Owner,
            Email = contact.Email?.ToLowerInvariant(), Phone = contact.Phone, Account = Enrollment.AccountKey(contact.Company), Contact = contact.ToSnapshot(),
            CreatedAt = now,
        };
        db.Enrollments.Add(enrollment);
        return (enrollment, new StepFlow(db).Schedule(enrollment, sequence, 0, now));
    }
}

/// <summary>
/// A new prospect is enrolled in the newest automatic sequence (the built-in callback sequence until one is defined). A batch
/// consumer: the new prospects of one outbox claim are enrolled together (docs/architecture.md, "Batch consumers").
/// </summary>
internal sealed class EnrolNewProspect(OutreachDbContext db, Enroller enroller, ISender sender) : IBatchNotificationHandler<ProspectQualified>
{
    public async ValueTask Handle(IReadOnlyList<Delivery<ProspectQualified>> batch, CancellationToken cancellationToken)
    {
        var fresh = await db.BeginConsumeBatchAsync(nameof(EnrolNewProspect), batch, cancellationToken);
        var ids = fresh.Select(d => d.Notification.ProspectId).Distinct().ToList();
        List<ProspectContact> contacts = [];
        string? sequenceId = null;
        if (ids.Count > 0)
        {
            sequenceId = await db.Sequences.AsNoTracking().Where(s => s.IsDefault).OrderByDescending(s => s.CreatedAt).Select(s => s.Id)
                .FirstAsync(cancellationToken);
            // Only the prospect id in SQL, the rest in memory: with the OR in the WHERE clause SQLite's planner took one
            // index per side of it and scanned every active enrolment on each batch, a cost that grew with the table.
            var enrolled = (await db.Enrollments.AsNoTracking().Where(e => ids.Contains(e.ProspectId))
                    .Select(e => new { e.ProspectId, e.Status, e.SequenceId }).ToListAsync(cancellationToken))
                .Where(e => e.Status == EnrollmentStatuses.Active || e.SequenceId == sequenceId)
                .Select(e => e.ProspectId).ToHashSet(StringComparer.Ordinal);
            var todo = ids.Where(id => !enrolled.Contains(id)).ToList();
            if (todo.Count > 0)
            {
                contacts = [.. await sender.Send(new GetProspectContacts(todo), cancellationToken)];
                // As one by one: a prospect Prospects does not know fails its message (handled again alone, then retried).
                if (contacts.Count != todo.Count) throw new NotFoundException("Prospect", string.Join(", ", todo.Except(contacts.Select(c => c.ProspectId))));
            }
        }
        if (contacts.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken); // keeps the inbox records
            return;
        }
        await enroller.EnrolManyAsync(contacts, sequenceId!, cancellationToken);
    }

    public async ValueTask Handle(ProspectQualified notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(EnrolNewProspect), cancellationToken)) return;
        // One statement: the newest automatic sequence, and whether the prospect is already active somewhere or was in it.
        var prospectId = notification.ProspectId;
        var target = await db.Sequences.AsNoTracking().Where(s => s.IsDefault).OrderByDescending(s => s.CreatedAt)
            .Select(s => new
            {
                s.Id,
                Enrolled = db.Enrollments.Any(e => e.ProspectId == prospectId && (e.Status == EnrollmentStatuses.Active || e.SequenceId == s.Id)),
            })
            .FirstAsync(cancellationToken);
        var sequenceId = target.Id;
        if (target.Enrolled)
        {
            await db.SaveChangesAsync(cancellationToken); // keeps the inbox record
            return;
        }
        var contact = await sender.Send(new GetProspectContact(notification.ProspectId), cancellationToken);
        await enroller.EnrolAsync(contact, sequenceId, cancellationToken);
    }
}

internal sealed class EnrolProspectValidator : IValidator<EnrolProspect>
{
    public void Validate(EnrolProspect m, ValidationErrors errors) =>
        errors.Required("prospectId", m.ProspectId).SingleLine("prospectId", m.ProspectId, Limits.Id)
            .Required("sequenceId", m.SequenceId).SingleLine("sequenceId", m.SequenceId, Limits.Id);
}

/// <summary>
/// Enrols by hand. One active sequence per prospect: a rep enrolling a prospect that is in another sequence stops that
/// one (reason <c>manual</c>) — the rep's choice wins over the automatic enrolment.
/// </summary>
internal sealed class EnrolProspectHandler(OutreachDbContext db, Enroller enroller, ISender sender) : ICommandHandler<EnrolProspect, EnrollmentCreated>
{
    public async ValueTask<EnrollmentCreated> Handle(EnrolProspect command, CancellationToken cancellationToken)
    {
        if (!await db.Sequences.AnyAsync(s => s.Id == command.SequenceId, cancellationToken))
            throw ValidationFailedException.For("sequenceId", $"No sequence has the id '{command.SequenceId}'.");
        ProspectContact contact;
        try { contact = await sender.Send(new GetProspectContact(command.ProspectId), cancellationToken); }
        catch (NotFoundException) { throw ValidationFailedException.For("prospectId", $"No prospect has the id '{command.ProspectId}'."); }
        if (await db.Enrollments.AnyAsync(e => e.ProspectId == command.ProspectId && e.SequenceId == command.SequenceId, cancellationToken))
            throw new ConflictException("The prospect was already enrolled in this sequence.");
        var active = await db.Enrollments.Where(e => e.ProspectId == command.ProspectId && e.Status == EnrollmentStatuses.Active).ToListAsync(cancellationToken);
        if (active.Count > 0)
        {
            var flow = new StepFlow(db);
            foreach (var e in active) await flow.StopAsync(e, StopReasons.Manual, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        try
        {
            return new EnrollmentCreated((await enroller.EnrolAsync(contact, command.SequenceId, cancellationToken)).Id);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("The prospect was enrolled at the same time by someone else.");
        }
    }
}

internal sealed class StopEnrollmentValidator : IValidator<StopEnrollment>
{
    public void Validate(StopEnrollment m, ValidationErrors errors) => errors.SingleLine("reason", m.Reason, Limits.Detail);
}

internal sealed class StopEnrollmentHandler(OutreachDbContext db, ISender sender) : ICommandHandler<StopEnrollment, EnrollmentDetails>
{
    public async ValueTask<EnrollmentDetails> Handle(StopEnrollment command, CancellationToken cancellationToken)
    {
        var e = await db.Enrollments.FirstOrDefaultAsync(x => x.Id == command.EnrollmentId, cancellationToken) ?? throw new NotFoundException("Enrollment", command.EnrollmentId);
        if (e.Status == EnrollmentStatuses.Active)
        {
            await new StepFlow(db).StopAsync(e, command.Reason is { Length: > 0 } r ? $"{StopReasons.Manual}: {r}" : StopReasons.Manual, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        return await sender.Send(new GetEnrollment(e.Id), cancellationToken);
    }
}

internal sealed class GetEnrollmentHandler(OutreachDbContext db, SequenceCache sequences) : IQueryHandler<GetEnrollment, EnrollmentDetails>
{
    public async ValueTask<EnrollmentDetails> Handle(GetEnrollment query, CancellationToken cancellationToken)
    {
        var e = await db.Enrollments.AsNoTracking().FirstOrDefaultAsync(x => x.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Enrollment", query.Id);
        var sequence = await sequences.GetAsync(db, e.SequenceId, cancellationToken);
        var rows = (await db.Steps.AsNoTracking().Where(s => s.EnrollmentId == e.Id).ToListAsync(cancellationToken)).ToDictionary(s => s.StepIndex);
        var furthest = rows.Count == 0 ? -1 : rows.Keys.Max();
        var steps = sequence.Steps.Select((def, i) =>
        {
            if (rows.TryGetValue(i, out var s))
                return new EnrollmentStep(i, s.Kind, s.Status == ScheduledStep.Waiting ? StepStatuses.Due : s.Status, DateTimeOffset.FromUnixTimeMilliseconds(s.DueAt),
                    s.BlockedReason, s.Attempts, s.Error, s.Outcome, s.Variant);
            // Never scheduled: passed over by a branch or a stop, or still to come.
            var passed = i < furthest || e.Status != EnrollmentStatuses.Active;
            return new EnrollmentStep(i, def.Kind, passed ? StepStatuses.Skipped : StepStatuses.Pending, null, null);
        }).ToList();
        return new EnrollmentDetails(e.Id, e.ProspectId, e.SequenceId, e.Status, e.StopReason, steps);
    }
}
