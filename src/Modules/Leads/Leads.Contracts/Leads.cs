using Mediator;

namespace Tandem.Modules.Leads.Contracts;

/// <summary>Where a lead came from: channel (content, event, outbound…), campaign, asset, and a reference such as a form submission id.</summary>
public sealed record LeadSource(string Channel, string? CampaignId = null, string? AssetId = null, string? Detail = null, string? Reference = null);

/// <summary>
/// A consent as recorded on the lead: purpose, granted or not, the text shown, and proof (how it was obtained: form,
/// address, device…, set by the module or host that captured it). The proof is replaced by the caller when
/// <see cref="CaptureLead.Caller"/> is set.
/// </summary>
public sealed record LeadConsent(string Purpose, bool Granted, string? Text = null, string? Proof = null);

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
    ApiCaller? Caller = null) : ICommand<CaptureLeadResult>;

/// <summary>The lead the capture ended in. <paramref name="Outcome"/> is <c>created</c> or <c>merged</c>.</summary>
public sealed record CaptureLeadResult(string Id, string Outcome, IReadOnlyList<string> MatchedOn);

/// <summary>One lead with everything Leads knows about it.</summary>
public sealed record GetLead(string Id) : IQuery<LeadDetails>;

/// <summary>The lead a source reference (e.g. a form submission id) was captured into, or null when none yet.</summary>
public sealed record FindLeadBySource(string Reference) : IQuery<string?>;

/// <summary>Search leads; email and phone are normalised before matching.</summary>
public sealed record ListLeads(string? Email, string? Phone, string? Status, string? Query, int Page = 1, int PageSize = 50) : IQuery<LeadPage>;

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
    DateTimeOffset CreatedAt);

/// <summary>Score value with the reason for every point.</summary>
public sealed record LeadScore(int Value, IReadOnlyList<LeadScoreReason> Reasons);

/// <summary>One scoring rule that fired.</summary>
public sealed record LeadScoreReason(string Rule, int Points, DateTimeOffset At);

/// <summary>A source as recorded on the lead.</summary>
public sealed record LeadSourceRecord(string Channel, string? CampaignId, string? AssetId, string? Detail, string? Reference, DateTimeOffset At);

/// <summary>
/// A consent as recorded on the lead, with its proof: the form with address and browser, the plugin, or
/// <c>api-key:{id} ({name})</c> for the API caller that sent it.
/// </summary>
public sealed record LeadConsentRecord(string Purpose, bool Granted, string? Text, DateTimeOffset At, string? Proof = null);

/// <summary>A page of leads.</summary>
public sealed record LeadPage(IReadOnlyList<LeadDetails> Items, int Total, int Page, int PageSize);

/// <summary>What makes a lead an MQL.</summary>
/// <param name="Threshold">Score at or above which a lead is an MQL.</param>
/// <param name="Rules">The scoring rules in force with their points.</param>
public sealed record MqlDefinition(int Threshold, IReadOnlyList<MqlRule> Rules);

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
