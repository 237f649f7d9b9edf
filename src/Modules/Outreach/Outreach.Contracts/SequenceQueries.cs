using Mediator;

namespace Tandem.Modules.Outreach.Contracts;

/// <summary>The sequences, newest first, paged.</summary>
/// <param name="Page">From 1.</param>
/// <param name="PageSize">1..200.</param>
public sealed record ListSequences(int Page = 1, int PageSize = 25) : IQuery<SequencePage>;

/// <summary>A page of sequences; <paramref name="Total"/> counts them all.</summary>
/// <param name="Items">The sequences of the page.</param>
/// <param name="Total">How many there are.</param>
/// <param name="Page">The page.</param>
/// <param name="PageSize">Its size.</param>
public sealed record SequencePage(IReadOnlyList<SequenceDetails> Items, int Total, int Page, int PageSize);

/// <summary>One sequence with its steps.</summary>
/// <param name="Id">The sequence.</param>
public sealed record GetSequence(string Id) : IQuery<SequenceDetails>;

/// <summary>A sequence as defined.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Steps">Its steps, in order.</param>
/// <param name="StopOnReply">Whether a reply stops it.</param>
/// <param name="AutoEnroll">Whether new prospects are enrolled in it.</param>
/// <param name="CreatedAt">When it was defined.</param>
public sealed record SequenceDetails(string Id, string Name, IReadOnlyList<SequenceStepDefinition> Steps, bool StopOnReply, bool AutoEnroll,
    DateTimeOffset CreatedAt);

/// <summary>What a step's branch may wait for (<see cref="SequenceBranch.When"/>): a task outcome, or what happened to the step.</summary>
public sealed record BranchConditions
{
    private BranchConditions() { }

    /// <summary>The person replied (emails).</summary>
    public const string Replied = "replied";
    /// <summary>The step was skipped (no address on the channel).</summary>
    public const string Skipped = "skipped";
    /// <summary>The contact policy refused the step.</summary>
    public const string Blocked = "blocked";
    /// <summary>The channel refused or failed the step.</summary>
    public const string Failed = "failed";
    /// <summary>The message was sent (no reply yet when the next step is due).</summary>
    public const string Sent = "sent";
    /// <summary>Every condition a branch accepts: the task outcomes, then what happened to the step.</summary>
    public static readonly IReadOnlyList<string> All = [.. TaskOutcomes.All, Replied, Skipped, Blocked, Failed, Sent];
}
