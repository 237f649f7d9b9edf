using Mediator;

namespace Tandem.Modules.Leads.Contracts;

/// <summary>Where a lead came from: channel (content, event, outbound…), campaign, asset, and a reference such as a form submission id.</summary>
public sealed record LeadSource(string Channel, string? CampaignId = null, string? AssetId = null, string? Detail = null, string? Reference = null)
{
    /// <summary>A referral: the id of the lead (a customer or contact) who referred this person. Must be an existing lead other than this one.</summary>
    public string? ReferredBy { get; init; }
}

/// <summary>
/// A consent as recorded on the lead: purpose, granted or not, the text shown, and proof (how it was obtained: form,
/// address, device…, set by the module or host that captured it). The proof is replaced by the caller when
/// <see cref="CaptureLead.Caller"/> is set.
/// </summary>
/// <param name="Purpose">What the consent is for (<c>newsletter</c>, <c>commercial-email</c>, <c>phone-callback</c>…).</param>
/// <param name="Granted">Given (true) or withdrawn / refused (false).</param>
/// <param name="Text">The exact text the person was shown.</param>
/// <param name="Proof">How it was obtained.</param>
/// <param name="Channel">The channel it covers (<see cref="ConsentChannel"/>); implied by the purpose when null.</param>
public sealed record LeadConsent(string Purpose, bool Granted, string? Text = null, string? Proof = null, string? Channel = null);

/// <summary>The API key that sent a command over HTTP, as the host authenticated it (never taken from the request body).</summary>
/// <param name="KeyId">The key's id, as <c>GET /api/keys</c> lists it.</param>
/// <param name="KeyName">The key's name, as given at creation.</param>
public sealed record ApiCaller(string KeyId, string KeyName);

/// <summary>
/// Capture a person as a lead: normalise, find the same person or create one, record source and consents.
/// <c>Caller</c> is who sent it through the API (null for captures from inside Tandem: forms, plugins); when set, every
/// consent records this caller as its proof, so that an API client cannot claim a proof it does not hold.
/// </summary>
public sealed record CaptureLead(
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    string? Company,
    string? JobTitle,
    string? PostalCode,
    string? Kind,
    LeadSource Source,
    IReadOnlyList<LeadConsent>? Consents = null,
    bool CallbackRequested = false,
    ApiCaller? Caller = null,
    string? LinkedInUrl = null) : ICommand<CaptureLeadResult>;

/// <summary>The lead the capture ended in. <paramref name="Outcome"/> is <c>created</c> or <c>merged</c>.</summary>
/// <param name="Id">The lead.</param>
/// <param name="Outcome"><see cref="CaptureOutcome.Created"/> or <see cref="CaptureOutcome.Merged"/>.</param>
/// <param name="MatchedOn">The keys (<see cref="MatchKey"/>) on which it was found to be the same person; empty when created.</param>
/// <param name="MergeId">The recorded merge (undo it with <c>POST /api/leads/{id}/unmerge</c>), when merged.</param>
/// <param name="PhoneValid">False when the phone number given could not be read as a number: it is kept as typed and flagged.</param>
public sealed record CaptureLeadResult(string Id, string Outcome, IReadOnlyList<string> MatchedOn, string? MergeId = null, bool? PhoneValid = null);

/// <summary>One lead with everything Leads knows about it.</summary>
public sealed record GetLead(string Id) : IQuery<LeadDetails>;

/// <summary>
/// How to reach a lead and who it is, read in one indexed statement: what another module needs to contact the person
/// (outreach enrolling a prospect), without the lead's history, score or consents (<see cref="GetLead"/> reads those in
/// several statements). Null when there is no such lead (erased or unknown).
/// </summary>
public sealed record GetLeadContact(string Id) : IQuery<LeadContact?>;

/// <summary>
/// <see cref="GetLeadContact"/> for many leads in one indexed statement (a batch consumer's read): the cards of the leads
/// that exist, in no particular order; an unknown or erased id has no card.
/// </summary>
public sealed record GetLeadContacts(IReadOnlyList<string> Ids) : IQuery<IReadOnlyList<LeadContact>>;

/// <summary>A lead's contact card: normalised email and phone (null when the phone could not be read), names, company, job title and LinkedIn profile.</summary>
public sealed record LeadContact(string Id, string? Email, string? Phone, string? FirstName, string? LastName, string? Company, string? JobTitle,
    string? LinkedInUrl);

/// <summary>
/// What a contact policy needs to know about a lead (docs/compliance.md): its kind, postal code, status, every consent
/// given or withdrawn, when it asked to be called back, and whether it was collected indirectly — in three indexed
/// statements instead of <see cref="GetLead"/>'s seven (merges, status history and referrals are not needed). Null when
/// there is no such lead (erased or unknown).
/// </summary>
public sealed record GetLeadContactFacts(string Id) : IQuery<LeadContactFacts?>;

/// <summary>
/// <see cref="GetLeadContactFacts"/> for many leads at once (a scheduler's batch): the same facts, read in three statements
/// per 1,000 ids whatever their number instead of three per lead. Leads that do not exist (erased or unknown) are absent from
/// the answer; an id given twice is answered once.
/// </summary>
public sealed record GetLeadsContactFacts(IReadOnlyCollection<string> Ids) : IQuery<IReadOnlyList<LeadContactFacts>>;

/// <summary>The facts of <see cref="GetLeadContactFacts"/>.</summary>
/// <param name="Id">The lead.</param>
/// <param name="Email">Normalised email.</param>
/// <param name="Phone">E.164 phone, null when the number could not be read.</param>
/// <param name="Kind">consumer or professional.</param>
/// <param name="PostalCode">Postal code.</param>
/// <param name="Status">Lifecycle status (<see cref="LeadStatus"/>).</param>
/// <param name="Consents">The consent ledger, oldest first (<see cref="LeadDetails.Consents"/>).</param>
/// <param name="CallbackRequestedAt">When it last asked to be called back (as <see cref="LeadDetails"/>'s score reasons say, else its creation), null when it never did.</param>
/// <param name="CollectedIndirectly">A source says the data was collected indirectly (not from the person).</param>
public sealed record LeadContactFacts(string Id, string? Email, string? Phone, string Kind, string? PostalCode, string Status,
    IReadOnlyList<LeadConsentRecord> Consents, DateTimeOffset? CallbackRequestedAt, bool CollectedIndirectly);

/// <summary>The lead a source reference (e.g. a form submission id) was captured into, or null when none yet.</summary>
public sealed record FindLeadBySource(string Reference) : IQuery<string?>;

/// <summary>
/// Search leads; email and phone are normalised before matching; every filter is optional. <c>Query</c> matches, ignoring
/// accents and case, the start of the first name (or "first last"), of the last name (or "last first"), of the company or
/// of the email address — on indexed columns, newest leads last (by id).
/// </summary>
public sealed record ListLeads(
    string? Email, string? Phone, string? Status, string? Query, int Page = 1, int PageSize = 50,
    string? Kind = null, string? Channel = null, string? CampaignId = null, string? Stage = null) : IQuery<LeadPage>;

/// <summary>The shared definition of a marketing-qualified lead, the one number marketing and sales agree on.</summary>
public sealed record GetMqlDefinition : IQuery<MqlDefinition>;

/// <summary>A lead as the API shows it.</summary>
public sealed record LeadDetails(
    string Id,
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    string? Company,
    string? JobTitle,
    string? PostalCode,
    string Kind,
    string Status,
    LeadScore Score,
    IReadOnlyList<LeadSourceRecord> Sources,
    IReadOnlyList<LeadConsentRecord> Consents,
    bool CallbackRequested,
    DateTimeOffset CreatedAt)
{
    /// <summary>False when the phone number could not be read: <see cref="PhoneAsTyped"/> holds it as typed.</summary>
    public bool PhoneValid { get; init; } = true;
    /// <summary>The phone number as typed when it is not a valid number (then <see cref="Phone"/> is null).</summary>
    public string? PhoneAsTyped { get; init; }
    /// <summary>The buying-journey stage the behaviour puts the lead in.</summary>
    public string JourneyStage { get; init; } = Contracts.JourneyStage.Awareness;
    /// <summary>Fields a rep edited (a merge never overwrites them).</summary>
    public IReadOnlyList<string> EditedFields { get; init; } = [];
    /// <summary>Every merge into this lead, undone or not.</summary>
    public IReadOnlyList<LeadMergeRecord> Merges { get; init; } = [];
    /// <summary>Every status change, with who and when.</summary>
    public IReadOnlyList<LeadStatusChange> StatusHistory { get; init; } = [];
    /// <summary>Why sales rejected it, when rejected.</summary>
    public string? RejectionReason { get; init; }
    /// <summary>The person's LinkedIn profile, normalised (<c>https://www.linkedin.com/in/&lt;slug&gt;</c>); a third identity after email and phone.</summary>
    public string? LinkedInUrl { get; init; }
    /// <summary>The current state of consent per purpose and channel (the latest entry of the ledger wins).</summary>
    public IReadOnlyList<LeadConsentRecord> CurrentConsents { get; init; } = [];
    /// <summary>The people this lead referred (sources naming it in <c>referredBy</c>), oldest first, with their status now.</summary>
    public IReadOnlyList<LeadReferral> Referrals { get; init; } = [];
}

/// <summary>Score value (decayed to now) with the reason for every point, and a score per interest.</summary>
/// <param name="Value">The sum of the reasons' current points.</param>
/// <param name="Reasons">Every rule that fired.</param>
/// <param name="Interests">The score per interest (solar, heat pump…), from the reasons that name one.</param>
public sealed record LeadScore(int Value, IReadOnlyList<LeadScoreReason> Reasons, IReadOnlyList<InterestScore>? Interests = null);

/// <summary>One scoring rule that fired.</summary>
/// <param name="Rule">The rule (<see cref="ScoringRule"/>).</param>
/// <param name="Points">The points the rule gives under the definition in force.</param>
/// <param name="At">When the action happened.</param>
/// <param name="Current">What is left of them now (decay), rounded.</param>
/// <param name="Interest">The interest the action was about, if any.</param>
/// <param name="Detail">What the action was (form, page, asset, email).</param>
public sealed record LeadScoreReason(string Rule, int Points, DateTimeOffset At, int Current = 0, string? Interest = null, string? Detail = null);

/// <summary>The score for one interest.</summary>
public sealed record InterestScore(string Interest, int Value);

/// <summary>A recorded merge: what matched, which fields it filled, and whether it was undone.</summary>
public sealed record LeadMergeRecord(
    string Id, IReadOnlyList<string> MatchedOn, IReadOnlyList<string> FilledFields, string? Reference, DateTimeOffset At,
    DateTimeOffset? UndoneAt, string? RecreatedLeadId);

/// <summary>A status change with who made it and why.</summary>
public sealed record LeadStatusChange(string From, string To, string? Reason, string? By, DateTimeOffset At);

/// <summary>A source as recorded on the lead.</summary>
public sealed record LeadSourceRecord(string Channel, string? CampaignId, string? AssetId, string? Detail, string? Reference, DateTimeOffset At)
{
    /// <summary>The lead who referred this person, for a referral.</summary>
    public string? ReferredBy { get; init; }
}

/// <summary>Someone this lead referred, and what became of them (their status now: new, mql, prospect, customer, rejected…).</summary>
public sealed record LeadReferral(string LeadId, string? FirstName, string? LastName, string? Company, string Status, DateTimeOffset ReferredAt);

/// <summary>
/// A consent as recorded on the lead, with its proof: the form with address and browser, the plugin, or
/// <c>api-key:{id} ({name})</c> for the API caller that sent it.
/// </summary>
public sealed record LeadConsentRecord(string Purpose, bool Granted, string? Text, DateTimeOffset At, string? Proof = null, string? Channel = null, string? Kind = null);

/// <summary>A page of leads.</summary>
/// <param name="Items">The leads of the page.</param>
/// <param name="Total">How many leads match: exact up to <see cref="ListLeadsLimits.ExactTotal"/> (or to the end of the page asked
/// for, when further); beyond, counting stops there and <paramref name="TotalCapped"/> is true (show it as "10,000+").</param>
/// <param name="Page">The page (1-based).</param>
/// <param name="PageSize">Its size.</param>
/// <param name="TotalCapped">True when more leads than <paramref name="Total"/> match (the count stopped there).</param>
public sealed record LeadPage(IReadOnlyList<LeadDetails> Items, int Total, int Page, int PageSize, bool TotalCapped = false);

/// <summary>The bounds of <see cref="ListLeads"/>.</summary>
public static class ListLeadsLimits
{
    /// <summary>Up to this many matches, <see cref="LeadPage.Total"/> is exact; beyond, it is capped (a count over a million rows is not a list's job).</summary>
    public const int ExactTotal = 10_000;
}

/// <summary>What makes a lead an MQL.</summary>
/// <param name="Threshold">Score at or above which a lead is an MQL.</param>
/// <param name="Rules">The scoring rules in force with their points.</param>
/// <param name="HalfLifeDays">Points lose half their value every this many days (0: no decay).</param>
/// <param name="RepeatWindowDays">The same action (same rule, same form, page, asset or email) scores at most once per this many days.</param>
/// <param name="Stages">The score from which a lead is in each buying-journey stage.</param>
public sealed record MqlDefinition(
    int Threshold, IReadOnlyList<MqlRule> Rules, int HalfLifeDays = 90, int RepeatWindowDays = 30, IReadOnlyList<StageThreshold>? Stages = null);

/// <summary>The score from which a lead is in a buying-journey stage.</summary>
public sealed record StageThreshold(string Stage, int MinScore);

/// <summary>
/// Replace the shared MQL definition (marketing and sales together); the change is recorded with who and when, and every
/// lead not yet qualified is evaluated again: those that now reach the threshold become MQLs.
/// </summary>
public sealed record PutMqlDefinition(
    int Threshold, IReadOnlyList<MqlRule>? Rules, int? HalfLifeDays = null, int? RepeatWindowDays = null,
    IReadOnlyList<StageThreshold>? Stages = null, ApiCaller? Caller = null) : ICommand<MqlDefinitionChanged>;

/// <summary>The definition now in force and what re-evaluating the leads did.</summary>
public sealed record MqlDefinitionChanged(int Version, MqlDefinition Definition, int Reevaluated, int Qualified);

/// <summary>Every version of the MQL definition, newest first.</summary>
public sealed record GetMqlDefinitionHistory : IQuery<MqlDefinitionHistory>;

/// <summary>The versions of the MQL definition.</summary>
public sealed record MqlDefinitionHistory(IReadOnlyList<MqlDefinitionVersion> Items);

/// <summary>One version of the MQL definition with who changed it and when (version 1 is the configured default).</summary>
public sealed record MqlDefinitionVersion(int Version, MqlDefinition Definition, string ChangedBy, DateTimeOffset ChangedAt);

/// <summary>A scoring rule and its points.</summary>
public sealed record MqlRule(string Rule, int Points, string Description);

/// <summary>A lead was created or a capture was merged into an existing one.</summary>
public sealed record LeadCaptured(string LeadId, string Outcome, string Kind, LeadSource Source, DateTimeOffset CapturedAt) : INotification;

/// <summary>A lead became an MQL (its score reached the shared threshold).</summary>
public sealed record LeadQualified(
    string LeadId,
    string Kind,
    string? Company,
    string? JobTitle,
    string? PostalCode,
    int Score,
    bool CallbackRequested,
    DateTimeOffset? CallbackRequestedAt,
    DateTimeOffset QualifiedAt) : INotification;

/// <summary>A rep edits a lead: only the fields given change, and each is marked as edited (a merge never overwrites it).</summary>
public sealed record UpdateLead(
    string Id, string? FirstName = null, string? LastName = null, string? Company = null, string? JobTitle = null,
    string? PostalCode = null, string? Email = null, string? Phone = null, string? Kind = null, ApiCaller? Caller = null) : ICommand<LeadDetails>;

/// <summary>Undo a recorded merge: the fields it filled are emptied again (unless a rep edited them since), and the
/// touches it brought (sources, consents, score) move to a re-created lead.</summary>
public sealed record UnmergeLead(string Id, string MergeId, ApiCaller? Caller = null) : ICommand<UnmergeResult>;

/// <summary>The lead the merge was undone on and the lead re-created from the merged capture.</summary>
public sealed record UnmergeResult(string LeadId, string RecreatedLeadId);

/// <summary>Leads that are probably the same person (similar name and same company or postal code): proposed, never merged.</summary>
public sealed record FindLikelyDuplicates(string Id) : IQuery<LikelyDuplicates>;

/// <summary>The proposals.</summary>
public sealed record LikelyDuplicates(IReadOnlyList<LikelyDuplicate> Items);

/// <summary>A proposed duplicate and why.</summary>
public sealed record LikelyDuplicate(string Id, string? FirstName, string? LastName, string? Company, string? PostalCode, IReadOnlyList<string> Reasons);

/// <summary>Sales accepts an MQL (or a new lead).</summary>
public sealed record AcceptLead(string Id, ApiCaller? Caller = null) : ICommand<LeadStatusChanged>;

/// <summary>Sales rejects a lead; the reason is required (the feedback marketing sees per source).</summary>
public sealed record RejectLead(string Id, string? Reason, ApiCaller? Caller = null) : ICommand<LeadStatusChanged>;

/// <summary>The lead bought: it becomes a customer.</summary>
public sealed record MarkLeadCustomer(string Id, ApiCaller? Caller = null) : ICommand<LeadStatusChanged>;

/// <summary>The status after a lifecycle command.</summary>
public sealed record LeadStatusChanged(string Id, string From, string Status, DateTimeOffset At);

/// <summary>
/// An engagement another module saw (Outreach: a click in an email, a reply), scored by the MQL definition's rule of the
/// same name; the same reference scores once per repeat window.
/// </summary>
/// <param name="LeadId">The lead.</param>
/// <param name="Kind"><see cref="EngagementKind"/>.</param>
/// <param name="Reference">What was engaged with (an email's message id), so that repeats score once.</param>
/// <param name="At">When it happened.</param>
/// <param name="Interest">The interest it was about, if known.</param>
public sealed record RecordLeadEngagement(string LeadId, string Kind, string? Reference, DateTimeOffset At, string? Interest = null) : ICommand<LeadScore>;

/// <summary>
/// The Leads part of a lead's timeline. Each module answers its own query of this shape (<c>Get{Module}Timeline(LeadId)</c>
/// in its Contracts, returning <see cref="TimelineEntry"/> items); <c>GET /api/leads/{id}/timeline</c> merges them by time.
/// </summary>
public sealed record GetLeadsTimeline(string LeadId) : IQuery<IReadOnlyList<TimelineEntry>>;

/// <summary>One touch on a lead's timeline.</summary>
/// <param name="At">When.</param>
/// <param name="Module">The module that recorded it.</param>
/// <param name="Type">What it was (<c>source</c>, <c>consent</c>, <c>score</c>, <c>status</c>, <c>merge</c>…).</param>
/// <param name="Summary">A sentence for a person.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Module, string Type, string Summary);

/// <summary>
/// Lead-generation numbers in [<paramref name="From"/>, <paramref name="To"/>): leads created, MQLs qualified, and per
/// first-touch source (channel, campaign) the leads, MQLs, rejections and customers — for <c>GET /api/kpis</c>.
/// </summary>
public sealed record GetLeadNumbers(DateTimeOffset From, DateTimeOffset To, string? CampaignId = null, string? Channel = null) : IQuery<LeadNumbers>;

/// <summary>The numbers; each event counts in the period it happened in (a lead created in March and rejected in April is a rejection of April).</summary>
public sealed record LeadNumbers(int Leads, int Mqls, int Rejected, int Customers, IReadOnlyList<SourceNumbers> BySource);

/// <summary>The numbers of one source (first touch).</summary>
public sealed record SourceNumbers(string Channel, string? CampaignId, int Leads, int Mqls, int Rejected, int Won);

/// <summary>Queue an import of a CSV file already staged by the caller (streamed to the data folder).</summary>
/// <param name="StagedFile">The full path of the staged copy; the import owns it from now on.</param>
/// <param name="FileName">The name the file was uploaded with (shown back, never used as a path).</param>
/// <param name="Source">The channel to record as every row's source (default <c>import</c>).</param>
/// <param name="Kind">The kind of every person in the file (default consumer).</param>
/// <param name="Caller">Who asked.</param>
public sealed record StartLeadImport(string StagedFile, string? FileName, string? Source, string? Kind, ApiCaller? Caller = null) : ICommand<LeadImportStarted>;

/// <summary>The queued import.</summary>
/// <param name="Id">The import.</param>
/// <param name="EstimatedRows">Data rows, estimated from the staged file's size and the length of its first lines (for a progress bar).</param>
public sealed record LeadImportStarted(string Id, long EstimatedRows = 0);

/// <summary>Run a queued (or interrupted) import to its end in this process, now; false when another worker holds it.</summary>
public sealed record RunLeadImport(string Id) : ICommand<bool>;

/// <summary>An import's progress or result.</summary>
public sealed record GetLeadImport(string Id) : IQuery<LeadImportState>;

/// <summary>Progress or result of an import.</summary>
/// <param name="Id">The import.</param>
/// <param name="Status"><see cref="ImportStatus"/>.</param>
/// <param name="FileName">The uploaded file's name.</param>
/// <param name="Created">Leads created.</param>
/// <param name="Merged">Rows merged into an existing lead (in the database or earlier in the file).</param>
/// <param name="Rejected">Rows refused.</param>
/// <param name="Encoding">The encoding detected (utf-8, utf-8-bom, windows-1252, utf-16le…).</param>
/// <param name="Delimiter">The delimiter detected.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Failure">Why the file could not be imported at all, when failed.</param>
/// <param name="Rows">Data rows read and committed so far.</param>
/// <param name="Errors">The first rows refused (row number as a spreadsheet shows it, header = row 1), up to 1,000.</param>
/// <param name="ErrorCount">How many rows were refused in all.</param>
public sealed record LeadImportState(
    string Id, string Status, string? FileName, int Rows, int Created, int Merged, int Rejected,
    IReadOnlyList<ImportRowError> Errors, int ErrorCount, string? Encoding, string? Delimiter,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? Failure);

/// <summary>A refused row.</summary>
public sealed record ImportRowError(int Row, string Message);

/// <summary>The lead each row of an import went into (created or merged), by row number (header = row 1); refused rows are absent.</summary>
public sealed record GetImportedLeads(string ImportId) : IQuery<IReadOnlyList<ImportedLead>>;

/// <summary>A row of an import and the lead it went into.</summary>
public sealed record ImportedLead(int Row, string LeadId);
