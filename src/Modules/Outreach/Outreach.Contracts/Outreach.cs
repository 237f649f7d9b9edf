using Mediator;

namespace Tandem.Modules.Outreach.Contracts;

/// <summary>Rep tasks (calls, LinkedIn steps…) that are open, optionally for one owner and due before a time.</summary>
public sealed record ListTasks(string? Owner, DateTimeOffset? DueBefore, string? ProspectId = null, int Page = 1, int PageSize = 50) : IQuery<TaskList>;

/// <summary>A page of open rep tasks, oldest due first; <paramref name="Total"/> counts them all.</summary>
public sealed record TaskList(IReadOnlyList<RepTask> Items, int Total, int Page, int PageSize);

/// <summary>A task for a rep: what to do, for whom, by when.</summary>
public sealed record RepTask(string Id, string Kind, string ProspectId, string EnrollmentId, string? Owner, DateTimeOffset DueAt, string? Instructions);

/// <summary>One enrolment of a prospect in a sequence, with its steps.</summary>
public sealed record GetEnrollment(string Id) : IQuery<EnrollmentDetails>;

/// <summary>An enrolment as the API shows it.</summary>
public sealed record EnrollmentDetails(string Id, string ProspectId, string SequenceId, string Status, string? StopReason, IReadOnlyList<EnrollmentStep> Steps);

/// <summary>A step of an enrolment.</summary>
public sealed record EnrollmentStep(int Index, string Kind, string Status, DateTimeOffset? DueAt, string? BlockedReason);

/// <summary>The outbound channels that channel plugins currently provide (published by the host when its plugin catalog changes).</summary>
public sealed record ChannelsChanged(IReadOnlyList<string> Channels) : INotification;

/// <summary>The channels Outreach can currently send through.</summary>
public sealed record GetAvailableChannels : IQuery<IReadOnlyList<string>>;

/// <summary>
/// Send one message through the channel plugin that offers <paramref name="Channel"/> (handled by the host, which owns the
/// plugins). <paramref name="MessageId"/> is the idempotency key: the same step retried carries the same id, so that a
/// channel never sends it twice.
/// </summary>
public sealed record SendThroughChannel(string Channel, string MessageId, string Recipient, string? Subject, string? Body)
    : ICommand<ChannelSendReceipt>;

/// <summary>What a channel did with a message: <see cref="ChannelSendOutcomes"/>, the provider's id, and why it failed.</summary>
public sealed record ChannelSendReceipt(string Outcome, string? ProviderMessageId, string? Error);

/// <summary>The outcomes of <see cref="SendThroughChannel"/>.</summary>
public static class ChannelSendOutcomes
{
    /// <summary>The provider took the message.</summary>
    public const string Sent = "sent";
    /// <summary>Not sent now (no plugin for the channel, plugin down or slow); try again later.</summary>
    public const string TransientFailure = "transient-failure";
    /// <summary>Will never be sent (invalid address, refused); do not try again.</summary>
    public const string PermanentFailure = "permanent-failure";
}

/// <summary>
/// Something a channel reported about a person or a message after the fact: a reply, a bounce, an unsubscribe, a call's
/// status. Sent by the host when a channel plugin reports an event; Outreach matches it to the step that sent the
/// message (<paramref name="MessageId"/> or <paramref name="ProviderMessageId"/>) or to the person (<paramref name="Address"/>).
/// </summary>
/// <param name="Channel">The channel (<c>email</c>, <c>call</c>, <c>linkedin</c>…).</param>
/// <param name="Kind">What happened: <see cref="ChannelEventKinds"/>.</param>
/// <param name="MessageId">Tandem's id of the message it concerns, when known.</param>
/// <param name="ProviderMessageId">The provider's id of the message or call, when known.</param>
/// <param name="Address">The person's address on the channel (email, E.164 phone…), when known.</param>
/// <param name="Outcome">For calls: the outcome (API list: connected, no-answer, busy, voicemail…); for bounces: hard or soft.</param>
/// <param name="DurationSeconds">For calls: how long the call lasted.</param>
/// <param name="At">When it happened, as the provider says.</param>
/// <param name="EventId">The provider's id of the event: the same event reported twice is recorded once.</param>
public sealed record RecordChannelEvent(
    string Channel, string Kind, string? MessageId, string? ProviderMessageId, string? Address, string? Outcome,
    int? DurationSeconds, DateTimeOffset At, string EventId) : ICommand<ChannelEventRecorded>;

/// <summary>Whether the event was new (<c>recorded</c>), already known (<c>duplicate</c>) or matched nothing (<c>unmatched</c>).</summary>
public sealed record ChannelEventRecorded(string Outcome);

/// <summary>The kinds of <see cref="RecordChannelEvent"/>.</summary>
public static class ChannelEventKinds
{
    /// <summary>The provider delivered the message.</summary>
    public const string Delivered = "delivered";
    /// <summary>The person opened the message (where the channel can know).</summary>
    public const string Opened = "opened";
    /// <summary>The person clicked a link in the message.</summary>
    public const string Clicked = "clicked";
    /// <summary>The person replied.</summary>
    public const string Replied = "replied";
    /// <summary>The message bounced (Outcome: hard or soft).</summary>
    public const string Bounced = "bounced";
    /// <summary>The person asked to receive nothing more on this channel.</summary>
    public const string Unsubscribed = "unsubscribed";
    /// <summary>A call ended or changed state (Outcome, DurationSeconds).</summary>
    public const string CallStatus = "call-status";
}
