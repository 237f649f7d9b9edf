namespace Tandem.Plugins.Abstractions;

/// <summary>
/// Provided by the host (since 1.1): where a channel plugin reports what happened after a send — a reply, a bounce,
/// an unsubscribe, a call's status. The host hands each event to Outreach, which matches it to the step that sent the
/// message and stops or adjusts the sequence. Ask for it in a constructor.
/// </summary>
public interface IChannelEventSink
{
    /// <summary>Reports one event. Reporting the same <see cref="ChannelEvent.EventId"/> again is harmless: it is
    /// recorded once.</summary>
    /// <param name="channelEvent">What happened.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <returns>Whether the event was recorded, already known, or matched no message or person.</returns>
    ValueTask<ChannelEventOutcome> ReportAsync(ChannelEvent channelEvent, CancellationToken cancellationToken);
}

/// <summary>What kind of thing a <see cref="ChannelEvent"/> reports.</summary>
public enum ChannelEventKind
{
    /// <summary>The provider delivered the message.</summary>
    Delivered,

    /// <summary>The person replied (not an automatic answer).</summary>
    Replied,

    /// <summary>The message bounced; <see cref="ChannelEvent.Outcome"/> is <c>hard</c> or <c>soft</c>.</summary>
    Bounced,

    /// <summary>The person asked to receive nothing more on this channel.</summary>
    Unsubscribed,

    /// <summary>A call changed state or ended; <see cref="ChannelEvent.Outcome"/> is the call's outcome
    /// (<c>connected</c>, <c>no-answer</c>, <c>busy</c>, <c>voicemail</c>, <c>failed</c>, <c>canceled</c>...).</summary>
    CallStatus,
}

/// <summary>One thing a channel learnt from its provider after a send (since 1.1).</summary>
public sealed record ChannelEvent
{
    /// <summary>The channel (<c>email</c>, <c>call</c>...), as the plugin's <see cref="IOutboundChannel.Channel"/>.</summary>
    public required string Channel { get; init; }

    /// <summary>What happened.</summary>
    public required ChannelEventKind Kind { get; init; }

    /// <summary>The provider's id of the event (or a stable id the plugin derives from it): the same event reported
    /// twice is recorded once.</summary>
    public required string EventId { get; init; }

    /// <summary>Tandem's id of the message concerned (<see cref="OutboundMessage.MessageId"/>), when known.</summary>
    public string? MessageId { get; init; }

    /// <summary>The provider's id of the message or call (<see cref="ChannelSendResult.ProviderMessageId"/>), when known.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>The person's address on the channel (e-mail address, E.164 phone number), when known.</summary>
    public string? Address { get; init; }

    /// <summary>The outcome: for a bounce <c>hard</c> or <c>soft</c>; for a call its outcome; null otherwise.</summary>
    public string? Outcome { get; init; }

    /// <summary>For a call: how long it lasted, in seconds.</summary>
    public int? DurationSeconds { get; init; }

    /// <summary>When it happened, as the provider says.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The answer of <see cref="IChannelEventSink.ReportAsync"/>.</summary>
public enum ChannelEventOutcome
{
    /// <summary>The event was new and is recorded.</summary>
    Recorded,

    /// <summary>The event was already recorded; nothing changed.</summary>
    Duplicate,

    /// <summary>No message or person matches the event; it is kept nowhere.</summary>
    Unmatched,
}

/// <summary>
/// A provider a plugin reads on a schedule to learn about messages it sent (since 1.2): a mailbox read over IMAP for
/// replies and bounces, a provider's delivery reports. The host calls <see cref="PollAsync"/> soon after loading and
/// then every <see cref="Interval"/> (10 s at least, unless the host allows less), through the same time limit and
/// circuit breaker as any call into a plugin; what it learns goes to <see cref="IChannelEventSink"/>. Register it as
/// <see cref="IChannelEventSource"/> in <see cref="ITandemPlugin.ConfigureServices"/>; keep the cursor in
/// <see cref="IPluginState"/>.
/// </summary>
public interface IChannelEventSource
{
    /// <summary>The source's name, unique within the plugin among its polling sources: lower case letters, digits and
    /// dashes (for example <c>"replies"</c>).</summary>
    string Name { get; }

    /// <summary>How often to poll.</summary>
    TimeSpan Interval { get; }

    /// <summary>Reads what is new since the last poll and reports it. Throwing (provider unreachable) is logged by the
    /// host and retried at the next turn; the cursor must then not have moved past what was not reported.</summary>
    /// <param name="cancellationToken">Cancelled when the host gives up on the call or stops.</param>
    /// <returns>How many events were reported.</returns>
    ValueTask<int> PollAsync(CancellationToken cancellationToken);
}
