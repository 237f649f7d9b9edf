using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Channels;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Tasks;

internal sealed class PlaceTaskCallValidator : IValidator<PlaceTaskCall>
{
    public void Validate(PlaceTaskCall m, ValidationErrors errors)
    {
        errors.Required("taskId", m.TaskId).SingleLine("taskId", m.TaskId, Limits.Id);
        if (m.RepPhone is not null && !IsE164(m.RepPhone)) errors.Add("repPhone", "An E.164 phone number (+33612345678).");
    }

    internal static bool IsE164(string number) =>
        number is { Length: >= 8 and <= 16 } && number[0] == '+' && number.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}

/// <summary>
/// Click-to-call (docs/outbound.md): the open call task's person is called through the <c>call</c> channel plugin after the
/// compliance policy allowed a call now. The task's id is the message id, so the provider's status report matches the task
/// (and completes it) and the plugin never rings twice for one task.
/// </summary>
internal sealed class PlaceTaskCallHandler(OutreachDbContext db, ChannelDirectory channels, ISender sender) : ICommandHandler<PlaceTaskCall, TaskCallPlaced>
{
    public async ValueTask<TaskCallPlaced> Handle(PlaceTaskCall command, CancellationToken cancellationToken)
    {
        var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == command.TaskId, cancellationToken)
                   ?? throw new NotFoundException("Task", command.TaskId);
        if (task.Kind != StepKinds.Call) throw ValidationFailedException.For("taskId", $"The task is a {task.Kind} task, not a call.");
        if (task.Status != "open") throw new ConflictException($"The task is {task.Status} already.");
        if (!channels.Channels.Contains("call"))
            return new TaskCallPlaced(TaskCallOutcomes.Unavailable, "No telephony plugin is active: call from your own phone.", null, null);

        var contact = await db.Enrollments.AsNoTracking().Where(e => e.Id == task.EnrollmentId).Select(e => e.Contact).FirstOrDefaultAsync(cancellationToken);
        if (contact?.Phone is not { Length: > 0 } phone || contact.PhoneUnusable)
            return new TaskCallPlaced(TaskCallOutcomes.Failed, "The person has no usable phone number.", null, null);

        var verdict = await sender.Send(new CheckContact(task.ProspectId, null, "call", null), cancellationToken);
        if (!verdict.Allowed)
            return new TaskCallPlaced(TaskCallOutcomes.Blocked, string.Join("; ", verdict.Reasons), verdict.NextAllowedAt, null);

        var receipt = await sender.Send(new SendThroughChannel("call", task.Id, phone, null, task.Instructions, From: command.RepPhone), cancellationToken);
        return receipt.Outcome == ChannelSendOutcomes.Sent
            ? new TaskCallPlaced(TaskCallOutcomes.Placed, null, null, receipt.ProviderMessageId)
            : new TaskCallPlaced(TaskCallOutcomes.Failed, receipt.Error ?? "The call could not be placed.", null, null);
    }
}
