using Mediator;

namespace Tandem.Modules.Shared.Messaging;

/// <summary>One outbox message handed to a <see cref="IBatchNotificationHandler{TNotification}"/>.</summary>
/// <param name="MessageId">The outbox message id (the inbox key).</param>
/// <param name="Notification">The notification it carries.</param>
/// <param name="FirstDelivery">Never handed to a consumer before: the inbox lookup can be skipped (its row is still written).</param>
public readonly record struct Delivery<TNotification>(Guid MessageId, TNotification Notification, bool FirstDelivery)
    where TNotification : INotification;

/// <summary>
/// An optional second form of a notification handler, for a hot consumer: the outbox dispatcher hands it every message of
/// one type that a claim returned (one scope, one DbContext, a few set-based reads and one SaveChanges for all of them)
/// instead of publishing them one by one. The class stays an ordinary <see cref="INotificationHandler{TNotification}"/>
/// too, and that form is what runs for a single message, an inline dispatch, and every message of a batch whose
/// batch call failed: then each message is published on its own, so one bad message fails only itself and is retried
/// alone (docs/architecture.md, "Batch consumers"). Both forms must have the same effect; both are idempotent through
/// the inbox (<c>ModuleDbContext.BeginConsumeBatchAsync</c>). Register it with <c>AddBatchConsumers</c>.
/// </summary>
public interface IBatchNotificationHandler<TNotification> : INotificationHandler<TNotification>
    where TNotification : INotification
{
    /// <summary>Handles every delivery, in one commit; throws to have each of them handled again one by one.</summary>
    ValueTask Handle(IReadOnlyList<Delivery<TNotification>> batch, CancellationToken cancellationToken);
}

/// <summary>
/// Set by the dispatcher while it publishes, one by one, the messages whose batch consumers already ran in a batch: the
/// publisher then skips those consumers and runs only the others.
/// </summary>
public static class BatchDispatch
{
    private static readonly AsyncLocal<bool> Skipping = new();

    /// <summary>True in a publish whose batch consumers already handled the message.</summary>
    public static bool SkipBatchConsumers
    {
        get => Skipping.Value;
        set => Skipping.Value = value;
    }
}
