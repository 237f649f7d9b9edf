using Mediator;

namespace Tandem.Modules.Outreach.Contracts;

/// <summary>Rep tasks (calls, LinkedIn steps…) that are open, optionally for one owner and due before a time.</summary>
public sealed record ListTasks(string? Owner, DateTimeOffset? DueBefore, string? ProspectId = null, int Page = 1, int PageSize = 50) : IQuery<TaskList>;

/// <summary>A page of open rep tasks, oldest due first; <paramref name="Total"/> counts them all.</summary>
public sealed record TaskList(IReadOnlyList<RepTask> Items, int Total, int Page, int PageSize);

/// <summary>
/// A task for a rep: what to do, for whom, by when, and the context to do it well. LinkedIn steps add
/// <paramref name="ProfileUrl"/> (the person's profile, else a LinkedIn people search for name and company) and
/// <paramref name="DraftMessage"/> (the step's template rendered for the person): the rep sends it by hand, Tandem never does.
/// </summary>
public sealed record RepTask(string Id, string Kind, string ProspectId, string EnrollmentId, string? Owner, DateTimeOffset DueAt, string? Instructions,
    double Priority = 0, TaskContact? Who = null, string? WhyNow = null, int FitScore = 0, IReadOnlyList<string>? FitReasons = null,
    IReadOnlyList<Touch>? LastTouches = null, string? Script = null, string? ProfileUrl = null, string? DraftMessage = null);

/// <summary>Who a task is about.</summary>
public sealed record TaskContact(string? FirstName, string? LastName, string? Company, string? JobTitle, string? Phone, string? Email);

/// <summary>One touch of the activity log as a task shows it.</summary>
public sealed record Touch(string Kind, string? Outcome, DateTimeOffset At, string? Notes);

/// <summary>One enrolment of a prospect in a sequence, with its steps.</summary>
public sealed record GetEnrollment(string Id) : IQuery<EnrollmentDetails>;

/// <summary>An enrolment as the API shows it.</summary>
public sealed record EnrollmentDetails(string Id, string ProspectId, string SequenceId, string Status, string? StopReason, IReadOnlyList<EnrollmentStep> Steps);

/// <summary>A step of an enrolment: <see cref="StepStatuses"/>; <paramref name="Attempts"/> and <paramref name="Error"/> for channel retries.</summary>
/// <remarks><paramref name="Variant"/>: the A/B variant the step ran with (null: the step has none, or has not run).</remarks>
public sealed record EnrollmentStep(int Index, string Kind, string Status, DateTimeOffset? DueAt, string? BlockedReason, int Attempts = 0, string? Error = null,
    string? Outcome = null, string? Variant = null);

/// <summary>The outbound channels that channel plugins currently provide (published by the host when its plugin catalog changes).</summary>
public sealed record ChannelsChanged(IReadOnlyList<string> Channels) : INotification;

/// <summary>The channels Outreach can currently send through.</summary>
public sealed record GetAvailableChannels : IQuery<IReadOnlyList<string>>;

/// <summary>
/// Send one message through the channel plugin that offers <paramref name="Channel"/> (handled by the host, which owns the
/// plugins). <paramref name="MessageId"/> is the idempotency key: the same step retried carries the same id, so that a
/// channel never sends it twice.
/// </summary>
/// <param name="Channel">The channel (<c>email</c>, <c>call</c>…).</param>
/// <param name="MessageId">Tandem's id of the message, the idempotency key.</param>
/// <param name="Recipient">The address on the channel (e-mail address, E.164 number…).</param>
/// <param name="Subject">The subject line, for channels that have one.</param>
/// <param name="Body">The text, or the instructions for a call.</param>
/// <param name="From">The sending mailbox or caller id (the owner's); null: the channel's default.</param>
/// <param name="FromDisplayName">The sender's name as the recipient sees it; null: none.</param>
/// <param name="ReplyTo">Where replies go when not to <paramref name="From"/>.</param>
/// <param name="UnsubscribeUrl">The recipient's one-click unsubscribe link (<c>/u/{token}</c>), sent as RFC 8058 headers.</param>
/// <param name="Attachments">Files sent with the message (a meeting's <c>.ics</c> invitation); null: none.</param>
public sealed record SendThroughChannel(string Channel, string MessageId, string Recipient, string? Subject, string? Body,
    string? From = null, string? FromDisplayName = null, string? ReplyTo = null, Uri? UnsubscribeUrl = null,
    IReadOnlyList<ChannelAttachment>? Attachments = null)
    : ICommand<ChannelSendReceipt>;

/// <summary>A file sent with a message: its name, media type (<c>text/calendar; method=REQUEST</c>) and bytes.</summary>
public sealed record ChannelAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>What a channel did with a message: <see cref="ChannelSendOutcomes"/>, the provider's id, and why it failed.</summary>
public sealed record ChannelSendReceipt(string Outcome, string? ProviderMessageId, string? Error);

/// <summary>The outcomes of <see cref="SendThroughChannel"/>.</summary>
public sealed record ChannelSendOutcomes
{
    private ChannelSendOutcomes() { }

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
public sealed record ChannelEventKinds
{
    private ChannelEventKinds() { }

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

/// <summary>The statuses of an enrolment.</summary>
public sealed record EnrollmentStatuses
{
    private EnrollmentStatuses() { }

    /// <summary>Steps are still to run.</summary>
    public const string Active = "active";
    /// <summary>Every step ran.</summary>
    public const string Completed = "completed";
    /// <summary>A stop rule ended it (see its stop reason).</summary>
    public const string Stopped = "stopped";
}

/// <summary>The statuses of a step of an enrolment.</summary>
public sealed record StepStatuses
{
    private StepStatuses() { }

    /// <summary>Not scheduled yet (an earlier step has not run).</summary>
    public const string Pending = "pending";
    /// <summary>Scheduled: runs at its due time (or waits for a rep's task).</summary>
    public const string Due = "due";
    /// <summary>Ran.</summary>
    public const string Done = "done";
    /// <summary>Not run: the sequence branched past it, stopped, or the channel had no address.</summary>
    public const string Skipped = "skipped";
    /// <summary>The contact policy refused it (see the reason).</summary>
    public const string Blocked = "blocked";
    /// <summary>The channel refused it, or failed after every retry (see the error).</summary>
    public const string Failed = "failed";
}

/// <summary>The reasons an enrolment stops.</summary>
public sealed record StopReasons
{
    private StopReasons() { }

    /// <summary>The person replied.</summary>
    public const string Replied = "replied";
    /// <summary>A meeting was booked.</summary>
    public const string MeetingBooked = "meeting-booked";
    /// <summary>The person unsubscribed.</summary>
    public const string Unsubscribed = "unsubscribed";
    /// <summary>An email bounced hard.</summary>
    public const string Bounced = "bounced";
    /// <summary>The person refused (not interested, refused, do not call).</summary>
    public const string Refused = "refused";
    /// <summary>A rep stopped it by hand.</summary>
    public const string Manual = "manual";
    /// <summary>Someone else at the same account replied (account-level stop).</summary>
    public const string AccountReplied = "account-replied";
    /// <summary>Someone else at the same account booked a meeting (account-level stop).</summary>
    public const string AccountMeetingBooked = "account-meeting-booked";

    /// <summary>The reason the others at the account stop with when one person's sequence stops for <paramref name="reason"/>, or null.</summary>
    /// <param name="reason">Why the person's own sequence stopped.</param>
    public static string? AccountReasonFor(string reason) => reason switch
    {
        Replied => AccountReplied,
        MeetingBooked => AccountMeetingBooked,
        _ => null,
    };
}

/// <summary>The kinds of steps and of touches.</summary>
public sealed record StepKinds
{
    private StepKinds() { }

    /// <summary>An email sent through the email channel.</summary>
    public const string Email = "email";
    /// <summary>A phone call (a rep task).</summary>
    public const string Call = "call";
    /// <summary>A LinkedIn step (a rep task: LinkedIn forbids automation).</summary>
    public const string LinkedIn = "linkedin";
    /// <summary>Any manual task.</summary>
    public const string Task = "task";
    /// <summary>All step kinds.</summary>
    public static readonly IReadOnlyList<string> All = [Email, Call, LinkedIn, Task];
}

/// <summary>Outcomes a rep records on a task (calls: the API list; other tasks: done).</summary>
public sealed record TaskOutcomes
{
    private TaskOutcomes() { }

    /// <summary>Spoke to the person.</summary>
    public const string Connected = "connected";
    /// <summary>A meeting was booked: the sequence stops, the prospect moves to decision.</summary>
    public const string MeetingBooked = "meeting-booked";
    /// <summary>Not interested: the sequence stops.</summary>
    public const string NotInterested = "not-interested";
    /// <summary>Refused to be contacted: the sequence stops.</summary>
    public const string Refused = "refused";
    /// <summary>Nobody answered.</summary>
    public const string NoAnswer = "no-answer";
    /// <summary>Line busy.</summary>
    public const string Busy = "busy";
    /// <summary>Left a voicemail.</summary>
    public const string Voicemail = "voicemail";
    /// <summary>Wrong number: later call steps are skipped (channel fallback).</summary>
    public const string WrongNumber = "wrong-number";
    /// <summary>Asked never to be called: the sequence stops.</summary>
    public const string DoNotCall = "do-not-call";
    /// <summary>A non-call task done.</summary>
    public const string Done = "done";
    /// <summary>The LinkedIn invitation was accepted (as the rep reports it).</summary>
    public const string InvitationAccepted = "invitation-accepted";
    /// <summary>Outcomes of a call.</summary>
    public static readonly IReadOnlyList<string> Call = [Connected, MeetingBooked, NotInterested, Refused, NoAnswer, Busy, Voicemail, WrongNumber, DoNotCall];
    /// <summary>Every outcome a task accepts.</summary>
    public static readonly IReadOnlyList<string> All = [.. Call, Done, InvitationAccepted];
}

/// <summary>One step of a sequence as defined over the API.</summary>
/// <param name="Kind">email, call, linkedin or task.</param>
/// <param name="WaitDays">Business days after the previous step (or the enrolment).</param>
/// <param name="Subject">Email subject (a Fluid template).</param>
/// <param name="Body">Email body (a Fluid template).</param>
/// <param name="Instructions">What the rep does (calls, LinkedIn, tasks).</param>
/// <param name="Branches">Where to go on an outcome instead of the next step.</param>
/// <param name="Variants">Optional A/B variants of the step's templates (email and LinkedIn steps): each enrolment gets one, chosen by weight,
/// the same one every time (docs/outbound.md, "A/B variants").</param>
public sealed record SequenceStepDefinition(string Kind, int WaitDays, string? Subject = null, string? Body = null, string? Instructions = null,
    IReadOnlyList<SequenceBranch>? Branches = null, IReadOnlyList<StepVariantDefinition>? Variants = null);

/// <summary>One A/B variant of a step's templates.</summary>
/// <param name="Name">Its name, unique in the step (<c>A</c>, <c>B</c>, <c>short-subject</c>…): the numbers are per name.</param>
/// <param name="Weight">Its share: a variant of weight 3 next to one of weight 1 goes to about three enrolments in four (1..1000).</param>
/// <param name="Subject">Its subject (a Fluid template); null: the step's.</param>
/// <param name="Body">Its body (a Fluid template); null: the step's (a control variant).</param>
public sealed record StepVariantDefinition(string Name, int Weight = 1, string? Subject = null, string? Body = null);

/// <summary>
/// A branch: when the step ends with <paramref name="When"/> (a task outcome such as <c>no-answer</c>, or <c>replied</c>,
/// <c>no-reply</c> for emails), go to step <paramref name="GoTo"/> (a later index) or stop when <paramref name="GoTo"/> is null.
/// </summary>
public sealed record SequenceBranch(string When, int? GoTo);

/// <summary>Define a sequence. <paramref name="AutoEnroll"/>: new prospects are enrolled in it (the newest such sequence wins).</summary>
public sealed record DefineSequence(string Name, IReadOnlyList<SequenceStepDefinition> Steps, bool StopOnReply = true, bool AutoEnroll = false)
    : ICommand<SequenceCreated>;

/// <summary>The sequence that was created.</summary>
public sealed record SequenceCreated(string Id);

/// <summary>Enrol a prospect in a sequence by hand (one active sequence per prospect).</summary>
public sealed record EnrolProspect(string ProspectId, string SequenceId) : ICommand<EnrollmentCreated>;

/// <summary>The enrolment that was created.</summary>
public sealed record EnrollmentCreated(string Id);

/// <summary>Stop an enrolment by hand.</summary>
public sealed record StopEnrollment(string EnrollmentId, string? Reason) : ICommand<EnrollmentDetails>;

/// <summary>A rep completes a task with an outcome (and notes).</summary>
public sealed record CompleteTask(string TaskId, string Outcome, string? Notes) : ICommand<TaskCompleted>;

/// <summary>What completing the task did to the enrolment.</summary>
public sealed record TaskCompleted(string TaskId, string EnrollmentStatus, string? StopReason, int? NextStep);

/// <summary>Log a touch made outside Tandem or earlier.</summary>
public sealed record LogActivity(string? ProspectId, string? LeadId, string Kind, string? Outcome, DateTimeOffset? OccurredAt, string? Notes,
    int? DurationSeconds = null) : ICommand<ActivityLogged>;

/// <summary>The logged touch.</summary>
public sealed record ActivityLogged(string Id);

/// <summary>A touch was recorded (sent, delivered, opened, clicked, replied, call outcome, meeting…), for Leads' timeline and Prospects.</summary>
/// <param name="ActivityId">The activity's id.</param>
/// <param name="ProspectId">The prospect, when known.</param>
/// <param name="LeadId">The lead, when known.</param>
/// <param name="Channel">email, call, linkedin, meeting, note.</param>
/// <param name="Kind">sent, delivered, opened, clicked, replied, bounced, unsubscribed, call, meeting, note, task.</param>
/// <param name="Outcome">Call outcome, <c>meeting-booked</c>, bounce kind…</param>
/// <param name="Owner">The rep.</param>
/// <param name="OccurredAt">When it happened.</param>
public sealed record TouchRecorded(string ActivityId, string? ProspectId, string? LeadId, string Channel, string Kind, string? Outcome, string? Owner,
    DateTimeOffset OccurredAt) : INotification;

/// <summary>May Tandem contact this person on this channel at this time? The same decision the scheduler makes.</summary>
public sealed record CheckContact(string? ProspectId, string? LeadId, string Channel, DateTimeOffset? At) : IQuery<ContactCheck>;

/// <summary>The decision: allowed, or why not and when it will be.</summary>
public sealed record ContactCheck(bool Allowed, IReadOnlyList<string> Reasons, DateTimeOffset? NextAllowedAt);

/// <summary>
/// Render an email template for a prospect (or sample values) without sending it: the given <paramref name="Subject"/> and
/// <paramref name="Body"/>, or a sequence's step (<paramref name="SequenceId"/>, <paramref name="Step"/>) and, optionally, one of
/// its A/B variants (<paramref name="Variant"/>); a subject or body given with a step overrides the step's.
/// </summary>
public sealed record PreviewTemplate(string? Subject, string? Body, string? ProspectId, string? SequenceId = null, int? Step = null, string? Variant = null)
    : IQuery<TemplatePreview>;

/// <summary>The rendered subject and body, and the A/B variant rendered (null: none).</summary>
public sealed record TemplatePreview(string? Subject, string Body, string? Variant = null);

/// <summary>
/// The numbers sales lives by for [From, To), optionally for one owner: prospects, calls made, emails sent, replies,
/// response rate (replies / emails sent), meetings booked, won, lost, win rate (won / (won + lost)). Rates are 0..1.
/// </summary>
public sealed record GetOutboundNumbers(DateTimeOffset From, DateTimeOffset To, string? Owner) : IQuery<OutboundNumbers>;

/// <summary>
/// The outbound numbers, with <paramref name="NoShows"/> (meetings marked no-show in the period) and the same numbers per
/// owner, per sequence and per step of a sequence (in the breakdowns a rate is null when its divisor is 0).
/// </summary>
public sealed record OutboundNumbers(int Prospects, int CallsMade, int EmailsSent, int Replies, double ResponseRate, int MeetingsBooked,
    int Won, int Lost, double WinRate, int NoShows = 0, IReadOnlyList<OwnerNumbers>? ByOwner = null,
    IReadOnlyList<SequenceNumbers>? BySequence = null, IReadOnlyList<StepNumbers>? ByStep = null, IReadOnlyList<VariantNumbers>? ByVariant = null);

/// <summary>One owner's numbers (<paramref name="Owner"/> null: touches and prospects of nobody in particular).</summary>
public sealed record OwnerNumbers(string? Owner, int Prospects, int CallsMade, int EmailsSent, int Replies, double? ResponseRate, int MeetingsBooked,
    int NoShows, int Won, int Lost, double? WinRate);

/// <summary>One sequence's numbers: prospects enrolled in the period, the touches its enrolments made, the outcomes credited to it.</summary>
public sealed record SequenceNumbers(string SequenceId, string SequenceName, int Prospects, int CallsMade, int EmailsSent, int Replies,
    double? ResponseRate, int MeetingsBooked, int NoShows, int Won, int Lost, double? WinRate);

/// <summary>One step's numbers (<paramref name="Step"/>: its index in the sequence): prospects whose step ran in the period, its touches and outcomes.</summary>
public sealed record StepNumbers(string SequenceId, int Step, string Kind, int Prospects, int CallsMade, int EmailsSent, int Replies,
    double? ResponseRate, int MeetingsBooked, int NoShows, int Won, int Lost, double? WinRate);

/// <summary>
/// The results of one A/B variant of a step: <paramref name="Prospects"/> whose step ran with it in the period; emails it sent and the
/// opens and clicks reported for them (events, where the channel knows them); replies and meetings booked by those enrolments from that
/// step on, and the won and lost credited to them (docs/outbound.md, "A/B variants").
/// </summary>
public sealed record VariantNumbers(string SequenceId, int Step, string Variant, int Prospects, int EmailsSent, int Opened, int Clicked, int Replies,
    double? ResponseRate, int MeetingsBooked, int Won, int Lost, double? WinRate);

/// <summary>
/// Click-to-call for an open call task: Outreach asks its compliance policy for a call now (the same verdict as
/// <see cref="CheckContact"/>), then places the call through the channel plugin that offers <c>call</c>
/// (<see cref="SendThroughChannel"/> with the task's id as the message id: the rep's phone rings first, then the person is
/// dialled; the provider's status report completes the task). Nothing is placed when the policy forbids calling now or
/// when no plugin offers the channel. The same task is never rung twice: a second request answers the first call's id.
/// </summary>
/// <param name="TaskId">The open call task.</param>
/// <param name="RepPhone">The rep's phone (E.164) to ring first; null: the plugin's configured agent number.</param>
public sealed record PlaceTaskCall(string TaskId, string? RepPhone = null) : ICommand<TaskCallPlaced>;

/// <summary>What became of a <see cref="PlaceTaskCall"/>.</summary>
/// <param name="Outcome"><see cref="TaskCallOutcomes"/>.</param>
/// <param name="Reason">Why the call was not placed (the policy's reasons, the provider's error), in words for the rep.</param>
/// <param name="NextAllowedAt">When the policy allows a call again, when it forbids one now.</param>
/// <param name="CallId">The provider's id of the call placed.</param>
public sealed record TaskCallPlaced(string Outcome, string? Reason, DateTimeOffset? NextAllowedAt, string? CallId);

/// <summary>The outcomes of <see cref="PlaceTaskCall"/>.</summary>
public sealed record TaskCallOutcomes
{
    private TaskCallOutcomes() { }

    /// <summary>The provider took the call: the rep's phone rings.</summary>
    public const string Placed = "placed";
    /// <summary>The provider refused it or could not be reached (see the reason).</summary>
    public const string Failed = "failed";
    /// <summary>The compliance policy forbids calling the person now (see the reason and the next allowed time).</summary>
    public const string Blocked = "blocked";
    /// <summary>No active plugin offers the <c>call</c> channel.</summary>
    public const string Unavailable = "unavailable";
}
