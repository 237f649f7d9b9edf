using Mediator;

namespace Tandem.Modules.Content.Contracts;

/// <summary>Everything Content holds about the people with these leads: their form submissions, visits and downloads (art. 15, 20).</summary>
public sealed record ExportContentPersonalData(IReadOnlyList<string> LeadIds) : IQuery<ContentPersonalData>;

/// <summary>Content's part of a data-subject export.</summary>
public sealed record ContentPersonalData(IReadOnlyList<PersonalSubmission> Submissions, IReadOnlyList<PersonalVisit> Visits, IReadOnlyList<PersonalDownload> Downloads);

/// <summary>A form submission as exported: every field as typed, the consents shown and given, the campaign.</summary>
public sealed record PersonalSubmission(string Id, string FormId, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<string> ConsentsGranted,
    bool CallbackRequested, string? CampaignId, string? UtmSource, string? UtmMedium, string? UtmCampaign, DateTimeOffset SubmittedAt);

/// <summary>A landing-page visit as exported.</summary>
public sealed record PersonalVisit(string LandingPageId, string? CampaignId, DateTimeOffset At);

/// <summary>An asset download as exported.</summary>
public sealed record PersonalDownload(string AssetId, string SubmissionId, DateTimeOffset At);

/// <summary>Erase what Content holds about the people with these leads (art. 17): submissions, downloads, visits, the visitor link.</summary>
public sealed record EraseContentPersonalData(IReadOnlyList<string> LeadIds) : ICommand<ContentPersonalDataErased>;

/// <summary>How many rows were deleted.</summary>
public sealed record ContentPersonalDataErased(int Deleted);
