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
