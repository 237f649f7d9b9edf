using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach;

/// <summary>A new prospect is enrolled in the default sequence; its first step, a call, becomes a rep task.</summary>
internal sealed class EnrolNewProspect(OutreachDbContext db, TimeProvider clock) : INotificationHandler<ProspectQualified>
{
    public async ValueTask Handle(ProspectQualified notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(EnrolNewProspect), cancellationToken)) return;
        var sequence = await db.Sequences.AsNoTracking().FirstAsync(s => s.IsDefault, cancellationToken);
        if (await db.Enrollments.AnyAsync(e => e.ProspectId == notification.ProspectId && e.SequenceId == sequence.Id, cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var now = clock.GetUtcNow();
        var enrollment = new Enrollment
        {
            Id = Ids.New(),
            ProspectId = notification.ProspectId,
            SequenceId = sequence.Id,
            Status = "active",
            CreatedAt = now,
            Steps = sequence.Steps.Select((step, i) => new StepState(i, step.Kind, i == 0 ? "due" : "pending",
                now.AddDays(sequence.Steps.Take(i + 1).Sum(s => s.WaitDays)), null)).ToList(),
        };
        db.Enrollments.Add(enrollment);
        var first = sequence.Steps[0];
        if (first.Kind is "call" or "linkedin" or "task")
        {
            // Calls and LinkedIn steps are done by a person (LinkedIn forbids automation): they land in the rep's queue.
            db.Tasks.Add(new RepTaskEntity
            {
                Id = Ids.New(),
                Kind = first.Kind,
                ProspectId = notification.ProspectId,
                EnrollmentId = enrollment.Id,
                StepIndex = 0,
                Owner = notification.Owner,
                DueAt = now,
                Instructions = first.Instructions,
                Status = "open",
                CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Which outbound channels the loaded plugins provide (kept in memory; the host republishes it at start-up).</summary>
internal sealed class ChannelDirectory
{
    private volatile IReadOnlyList<string> _channels = [];
    public IReadOnlyList<string> Channels => _channels;
    public void Replace(IReadOnlyList<string> channels) => _channels = channels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}

internal sealed class UpdateChannelDirectory(ChannelDirectory directory) : INotificationHandler<ChannelsChanged>
{
    public ValueTask Handle(ChannelsChanged notification, CancellationToken cancellationToken)
    {
        directory.Replace(notification.Channels);
        return ValueTask.CompletedTask;
    }
}

internal sealed class GetAvailableChannelsHandler(ChannelDirectory directory) : IQueryHandler<GetAvailableChannels, IReadOnlyList<string>>
{
    public ValueTask<IReadOnlyList<string>> Handle(GetAvailableChannels query, CancellationToken cancellationToken) => ValueTask.FromResult(directory.Channels);
}

internal sealed class ListTasksValidator : IValidator<ListTasks>
{
    public void Validate(ListTasks m, ValidationErrors errors)
    {
        errors.MaxLength("owner", m.Owner, Limits.Name).MaxLength("prospectId", m.ProspectId, Limits.Id);
        if (m.Page is < 1 or > 100_000) errors.Add("page", "Pages start at 1 and stop at 100000; narrow the search instead.");
        if (m.PageSize is < 1 or > 500) errors.Add("pageSize", "Between 1 and 500.");
    }
}

internal sealed class ListTasksHandler(OutreachDbContext db) : IQueryHandler<ListTasks, TaskList>
{
    public async ValueTask<TaskList> Handle(ListTasks query, CancellationToken cancellationToken)
    {
        IQueryable<RepTaskEntity> tasks = db.Tasks.AsNoTracking().Where(t => t.Status == "open");
        if (query.Owner is not null) tasks = tasks.Where(t => t.Owner == query.Owner);
        if (query.ProspectId is not null) tasks = tasks.Where(t => t.ProspectId == query.ProspectId);
        if (query.DueBefore is { } due) tasks = tasks.Where(t => t.DueAt <= due);
        var total = await tasks.CountAsync(cancellationToken);
        var items = await tasks.OrderBy(t => t.DueAt).ThenBy(t => t.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new TaskList(items.Select(t => new RepTask(t.Id, t.Kind, t.ProspectId, t.EnrollmentId, t.Owner, t.DueAt, t.Instructions)).ToList(),
            total, query.Page, query.PageSize);
    }
}

internal sealed class GetEnrollmentHandler(OutreachDbContext db) : IQueryHandler<GetEnrollment, EnrollmentDetails>
{
    public async ValueTask<EnrollmentDetails> Handle(GetEnrollment query, CancellationToken cancellationToken)
    {
        var e = await db.Enrollments.AsNoTracking().FirstOrDefaultAsync(x => x.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Enrollment", query.Id);
        return new EnrollmentDetails(e.Id, e.ProspectId, e.SequenceId, e.Status, e.StopReason,
            e.Steps.Select(s => new EnrollmentStep(s.Index, s.Kind, s.Status, s.DueAt, s.BlockedReason)).ToList());
    }
}

internal static class OutreachEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/tasks", async (string? owner, DateTimeOffset? due, string? prospectId, int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            Results.Ok(await sender.Send(new ListTasks(owner, due, prospectId, page ?? 1, pageSize ?? 50), ct))).WithName("ListTasks").WithSummary("Open rep tasks (calls, LinkedIn steps), oldest due first");

        api.MapGet("/enrollments/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetEnrollment(id), ct)))
            .WithName("GetEnrollment").WithSummary("One enrolment in a sequence with the status of each step");

        api.MapGet("/channels", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetAvailableChannels(), ct)))
            .WithName("GetAvailableChannels").WithSummary("Outbound channels provided by the loaded plugins");
    }
}
