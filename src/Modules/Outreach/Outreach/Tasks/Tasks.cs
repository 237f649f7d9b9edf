using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Outreach.Templates;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach.Tasks;

internal sealed class ListTasksValidator : IValidator<ListTasks>
{
    public void Validate(ListTasks m, ValidationErrors errors)
    {
        errors.MaxLength("owner", m.Owner, Limits.Name).MaxLength("prospectId", m.ProspectId, Limits.Id);
        if (m.Page is < 1 or > 100_000) errors.Add("page", "Pages start at 1 and stop at 100000; narrow the search instead.");
        if (m.PageSize is < 1 or > 500) errors.Add("pageSize", "Between 1 and 500.");
    }
}

/// <summary>
/// The rep's day: open tasks by priority = fit (0..1) × engagement (1 + ½ per reply, click, open or conversation, at most
/// 2.5) × urgency (1 when due now, up to 2 a week overdue, ½ when not yet due), with who, why now, fit reasons, the last
/// touches and the persona's script.
/// </summary>
internal sealed class ListTasksHandler(OutreachDbContext db, SequenceCache sequences, TemplateRenderer renderer, Meetings.BookingLinks links,
    Meetings.BookingSettingsReader booking, TimeProvider clock)
    : IQueryHandler<ListTasks, TaskList>
{
    private const int MaxQueue = 5000;
    private static readonly string[] Engaged = ["replied", "clicked", "opened"];

    public async ValueTask<TaskList> Handle(ListTasks query, CancellationToken cancellationToken)
    {
        IQueryable<RepTaskEntity> tasks = db.Tasks.AsNoTracking().Where(t => t.Status == "open");
        if (query.Owner is not null) tasks = tasks.Where(t => t.Owner == query.Owner);
        if (query.ProspectId is not null) tasks = tasks.Where(t => t.ProspectId == query.ProspectId);
        if (query.DueBefore is { } due) tasks = tasks.Where(t => t.DueAt <= due);
        var open = await tasks.OrderBy(t => t.DueAt).Take(MaxQueue).ToListAsync(cancellationToken);
        var total = open.Count < MaxQueue ? open.Count : await tasks.CountAsync(cancellationToken);
        var enrollmentIds = open.Select(t => t.EnrollmentId).Distinct().ToList();
        var enrollments = await db.Enrollments.AsNoTracking().Where(e => enrollmentIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        var prospectIds = open.Select(t => t.ProspectId).Distinct().ToList();
        var engagement = await db.Activities.AsNoTracking()
            .Where(a => a.ProspectId != null && prospectIds.Contains(a.ProspectId) && (Engaged.Contains(a.Kind) || a.Outcome == TaskOutcomes.Connected))
            .GroupBy(a => a.ProspectId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var now = clock.GetUtcNow();
        var ranked = open.Select(t =>
        {
            enrollments.TryGetValue(t.EnrollmentId, out var e);
            var fit = (e?.Contact.FitScore ?? 50) / 100.0;
            var engaged = 1 + Math.Min(3, engagement.GetValueOrDefault(t.ProspectId)) * 0.5;
            var overdueDays = (now - t.DueAt).TotalDays;
            var urgency = overdueDays < 0 ? 0.5 : 1 + Math.Min(7, overdueDays) / 7;
            return (Task: t, Enrollment: e, Priority: Math.Round(fit * engaged * urgency, 4));
        }).OrderByDescending(x => x.Priority).ThenBy(x => x.Task.DueAt).ThenBy(x => x.Task.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();

        var pageProspects = ranked.Select(x => x.Task.ProspectId).Distinct().ToList();
        var touches = (await db.Activities.AsNoTracking().Where(a => a.ProspectId != null && pageProspects.Contains(a.ProspectId))
                .OrderByDescending(a => a.OccurredAt).Take(pageProspects.Count * 20).ToListAsync(cancellationToken))
            .GroupBy(a => a.ProspectId!).ToDictionary(g => g.Key, g => g.Take(3).Select(a => new Touch($"{a.Channel}:{a.Kind}", a.Outcome, a.OccurredAt, a.Notes)).ToList());
        var items = new List<RepTask>(ranked.Count);
        foreach (var (t, e, priority) in ranked)
        {
            var c = e?.Contact;
            string? whyNow = null, profile = null, draft = null;
            if (e is not null)
            {
                var sequence = await sequences.GetAsync(db, e.SequenceId, cancellationToken);
                whyNow = $"Step {t.StepIndex + 1} of {sequence.Steps.Count} of \"{sequence.Name}\", due {t.DueAt:yyyy-MM-dd HH:mm} UTC"
                         + (engagement.GetValueOrDefault(t.ProspectId) > 0 ? $"; engaged {engagement[t.ProspectId]} time(s)" : "");
                // Social selling: the rep opens the profile and sends the drafted message by hand (LinkedIn forbids automation).
                if (t.Kind == StepKinds.LinkedIn)
                {
                    profile = LinkedInLinks.ProfileOrSearch(e.Contact);
                    if (t.StepIndex < sequence.Steps.Count && sequence.Steps[t.StepIndex] is var definition
                        && definition.Templates(Sequences.AbVariants.Choose(definition.Variants, e.Id, t.StepIndex)).Body is { Length: > 0 } template)
                        draft = renderer.Render(template, e.Contact, e.Owner,
                            TemplateRenderer.UsesBookingUrl(template) && e.Owner is { } owner && await booking.ForAsync(owner, cancellationToken) is not null
                                ? links.PageFor(owner, e.ProspectId) : null);
                }
            }
            items.Add(new RepTask(t.Id, t.Kind, t.ProspectId, t.EnrollmentId, t.Owner, t.DueAt, t.Instructions, priority,
                c is null ? null : new TaskContact(c.FirstName, c.LastName, c.Company, c.JobTitle, c.Phone, c.Email), whyNow, c?.FitScore ?? 0,
                c?.FitReasons ?? [], touches.GetValueOrDefault(t.ProspectId) ?? [], c?.CallScript, profile, draft));
        }
        return new TaskList(items, total, query.Page, query.PageSize);
    }
}

internal sealed class CompleteTaskValidator : IValidator<CompleteTask>
{
    public void Validate(CompleteTask m, ValidationErrors errors) =>
        errors.Required("outcome", m.Outcome).OneOf("outcome", m.Outcome, TaskOutcomes.All).MultiLine("notes", m.Notes, Limits.Text);
}

/// <summary>Completes a task: its step is done with the outcome, which advances, branches or stops the sequence.</summary>
internal sealed class CompleteTaskHandler(OutreachDbContext db, TaskCompletion completion, SchedulerSignal signal) : ICommandHandler<CompleteTask, TaskCompleted>
{
    public async ValueTask<TaskCompleted> Handle(CompleteTask command, CancellationToken cancellationToken)
    {
        var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == command.TaskId, cancellationToken) ?? throw new NotFoundException("Task", command.TaskId);
        if (task.Status != "open") throw new ConflictException($"The task is {task.Status} already.");
        if (task.Kind == StepKinds.Call ? !TaskOutcomes.Call.Contains(command.Outcome) : TaskOutcomes.Call.Contains(command.Outcome) && command.Outcome != TaskOutcomes.MeetingBooked)
            throw ValidationFailedException.For("outcome", task.Kind == StepKinds.Call
                ? $"A call's outcome is one of: {string.Join(", ", TaskOutcomes.Call)}."
                : $"A {task.Kind} task's outcome is done, invitation-accepted or meeting-booked.");
        var result = await completion.CompleteAsync(task, command.Outcome, command.Notes, durationSeconds: null, eventId: null, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (result.NextStep is not null) signal.Notify();
        return result;
    }
}

/// <summary>Shared by a rep completing a task and a telephony plugin reporting a call's outcome.</summary>
internal sealed class TaskCompletion(OutreachDbContext db, SequenceCache sequences, TimeProvider clock)
{
    public async Task<TaskCompleted> CompleteAsync(RepTaskEntity task, string outcome, string? notes, int? durationSeconds, string? eventId,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        task.Status = "done";
        task.Outcome = outcome;
        task.Notes = notes;
        task.CompletedAt = now;
        var enrollment = await db.Enrollments.FirstAsync(e => e.Id == task.EnrollmentId, cancellationToken);
        var step = await db.Steps.FirstOrDefaultAsync(s => s.Id == task.Id, cancellationToken);
        // Channel fallback: after a wrong number, later call steps are skipped (the scheduler finds no phone).
        if (outcome == TaskOutcomes.WrongNumber) enrollment.Contact = enrollment.Contact with { PhoneUnusable = true };
        var flow = new StepFlow(db);
        flow.Log(new Activity
        {
            Id = Ids.New(), ProspectId = task.ProspectId, LeadId = enrollment.Contact.LeadId, EnrollmentId = enrollment.Id, StepId = task.Id,
            Channel = task.Kind == StepKinds.Task ? "task" : task.Kind, Kind = task.Kind == StepKinds.Call ? "call" : "task", Outcome = outcome,
            DurationSeconds = durationSeconds, Owner = task.Owner, Notes = notes, EventId = eventId, OccurredAt = now,
        });
        int? next = null;
        if (step is not null)
        {
            step.Status = StepStatuses.Done;
            step.Outcome = outcome;
            step.DoneAt = now.ToUnixTimeMilliseconds();
            var sequence = await sequences.GetAsync(db, enrollment.SequenceId, cancellationToken);
            next = await flow.AdvanceAsync(enrollment, sequence, step, outcome, now, cancellationToken);
        }
        return new TaskCompleted(task.Id, enrollment.Status, enrollment.StopReason, next);
    }
}

/// <summary>Where a rep finds the person on LinkedIn: the profile the lead came with, else a people search for name and company.</summary>
internal static class LinkedInLinks
{
    public static string? ProfileOrSearch(ContactSnapshot contact)
    {
        if (!string.IsNullOrWhiteSpace(contact.LinkedInUrl)) return contact.LinkedInUrl;
        var words = string.Join(' ', new[] { contact.FirstName, contact.LastName, contact.Company }.Where(w => !string.IsNullOrWhiteSpace(w)));
        return words.Length == 0 ? null : "https://www.linkedin.com/search/results/people/?keywords=" + Uri.EscapeDataString(words);
    }
}
