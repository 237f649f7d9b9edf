using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;

namespace Tandem.Modules.Content.Timeline;

/// <summary>
/// Content's part of a lead's timeline (docs/architecture.md, "Timelines"): visits and submissions by their indexed lead id,
/// downloads by those submissions, then the titles of the pages, forms, assets and campaigns they name in one query each
/// (never one per entry). The newest <see cref="MaxVisits"/> visits are kept: a browser reloading a page all day must not
/// make the timeline unreadable or slow.
/// </summary>
internal sealed class GetContentTimelineHandler(ContentDbContext db) : IQueryHandler<GetContentTimeline, IReadOnlyList<ContentTimelineEntry>>
{
    internal const int MaxVisits = 500;

    public async ValueTask<IReadOnlyList<ContentTimelineEntry>> Handle(GetContentTimeline query, CancellationToken cancellationToken)
    {
        var leadId = query.LeadId;
        var visits = await db.Visits.AsNoTracking().Where(v => v.LeadId == leadId).OrderByDescending(v => v.At).Take(MaxVisits)
            .Select(v => new { v.At, v.LandingPageId, v.CampaignId }).ToListAsync(cancellationToken);
        var submissions = await db.Submissions.AsNoTracking().Where(s => s.LeadId == leadId)
            .Select(s => new { s.Id, s.SubmittedAt, s.FormId, s.LandingPageId, s.CampaignId, s.UtmSource, s.UtmMedium, s.UtmCampaign })
            .ToListAsync(cancellationToken);
        var submissionIds = submissions.Select(s => s.Id).ToList();
        var downloads = submissionIds.Count == 0
            ? []
            : await db.Downloads.AsNoTracking().Where(d => submissionIds.Contains(d.SubmissionId)).Select(d => new { d.At, d.AssetId, d.SubmissionId })
                .ToListAsync(cancellationToken);

        var pageIds = visits.Select(v => v.LandingPageId).Concat(submissions.Select(s => s.LandingPageId)).OfType<string>().Distinct().ToList();
        var formIds = submissions.Select(s => s.FormId).Distinct().ToList();
        var assetIds = downloads.Select(d => d.AssetId).Distinct().ToList();
        var submissionCampaign = submissions.ToDictionary(s => s.Id, s => s.CampaignId);
        var campaignIds = visits.Select(v => v.CampaignId).Concat(submissions.Select(s => s.CampaignId)).OfType<string>().Distinct().ToList();
        var pages = pageIds.Count == 0 ? [] : await db.LandingPages.AsNoTracking().Where(p => pageIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => (p.Title, p.Slug), cancellationToken);
        var forms = formIds.Count == 0 ? [] : await db.Forms.AsNoTracking().Where(f => formIds.Contains(f.Id))
            .ToDictionaryAsync(f => f.Id, f => f.Name, cancellationToken);
        var assets = assetIds.Count == 0 ? [] : await db.Assets.AsNoTracking().Where(a => assetIds.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.Title, cancellationToken);
        var campaigns = campaignIds.Count == 0 ? [] : await db.Campaigns.AsNoTracking().Where(c => campaignIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);

        string? CampaignName(string? id) => id is null ? null : campaigns.GetValueOrDefault(id, id);
        string? PathOf(string? pageId) => pageId is not null && pages.TryGetValue(pageId, out var p) ? "/p/" + p.Slug : null;

        var entries = new List<ContentTimelineEntry>(visits.Count + submissions.Count + downloads.Count);
        entries.AddRange(visits.Select(v => new ContentTimelineEntry(v.At, ContentTimelineTypes.Visit,
            pages.TryGetValue(v.LandingPageId, out var p) ? p.Title : v.LandingPageId, PathOf(v.LandingPageId), CampaignName(v.CampaignId), null, v.LandingPageId)));
        entries.AddRange(submissions.Select(s => new ContentTimelineEntry(s.SubmittedAt, ContentTimelineTypes.Submission,
            forms.GetValueOrDefault(s.FormId, s.FormId), PathOf(s.LandingPageId), CampaignName(s.CampaignId), Utm(s.UtmSource, s.UtmMedium, s.UtmCampaign), s.Id)));
        entries.AddRange(downloads.Select(d => new ContentTimelineEntry(d.At, ContentTimelineTypes.Download,
            assets.GetValueOrDefault(d.AssetId, d.AssetId), null, CampaignName(submissionCampaign.GetValueOrDefault(d.SubmissionId)), null, d.AssetId)));
        return entries.OrderBy(e => e.At).ToList();
    }

    private static string? Utm(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return present.Count == 0 ? null : string.Join(" / ", present);
    }
}
