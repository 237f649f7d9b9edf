namespace Tandem.Modules.Shared.Persistence;

/// <summary>
/// A notification written in the same transaction as the state change that caused it, published after commit.
/// Times are Unix milliseconds so that claims compare numbers on every provider.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    /// <summary>Full name of the notification type (a sealed record in some module's Contracts).</summary>
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public long OccurredAt { get; set; }
    public int Attempts { get; set; }
    public long NextAttemptAt { get; set; }
    public string? LockedBy { get; set; }
    public long? LockedUntil { get; set; }
    public long? ProcessedAt { get; set; }
    /// <summary>Exception type and message of the last failed attempt (never the payload).</summary>
    public string? LastError { get; set; }
}

/// <summary>One notification processed by one consumer: the idempotency record, written with the consumer's own changes.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }
    public required string Consumer { get; set; }
    public long ProcessedAt { get; set; }
}
