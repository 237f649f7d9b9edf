namespace Tandem.Modules.Shared.Messaging;

/// <summary>
/// Publishes a committed outbox message now, in the caller's request, instead of waiting for the background
/// dispatcher. Safe: the message is claimed with a lease first, so exactly one dispatcher handles it; if this
/// host dies half-way the lease expires and the background dispatcher of any host takes it over.
/// </summary>
public interface IOutboxDispatcher
{
    /// <summary>True when this call published the message; false when it was already taken or disabled.</summary>
    /// <summary>How long a message published with PublishInline waits for its caller before the background dispatcher takes it.</summary>
    TimeSpan InlineReservation { get; }

    ValueTask<bool> TryDispatchNowAsync(string module, Guid messageId, CancellationToken cancellationToken);
}
