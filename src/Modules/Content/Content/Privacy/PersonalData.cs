using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Content.Privacy;

/// <summary>Content's part of a data-subject export (docs/compliance.md): submissions, visits and downloads of the person's leads.</summary>
internal sealed class ExportContentPersonalDataHandler(ContentDbContext db) : IQueryHandler<ExportContentPersonalData, ContentPersonalData>
{
    public async ValueTask<ContentPersonalData> Handle(ExportContentPersonalData query, CancellationToken cancellationToken)
    {
        var leadIds = query.LeadIds;
        var submissions = await db.Submissions.AsNoTracking().Where(s => s.LeadId != null && leadIds.Contains(s.LeadId)).OrderBy(s => s.SubmittedAt)
            .ToListAsync(cancellationToken);
        var submissionIds = submissions.Select(s => s.Id).ToList();
        var visits = await db.Visits.AsNoTracking().Where(v => v.LeadId != null && leadIds.Contains(v.LeadId)).OrderBy(v => v.At)
            .Select(v => new PersonalVisit(v.LandingPageId, v.CampaignId, v.At)).ToListAsync(cancellationToken);
        var downloads = await db.Downloads.AsNoTracking().Where(d => submissionIds.Contains(d.SubmissionId))
            .Select(d => new PersonalDownload(d.AssetId, d.SubmissionId, d.At)).ToListAsync(cancellationToken);
        return new ContentPersonalData(
            submissions.Select(s => new PersonalSubmission(s.Id, s.FormId, s.Fields, s.ConsentsGranted, s.CallbackRequested, s.CampaignId, s.UtmSource,
                s.UtmMedium, s.UtmCampaign, s.SubmittedAt)).ToList(),
            visits, downloads);
    }
}

/// <summary>Erases Content's rows about the person's leads, set-based (visits are deleted, not only unlinked: the visitor id is personal data).</summary>
internal sealed class EraseContentPersonalDataHandler(ContentDbContext db) : ICommandHandler<EraseContentPersonalData, ContentPersonalDataErased>
{
    public async ValueTask<ContentPersonalDataErased> Handle(EraseContentPersonalData command, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var chunk in command.LeadIds.Chunk(500))
            deleted += await db.WriteAsync(async ct =>
            {
                var submissionIds = db.Submissions.Where(s => s.LeadId != null && chunk.Contains(s.LeadId)).Select(s => s.Id);
                var n = await db.Downloads.Where(d => submissionIds.Contains(d.SubmissionId)).ExecuteDeleteAsync(ct);
                n += await db.Submissions.Where(s => s.LeadId != null && chunk.Contains(s.LeadId)).ExecuteDeleteAsync(ct);
                n += await db.Visits.Where(v => v.LeadId != null && chunk.Contains(v.LeadId)).ExecuteDeleteAsync(ct);
                n += await db.VisitorLeads.Where(v => chunk.Contains(v.LeadId)).ExecuteDeleteAsync(ct);
                return n;
            }, cancellationToken);
        return new ContentPersonalDataErased(deleted);
    }
}
