using Mediator;

namespace Tandem.Modules.Content.Contracts;

/// <summary>One view of a landing page.</summary>
/// <param name="LandingPageId">The page viewed.</param>
/// <param name="CampaignId">The campaign the view is attributed to (UTM or the page's own), if any.</param>
/// <param name="Interest">The interest of the asset the page offers, if any.</param>
/// <param name="At">When the page was viewed.</param>
public sealed record PageVisit(string LandingPageId, string? CampaignId, string? Interest, DateTimeOffset At);

/// <summary>
/// Visits now known to belong to a lead: published by Content when a visitor's earlier visits are stitched to the lead
/// their submission became, and for each later visit of a visitor already known as a lead.
/// </summary>
public sealed record LeadVisitedPages(string LeadId, IReadOnlyList<PageVisit> Visits) : INotification;

/// <summary>A gated asset was delivered through its signed link (counted once per link use).</summary>
/// <param name="LeadId">The lead the submission became, when already known.</param>
/// <param name="SubmissionId">The submission the link was issued for.</param>
/// <param name="AssetId">The asset delivered.</param>
/// <param name="JourneyStage">The asset's buying-journey stage.</param>
/// <param name="Interest">The asset's interest, if any.</param>
/// <param name="At">When the link was used.</param>
public sealed record AssetDownloaded(
    string? LeadId, string SubmissionId, string AssetId, string JourneyStage, string? Interest, DateTimeOffset At) : INotification;
