namespace Tandem.Plugins.Abstractions;

/// <summary>
/// An outbound channel: a way for Tandem to reach a person (e-mail, call, LinkedIn message...). The host sends each
/// sequence step of the matching kind through the channel registered under that name.
/// </summary>
public interface IOutboundChannel
{
    /// <summary>The channel's name, lower case: <c>"email"</c>, <c>"call"</c>, <c>"linkedin"</c>...</summary>
    string Channel { get; }

    /// <summary>Sends one message. Expected failures are answered with a <see cref="ChannelSendResult"/>, not an
    /// exception; the host cuts off a call that does not finish in time.</summary>
    /// <param name="message">What to send, to whom.</param>
    /// <param name="cancellationToken">Cancelled when the host gives up on the call.</param>
    /// <returns>Whether the provider took the message.</returns>
    ValueTask<ChannelSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>One message to send through an <see cref="IOutboundChannel"/>.</summary>
public sealed record OutboundMessage
{
    /// <summary>The host's id for this message; the same id is used when the host retries, so a channel can avoid
    /// sending twice.</summary>
    public required string MessageId { get; init; }

    /// <summary>The address on this channel: an e-mail address, an E.164 phone number, a profile URL...</summary>
    public required string Recipient { get; init; }

    /// <summary>Subject line, for channels that have one.</summary>
    public string? Subject { get; init; }

    /// <summary>Message text, or the instructions for a call.</summary>
    public string? Body { get; init; }

    /// <summary>The sender's address on this channel (the rep's mailbox, the caller id); null: the channel's default
    /// from its settings. Since 1.1.</summary>
    public string? From { get; init; }

    /// <summary>The sender's name as the recipient sees it (<c>"Jeanne Martin"</c>); null: none or the channel's
    /// default. Since 1.1.</summary>
    public string? FromDisplayName { get; init; }

    /// <summary>Where replies should go, when not to <see cref="From"/>. Since 1.1.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>A one-click unsubscribe address for this recipient (an e-mail channel sends it as RFC 8058
    /// <c>List-Unsubscribe</c> with <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c>). Since 1.1.</summary>
    public Uri? UnsubscribeUrl { get; init; }

    /// <summary>Extra protocol headers to send as they are (for example <c>X-Campaign</c>); a channel ignores those it
    /// cannot carry. Never put secrets here. Since 1.1.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Files sent with the message (an e-mail channel attaches them; for example a meeting's <c>.ics</c>
    /// invitation as <c>text/calendar</c>); a channel that cannot carry files ignores them. Since 1.3.</summary>
    public IReadOnlyList<OutboundAttachment> Attachments { get; init; } = [];
}

/// <summary>A file sent with an <see cref="OutboundMessage"/>. Since 1.3.</summary>
public sealed record OutboundAttachment
{
    /// <summary>The file name the recipient sees (<c>invitation.ics</c>).</summary>
    public required string FileName { get; init; }

    /// <summary>The media type, with parameters where they matter (<c>text/calendar; method=REQUEST</c>).</summary>
    public required string ContentType { get; init; }

    /// <summary>The file's bytes.</summary>
    public required ReadOnlyMemory<byte> Content { get; init; }
}

/// <summary>What became of an <see cref="OutboundMessage"/>.</summary>
public enum ChannelSendOutcome
{
    /// <summary>The provider accepted the message.</summary>
    Sent,

    /// <summary>The message could not be sent now; the host may try again later.</summary>
    TransientFailure,

    /// <summary>The message will never be sent (invalid address, refused by the provider); do not try again.</summary>
    PermanentFailure,
}

/// <summary>The answer of <see cref="IOutboundChannel.SendAsync"/>.</summary>
public sealed record ChannelSendResult
{
    /// <summary>Sent, or failed for now, or failed for good.</summary>
    public required ChannelSendOutcome Outcome { get; init; }

    /// <summary>The provider's id for the message, used to match later status callbacks; null when unknown.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>Why sending failed, in words a person understands; null when sent.</summary>
    public string? Error { get; init; }
}
