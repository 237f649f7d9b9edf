using Mediator;

namespace Tandem.Modules.Content.Contracts;

/// <summary>An amount of money in a currency (ISO 4217).</summary>
public sealed record Money(decimal Amount, string Currency);

/// <summary>The id of what was created.</summary>
public sealed record Created(string Id);

/// <summary>Create a marketing campaign; its cost feeds cost per lead.</summary>
public sealed record CreateCampaign(string Name, string Channel, Money? Cost, DateOnly? StartsOn, DateOnly? EndsOn) : ICommand<Created>;

/// <summary>Create a gated content asset (guide, white paper…) aimed at a buying-journey stage.</summary>
/// <param name="Title">What the visitor gets, as the landing page promises it.</param>
/// <param name="Kind">One of <see cref="AssetKinds"/>.</param>
/// <param name="JourneyStage">One of <see cref="JourneyStages"/>.</param>
/// <param name="Url">Where the file lives (absolute http/https); the signed link redirects there.</param>
/// <param name="Interest">What the asset is about, a lower-case slug such as <c>solar</c>, <c>heat-pump</c>, <c>ev-charger</c>.</param>
public sealed record CreateAsset(string Title, string Kind, string JourneyStage, string? Url, string? Interest = null) : ICommand<Created>;

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
/// <remarks><c>Language</c>: one of <see cref="PageLanguages"/>; every text Tandem adds to the page is in it. Null: the configured default.</remarks>
public sealed record CreateLandingPage(string Slug, string Title, string Body, string FormId, string? CampaignId, string? Language = null) : ICommand<CreatedLandingPage>;

/// <summary>
/// Replace a form's name, asset, campaign, fields, consents and callback choice. Past submissions keep the consent texts they
/// were shown (each submission stores them); only later visitors see the new form.
/// </summary>
public sealed record UpdateForm(
    string Id,
    string Name,
    string? AssetId,
    string? CampaignId,
    IReadOnlyList<FormFieldSpec> Fields,
    IReadOnlyList<FormConsentSpec>? Consents,
    bool OffersCallback) : ICommand<FormDetails>;

/// <summary>The landing page and its public address (relative).</summary>
public sealed record CreatedLandingPage(string Id, string Url);

/// <summary>A visitor's submission of a form, as received over HTTP (field values by declared name).</summary>
/// <param name="FormId">The form sent.</param>
/// <param name="Values">Every value sent, by name (declared fields, <c>consent.{purpose}</c>, <c>callback</c>, <c>utm_*</c>, <c>_page</c>).</param>
/// <param name="IpAddress">The client address (consent proof).</param>
/// <param name="UserAgent">The browser (consent proof).</param>
/// <param name="VisitorId">The anonymous first-party visitor id (cookie), if the browser sent one.</param>
public sealed record SubmitForm(
    string FormId,
    IReadOnlyDictionary<string, string> Values,
    string? IpAddress,
    string? UserAgent,
    string? VisitorId = null) : ICommand<SubmitFormResult>;

/// <summary>The stored submission and, when Leads already captured it, the lead.</summary>
/// <param name="SubmissionId">The stored submission.</param>
/// <param name="LeadId">The lead, when Leads captured it within the request.</param>
/// <param name="LandingPageSlug">The landing page it was sent from, if any.</param>
/// <param name="AssetPath">The signed, expiring link to the form's asset (relative: <c>/d/{token}</c>), when the form offers one with a URL.</param>
/// <param name="Stored">False for a honeypot hit: the answer looks the same, nothing was stored.</param>
public sealed record SubmitFormResult(string SubmissionId, string? LeadId, string? LandingPageSlug, string? AssetPath = null, bool Stored = true);

/// <summary>One campaign, as created.</summary>
public sealed record GetCampaign(string Id) : IQuery<CampaignDetails>;

/// <summary>A campaign as the API shows it.</summary>
public sealed record CampaignDetails(string Id, string Name, string Channel, Money? Cost, DateOnly? StartsOn, DateOnly? EndsOn, DateTimeOffset CreatedAt);

/// <summary>One gated content asset.</summary>
public sealed record GetAsset(string Id) : IQuery<AssetDetails>;

/// <summary>An asset as the API shows it.</summary>
/// <remarks><c>Interest</c>: what it is about; <c>Downloads</c>: how many times a signed link to it was used.</remarks>
public sealed record AssetDetails(string Id, string Title, string Kind, string JourneyStage, string? Url, DateTimeOffset CreatedAt, string? Interest = null, long Downloads = 0);

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
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt = null);

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
    DateTimeOffset CreatedAt,
    string Language = PageLanguages.French);

/// <summary>One stored form submission (personal data: what the visitor typed).</summary>
public sealed record GetSubmission(string Id) : IQuery<SubmissionDetails>;

/// <summary>A submission as the API shows it: the declared fields typed, the consents ticked, and the lead it became.</summary>
/// <remarks>
/// <c>Consents</c>: every consent box the visitor was shown, with the exact text shown then and whether it was ticked.
/// <c>CampaignId</c>: the campaign the submission is attributed to (a <c>utm_campaign</c> naming a campaign id, else the page's
/// or the form's). <c>LandingPageId</c>: the page it was sent from. <c>AssetId</c>: the asset the form offered when it was sent.
/// </remarks>
public sealed record SubmissionDetails(
    string Id,
    string FormId,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<string> ConsentsGranted,
    bool CallbackRequested,
    UtmParameters Utm,
    string? LeadId,
    DateTimeOffset SubmittedAt,
    IReadOnlyList<ConsentShown>? Consents = null,
    string? CampaignId = null,
    string? LandingPageId = null,
    string? AssetId = null);

/// <summary>A consent box as a visitor saw it: its purpose, the exact text, and whether it was ticked.</summary>
public sealed record ConsentShown(string Purpose, string Text, bool Granted);

/// <summary>Campaigns, newest first, optionally on one channel (<see cref="CampaignChannels"/>).</summary>
/// <param name="Page">1-based page.</param>
/// <param name="PageSize">1 to 500.</param>
/// <param name="Channel">Only campaigns on this channel.</param>
public sealed record ListCampaigns(int Page = 1, int PageSize = 50, string? Channel = null) : IQuery<CampaignPage>;

/// <summary>A page of campaigns and how many match in all.</summary>
public sealed record CampaignPage(IReadOnlyList<CampaignDetails> Items, int Total, int Page, int PageSize);

/// <summary>Replace a campaign's name, channel, cost and dates (same rules as <see cref="CreateCampaign"/>).</summary>
public sealed record UpdateCampaign(string Id, string Name, string Channel, Money? Cost, DateOnly? StartsOn, DateOnly? EndsOn) : ICommand<CampaignDetails>;

/// <summary>Gated content assets, newest first, optionally for one journey stage (<see cref="JourneyStages"/>) or kind (<see cref="AssetKinds"/>).</summary>
/// <param name="Page">1-based page.</param>
/// <param name="PageSize">1 to 500.</param>
/// <param name="JourneyStage">Only assets aimed at this stage.</param>
/// <param name="Kind">Only assets of this kind.</param>
public sealed record ListAssets(int Page = 1, int PageSize = 50, string? JourneyStage = null, string? Kind = null) : IQuery<AssetPage>;

/// <summary>A page of assets (each with its download count) and how many match in all.</summary>
public sealed record AssetPage(IReadOnlyList<AssetDetails> Items, int Total, int Page, int PageSize);

/// <summary>Replace an asset's title, kind, journey stage, URL and interest (same rules as <see cref="CreateAsset"/>).</summary>
public sealed record UpdateAsset(string Id, string Title, string Kind, string JourneyStage, string? Url, string? Interest = null) : ICommand<AssetDetails>;
