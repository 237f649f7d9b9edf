using Mediator;

namespace Tandem.Modules.Content.Contracts;

/// <summary>An amount of money in a currency (ISO 4217).</summary>
public sealed record Money(decimal Amount, string Currency);

/// <summary>The id of what was created.</summary>
public sealed record Created(string Id);

/// <summary>Create a marketing campaign; its cost feeds cost per lead.</summary>
public sealed record CreateCampaign(string Name, string Channel, Money? Cost, DateOnly? StartsOn, DateOnly? EndsOn) : ICommand<Created>;

/// <summary>Create a gated content asset (guide, white paper…) aimed at a buying-journey stage.</summary>
public sealed record CreateAsset(string Title, string Kind, string JourneyStage, string? Url) : ICommand<Created>;

/// <summary>A field on a form.</summary>
public sealed record FormFieldSpec(string Name, string Label, string Type, bool Required, IReadOnlyList<string>? Options = null);

/// <summary>A consent box on a form: never pre-ticked; the exact text is kept as proof.</summary>
public sealed record FormConsentSpec(string Purpose, string Text, bool Required);

/// <summary>Create a form. <paramref name="OffersCallback"/> adds the separate, explicit "call me back" choice.</summary>
public sealed record CreateForm(
    string Name,
    string? AssetId,
    string? CampaignId,
    IReadOnlyList<FormFieldSpec> Fields,
    IReadOnlyList<FormConsentSpec>? Consents,
    bool OffersCallback) : ICommand<Created>;

/// <summary>Create a landing page at <c>/p/{slug}</c> showing a form.</summary>
public sealed record CreateLandingPage(string Slug, string Title, string Body, string FormId, string? CampaignId) : ICommand<CreatedLandingPage>;

/// <summary>The landing page and its public address (relative).</summary>
public sealed record CreatedLandingPage(string Id, string Url);

/// <summary>A visitor's submission of a form, as received over HTTP (field values by declared name).</summary>
public sealed record SubmitForm(
    string FormId,
    IReadOnlyDictionary<string, string> Values,
    string? IpAddress,
    string? UserAgent) : ICommand<SubmitFormResult>;

/// <summary>The stored submission and, when Leads already captured it, the lead.</summary>
public sealed record SubmitFormResult(string SubmissionId, string? LeadId, string? LandingPageSlug);

/// <summary>One campaign, as created.</summary>
public sealed record GetCampaign(string Id) : IQuery<CampaignDetails>;

/// <summary>A campaign as the API shows it.</summary>
public sealed record CampaignDetails(string Id, string Name, string Channel, Money? Cost, DateOnly? StartsOn, DateOnly? EndsOn, DateTimeOffset CreatedAt);

/// <summary>One gated content asset.</summary>
public sealed record GetAsset(string Id) : IQuery<AssetDetails>;

/// <summary>An asset as the API shows it.</summary>
public sealed record AssetDetails(string Id, string Title, string Kind, string JourneyStage, string? Url, DateTimeOffset CreatedAt);

/// <summary>One form with its fields, consents and callback choice.</summary>
public sealed record GetForm(string Id) : IQuery<FormDetails>;

/// <summary>A form as the API shows it.</summary>
public sealed record FormDetails(
    string Id,
    string Name,
    string? AssetId,
    string? CampaignId,
    IReadOnlyList<FormFieldSpec> Fields,
    IReadOnlyList<FormConsentSpec> Consents,
    bool OffersCallback,
    DateTimeOffset CreatedAt);

/// <summary>One landing page, with its visit count.</summary>
public sealed record GetLandingPage(string Id) : IQuery<LandingPageDetails>;

/// <summary>A landing page as the API shows it; <paramref name="Url"/> is its public address (relative).</summary>
public sealed record LandingPageDetails(
    string Id,
    string Slug,
    string Url,
    string Title,
    string Body,
    string FormId,
    string? CampaignId,
    long Visits,
    DateTimeOffset CreatedAt);

/// <summary>One stored form submission (personal data: what the visitor typed).</summary>
public sealed record GetSubmission(string Id) : IQuery<SubmissionDetails>;

/// <summary>A submission as the API shows it: the declared fields typed, the consents ticked, and the lead it became.</summary>
public sealed record SubmissionDetails(
    string Id,
    string FormId,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<string> ConsentsGranted,
    bool CallbackRequested,
    UtmParameters Utm,
    string? LeadId,
    DateTimeOffset SubmittedAt);
