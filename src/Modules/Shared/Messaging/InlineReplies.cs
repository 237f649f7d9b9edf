using System.Collections.Concurrent;

namespace Tandem.Modules.Shared.Messaging;

/// <summary>
/// What a consumer tells the publisher of an inline dispatch (<see cref="IOutboxDispatcher.DispatchInlineAsync"/>), e.g. the
/// lead a form submission became: the request that is waiting can answer with it without reading it back from the
/// consumer's module. A reply is kept only for a first delivery (an inline dispatch, whose publisher waits); the
/// dispatcher takes it when the dispatch ends, whatever its outcome, so nothing is left behind. A reply is a hint for the
/// answer, never the record: the consumer's committed rows are.
/// </summary>
public sealed class InlineReplies
{
    private readonly ConcurrentDictionary<Guid, string> _replies = new();

    /// <summary>Replies <paramref name="reply"/> to message <paramref name="messageId"/>, when its publisher waits for it.</summary>
    public void Offer(Guid? messageId, bool firstDelivery, string reply)
    {
        if (messageId is { } id && firstDelivery) _replies[id] = reply;
    }

    /// <summary>Takes the reply to <paramref name="messageId"/>, if a consumer offered one.</summary>
    public string? Take(Guid messageId) => _replies.TryRemove(messageId, out var reply) ? reply : null;

    /// <summary>How many replies wait to be taken (zero between dispatches).</summary>
    public int Count => _replies.Count;
}
