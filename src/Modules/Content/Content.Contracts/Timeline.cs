using Mediator;

namespace Tandem.Modules.Content.Contracts;

/// <summary>
/// Content's part of a lead's timeline (docs/architecture.md, "Timelines"): the person's landing-page visits (stitched to the
/// lead when their submission became it, and every later visit from the same browser), their form submissions with the
/// UTM parameters, and their gated-asset downloads, oldest first. An unknown lead has an empty part.
/// </summary>
/// <param name="LeadId">The lead.</param>
public sealed record GetContentTimeline(string LeadId) : IQuery<IReadOnlyList<ContentTimelineEntry>>;

/// <summary>One entry of Content's timeline.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Type"><see cref="ContentTimelineTypes"/>.</param>
/// <param name="Title">The landing page's title (a visit), the form's name (a submission) or the asset's title (a download).</param>
/// <param name="Path">The public path of the landing page (<c>/p/{slug}</c>) for a visit or a submission made on a page.</param>
/// <param name="Campaign">The campaign's name the entry is attributed to (by UTM or the page's own), if any.</param>
/// <param name="Utm">A submission's UTM parameters as <c>source / medium / campaign</c> (the missing ones left out), if any.</param>
/// <param name="Ref">The id of the visit's page, the submission or the downloaded asset.</param>
public sealed record ContentTimelineEntry(DateTimeOffset At, string Type, string Title, string? Path, string? Campaign, string? Utm, string Ref);

/// <summary>The types of <see cref="ContentTimelineEntry"/>.</summary>
public static class ContentTimelineTypes
{
    /// <summary>A landing page viewed.</summary>
    public const string Visit = "visit";
    /// <summary>A form submitted.</summary>
    public const string Submission = "submission";
    /// <summary>A gated asset downloaded through its signed link.</summary>
    public const string Download = "download";
}
