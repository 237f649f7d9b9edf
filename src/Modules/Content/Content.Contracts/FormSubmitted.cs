using Mediator;

namespace Tandem.Modules.Content.Contracts;

/// <summary>
/// A visitor submitted a form (published by Content through its outbox after the submission is stored). Content dispatches
/// it inline; the consumer that captures the person replies with the lead's id (<c>InlineReplies</c>), which the
/// submission's answer carries as <c>leadId</c>.
/// </summary>
/// <param name="SubmissionId">Content's id of the submission; the stable reference Leads dedups deliveries on.</param>
/// <param name="FormId">The form that was submitted.</param>
/// <param name="CampaignId">Campaign the form or landing page belongs to, if any.</param>
/// <param name="AssetId">Gated asset the form offers, if any.</param>
/// <param name="Contact">The person as they typed it (not normalised).</param>
/// <param name="Consents">Every consent box shown, with its exact text and whether it was ticked.</param>
/// <param name="CallbackRequested">The separate, explicit "call me back" choice was ticked.</param>
/// <param name="Utm">Campaign tracking parameters.</param>
/// <param name="SubmittedAt">When the submission was received.</param>
/// <param name="VisitorId">The anonymous first-party visitor id (cookie) of the browser that sent it, if any.</param>
/// <param name="LandingPageId">The landing page the form was sent from, if any.</param>
/// <param name="AssetJourneyStage">The gated asset's buying-journey stage (awareness, consideration, decision), if any.</param>
/// <param name="AssetInterest">The gated asset's interest (e.g. solar, heat-pump, ev-charger), if any.</param>
public sealed record FormSubmitted(
    string SubmissionId,
    string FormId,
    string? CampaignId,
    string? AssetId,
    SubmittedContact Contact,
    IReadOnlyList<SubmittedConsent> Consents,
    bool CallbackRequested,
    UtmParameters Utm,
    DateTimeOffset SubmittedAt,
    string? VisitorId = null,
    string? LandingPageId = null,
    string? AssetJourneyStage = null,
    string? AssetInterest = null) : INotification;

/// <summary>Contact fields recognised on a form, plus every other field by name.</summary>
public sealed record SubmittedContact(
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    string? Company,
    string? JobTitle,
    string? PostalCode,
    string Kind,
    IReadOnlyDictionary<string, string> OtherFields);

/// <summary>A consent box as shown, with proof of the web request it came from.</summary>
public sealed record SubmittedConsent(string Purpose, string Text, bool Granted, string? IpAddress, string? UserAgent);

/// <summary>utm_source, utm_medium and utm_campaign as received.</summary>
public sealed record UtmParameters(string? Source, string? Medium, string? Campaign);
