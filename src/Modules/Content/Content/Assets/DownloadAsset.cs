using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Content.Pages;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Content;

/// <summary>
/// <c>GET /d/{token}</c> (public): a signed asset link. Valid: the download is counted (a row per use, and
/// <see cref="AssetDownloaded"/> through the outbox, in one commit) and the browser is redirected to the asset. Expired: 410,
/// forged or damaged: 404, both as a page that says what to do. A HEAD (a link checker) is not a download.
/// </summary>
internal static class DownloadAsset
{
    public static void Map(IEndpointRouteBuilder root) =>
        // A link people follow in a browser (its refusals are HTML pages, not problems), like the thank-you page: not an API
        // operation, so not in the OpenAPI document (docs/API.md describes it).
        root.MapGet("/d/{token}", Download).ExcludeFromDescription().RequireRateLimiting("public").AllowAnonymous();

    private static async Task<IResult> Download(string token, HttpContext http, AssetLinks links, ContentDbContext db, FormPage pages,
        ContentOptions options, TimeProvider clock, CancellationToken ct)
    {
        var texts = PageTexts.For(options.DefaultLanguage);
        var link = token.Length <= 512 ? await links.ReadAsync(token, ct) : new AssetLink(AssetLinkStatus.Invalid);
        if (link.Status == AssetLinkStatus.Expired) return pages.Html(http, pages.LinkProblem(texts, expired: true), StatusCodes.Status410Gone);
        var found = link.Status == AssetLinkStatus.Valid
            ? await (
                from a in db.Assets.AsNoTracking()
                where a.Id == link.AssetId
                select new
                {
                    a.Id, a.Url, a.JourneyStage, a.Interest,
                    LeadId = db.Submissions.Where(s => s.Id == link.SubmissionId).Select(s => s.LeadId).FirstOrDefault(),
                }).FirstOrDefaultAsync(ct)
            : null;
        if (found?.Url is null) return pages.Html(http, pages.LinkProblem(texts, expired: false), StatusCodes.Status404NotFound);

        if (!http.Request.IsHead())
        {
            var now = clock.GetUtcNow();
            db.Downloads.Add(new Data.Download { Id = Ids.New(), AssetId = found.Id, SubmissionId = link.SubmissionId!, At = now });
            db.Publish(new AssetDownloaded(found.LeadId, link.SubmissionId!, found.Id, found.JourneyStage, found.Interest, now));
            await db.SaveChangesAsync(ct);
        }
        return Results.Redirect(found.Url);
    }
}
