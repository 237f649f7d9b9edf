using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Content;

/// <summary>A stored form submission, where the <c>Location</c> of a <c>POST /f/{formId}</c> answer points.</summary>
internal static class Submissions
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/submissions/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetSubmission(id), ct)))
            .WithName("GetSubmission").WithSummary("One form submission: the fields typed, the consents ticked, the lead it became");
}

internal sealed class GetSubmissionHandler(ContentDbContext db) : IQueryHandler<GetSubmission, SubmissionDetails>
{
    public async ValueTask<SubmissionDetails> Handle(GetSubmission query, CancellationToken cancellationToken)
    {
        var s = await db.Submissions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Submission", query.Id);
        return new SubmissionDetails(s.Id, s.FormId, s.Fields, s.ConsentsGranted, s.CallbackRequested,
            new UtmParameters(s.UtmSource, s.UtmMedium, s.UtmCampaign), s.LeadId, s.SubmittedAt,
            s.Consents?.Select(c => new ConsentShown(c.Purpose, c.Text, c.Granted)).ToList(), s.CampaignId, s.LandingPageId, s.AssetId);
    }
}
