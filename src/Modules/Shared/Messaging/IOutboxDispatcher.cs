using Mediator;

namespace Tandem.Modules.Shared.Messaging;

/// <summary>
/// Publishes a committed outbox message now, in the caller's request, instead of waiting for the background
/// dispatcher. Safe: a message stored with <c>PublishInline</c> is reserved for its caller; if this host dies half-way
/// the reservation expires and the background dispatcher of any host delivers it (consumers are idempotent).
/// </summary>
public interface IOutboxDispatcher
{
    /// <summary>
    /// The dispatcher's lease: how long a message reserved for its caller (PublishInline) or for relay (<see cref="RelayOwner"/>)
    /// is left alone before the background dispatcher of any host takes it.
    /// </summary>
    TimeSpan InlineReservation { get; }

    /// <summary>
    /// Publishes <paramref name="notification"/>, committed just before as outbox message <paramref name="messageId"/> with
    /// <c>PublishInline</c>, to the consumers of enabled modules. Handled when every consumer handled it; not when it
    /// failed (it is then retried by the background dispatcher with backoff) or the module's outbox is not dispatched here.
    /// The reply is what a consumer offered through <see cref="InlineReplies"/>, when it was handled.
    /// </summary>
    ValueTask<InlineDispatch> DispatchInlineAsync<TNotification>(string module, Guid messageId, TNotification notification, CancellationToken cancellationToken)
        where TNotification : INotification;

    /// <summary>Claims a committed message by id and publishes it now; false when it was already taken, processed or disabled.</summary>
    ValueTask<bool> TryDispatchNowAsync(string module, Guid messageId, CancellationToken cancellationToken);

    /// <summary>
    /// The lease owner to store on messages <paramref name="module"/> is about to commit so that they can be handed to its
    /// running dispatcher from memory after the commit (<see cref="Relay"/>), or null when its dispatcher does not run
    /// here (then the commit announces them and the dispatcher claims them from the table).
    /// </summary>
    string? RelayOwner(string module);

    /// <summary>
    /// Hands messages just committed with <see cref="RelayOwner"/>'s lease to the module's dispatcher, notification in
    /// hand: no claim and no read. If this process dies first, the lease expires and any dispatcher claims them.
    /// </summary>
    void Relay(string module, IReadOnlyList<RelayedMessage> messages);
}

/// <summary>A committed outbox message handed to its dispatcher from memory (<see cref="IOutboxDispatcher.Relay"/>).</summary>
/// <param name="ReservedAt">When its lease began (Unix ms): a message still waiting after half its lease is no longer a first delivery.</param>
public sealed record RelayedMessage(Guid Id, string Type, long ReservedAt, INotification Notification);

/// <summary>The outcome of <see cref="IOutboxDispatcher.DispatchInlineAsync"/>.</summary>
/// <param name="Handled">Every consumer handled the message (its effects are committed).</param>
/// <param name="Reply">What a consumer replied (<see cref="InlineReplies"/>); null when none did or it was not handled.</param>
public readonly record struct InlineDispatch(bool Handled, string? Reply);
