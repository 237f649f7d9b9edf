using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Outreach.Tasks;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach.Activities;

internal sealed class LogActivityValidator : IValidator<LogActivity>
{
    public static readonly string[] Kinds = ["call", "email", "linkedin", "meeting", "note"];

    public void Validate(LogActivity m, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(m.ProspectId) && string.IsNullOrWhiteSpace(m.LeadId)) errors.Add("prospectId", "Give prospectId or leadId.");
        errors.SingleLine("prospectId", m.ProspectId, Limits.Id).SingleLine("leadId", m.LeadId, Limits.Id)
            .Required("kind", m.Kind).OneOf("kind", m.Kind, Kinds).MultiLine("notes", m.Notes, Limits.Text);
        if (m.Kind == "call") errors.OneOf("outcome", m.Outcome, TaskOutcomes.Call);
        else errors.SingleLine("outcome", m.Outcome, Limits.Key);
        if (m.DurationSeconds is < 0 or > 86_400) errors.Add("durationSeconds", "Between 0 and 86400 seconds.");
    }
}

/// <summary>
/// A touch made outside Tandem or earlier: logged at its time, published; a meeting (or a call with <c>meeting-booked</c>)
/// stops the prospect's active sequence like a completed task does.
/// </summary>
internal sealed class LogActivityHandler(OutreachDbContext db, ISender sender, TimeProvider clock) : ICommandHandler<LogActivity, ActivityLogged>
{
    public async ValueTask<ActivityLogged> Handle(LogActivity command, CancellationToken cancellationToken)
    {
        var prospectId = command.ProspectId;
        var leadId = command.LeadId;
        string? owner = null;
        try
        {
            if (prospectId is not null)
            {
                var p = await sender.Send(new GetProspect(prospectId), cancellationToken);
                (leadId, owner) = (p.LeadId, p.Owner);
            }
            else if ((await sender.Send(new ListProspects(null, null, leadId, 1, 1), cancellationToken)).Items is [var p])
                (prospectId, owner) = (p.Id, p.Owner);
        }
        catch (NotFoundException)
        {
            throw ValidationFailedException.For("prospectId", $"No prospect has the id '{command.ProspectId}'.");
        }
        var outcome = command.Kind == "meeting" ? command.Outcome ?? TaskOutcomes.MeetingBooked : command.Outcome;
        var flow = new StepFlow(db);
        var activity = flow.Log(new Activity
        {
            Id = Ids.New(), ProspectId = prospectId, LeadId = leadId, Channel = command.Kind, Kind = command.Kind, Outcome = outcome,
            DurationSeconds = command.DurationSeconds, Owner = owner, Notes = command.Notes, OccurredAt = command.OccurredAt ?? clock.GetUtcNow(),
        });
        if (prospectId is not null && StepFlow.StopReasonFor(outcome) is { } reason)
            foreach (var e in await db.Enrollments.Where(e => e.ProspectId == prospectId && e.Status == EnrollmentStatuses.Active).ToListAsync(cancellationToken))
                await flow.StopAsync(e, reason, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return new ActivityLogged(activity.Id);
    }
}

/// <summary>
/// What a channel plugin reported (reply, bounce, unsubscribe, call status…): recorded once per event id in the
/// activity log, matched to the step that sent the message or to the person's active enrolment, and the stop rules
/// applied: a reply stops a sequence that stops on reply, a hard bounce and an unsubscribe stop it; a call's outcome
/// completes the open call task (advance, branch or stop).
/// </summary>
internal sealed class RecordChannelEventHandler(OutreachDbContext db, TaskCompletion completion, SequenceCache sequences)
    : ICommandHandler<RecordChannelEvent, ChannelEventRecorded>
{
    public async ValueTask<ChannelEventRecorded> Handle(RecordChannelEvent command, CancellationToken cancellationToken)
    {
        if (await db.Activities.AnyAsync(a => a.EventId == command.EventId, cancellationToken)) return new ChannelEventRecorded("duplicate");
        var (enrollment, stepId) = await MatchAsync(command, cancellationToken);
        if (enrollment is null) return new ChannelEventRecorded("unmatched");
        var flow = new StepFlow(db);
        if (command.Kind == ChannelEventKinds.CallStatus && command.Outcome is { } callOutcome && TaskOutcomes.Call.Contains(callOutcome)
            && await OpenCallTaskAsync(enrollment.Id, stepId, cancellationToken) is { } task)
        {
            await completion.CompleteAsync(task, callOutcome, notes: null, command.DurationSeconds, command.EventId, cancellationToken);
        }
        else
        {
            flow.Log(new Activity
            {
                Id = Ids.New(), ProspectId = enrollment.ProspectId, LeadId = enrollment.Contact.LeadId, EnrollmentId = enrollment.Id, StepId = stepId,
                Channel = command.Channel, Kind = command.Kind == ChannelEventKinds.CallStatus ? "call" : command.Kind, Outcome = command.Outcome,
                DurationSeconds = command.DurationSeconds, Owner = enrollment.Owner, ProviderMessageId = command.ProviderMessageId, EventId = command.EventId,
                OccurredAt = command.At,
            });
            if (enrollment.Status == EnrollmentStatuses.Active)
            {
                var sequence = await sequences.GetAsync(db, enrollment.SequenceId, cancellationToken);
                var reason = command.Kind switch
                {
                    ChannelEventKinds.Replied when sequence.StopOnReply => StopReasons.Replied,
                    ChannelEventKinds.Bounced when !string.Equals(command.Outcome, "soft", StringComparison.OrdinalIgnoreCase) => StopReasons.Bounced,
                    ChannelEventKinds.Unsubscribed => StopReasons.Unsubscribed,
                    _ => null,
                };
                if (reason is not null) await flow.StopAsync(enrollment, reason, cancellationToken);
            }
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same event reported twice at once: the unique event id kept one.
            return new ChannelEventRecorded("duplicate");
        }
        return new ChannelEventRecorded("recorded");
    }

    private async Task<(Enrollment?, string?)> MatchAsync(RecordChannelEvent e, CancellationToken cancellationToken)
    {
        string? enrollmentId = null, stepId = null;
        if (e.MessageId is not null)
        {
            var step = await db.Steps.AsNoTracking().Where(s => s.Id == e.MessageId).Select(s => new { s.Id, s.EnrollmentId }).FirstOrDefaultAsync(cancellationToken);
            (enrollmentId, stepId) = (step?.EnrollmentId, step?.Id);
        }
        if (enrollmentId is null && e.ProviderMessageId is not null)
        {
            var sent = await db.Activities.AsNoTracking().Where(a => a.ProviderMessageId == e.ProviderMessageId && a.EnrollmentId != null)
                .Select(a => new { a.EnrollmentId, a.StepId }).FirstOrDefaultAsync(cancellationToken);
            (enrollmentId, stepId) = (sent?.EnrollmentId, sent?.StepId);
        }
        if (enrollmentId is not null) return (await db.Enrollments.FirstOrDefaultAsync(x => x.Id == enrollmentId, cancellationToken), stepId);
        if (e.Address is null) return (null, null);
        var address = e.Address.Trim();
        var lower = address.ToLowerInvariant();
        var byAddress = await db.Enrollments.Where(x => x.Email == lower || x.Phone == address)
            .OrderByDescending(x => x.Status == EnrollmentStatuses.Active).ThenByDescending(x => x.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return (byAddress, null);
    }

    private async Task<RepTaskEntity?> OpenCallTaskAsync(string enrollmentId, string? stepId, CancellationToken cancellationToken) =>
        await db.Tasks.Where(t => t.EnrollmentId == enrollmentId && t.Status == "open" && t.Kind == StepKinds.Call && (stepId == null || t.Id == stepId))
            .OrderBy(t => t.DueAt).FirstOrDefaultAsync(cancellationToken);
}
