namespace Tandem.Modules.Shared.Messaging;

/// <summary>
/// The outbox message being handled in the current scope, set by the dispatcher. Null when a handler runs
/// outside the outbox (a direct publish), in which case there is nothing to deduplicate.
/// </summary>
public sealed class MessageContext
{
    public Guid? MessageId { get; set; }

    /// <summary>
    /// True when this message was never handed to a consumer before: its publisher dispatches it inline, right after the
    /// commit that stored it. An idempotent consumer then skips the inbox lookup (it still writes its inbox row, whose key
    /// would refuse a concurrent second delivery). Every delivery by the background dispatcher checks the inbox.
    /// </summary>
    public bool FirstDelivery { get; set; }
}

/// <summary>Wakes the outbox dispatcher of a module when new messages were committed.</summary>
public interface IOutboxSignal
{
    void Notify(string module);
}
