using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Content.Pages;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Content;

/// <summary>
/// <c>GET /p/{slug}</c> (public): the landing page, and one visit recorded — one read (page, form, asset, the campaign a
/// <c>utm_campaign</c> names, whether the visitor is already a lead) and one insert. A visitor already known as a lead has
/// the visit announced at once (<see cref="LeadVisitedPages"/>, in the same commit). A HEAD is not a visit.
/// </summary>
internal static class ViewLandingPage
{
    private static readonly string[] Utm = [FormValueNames.UtmSource, FormValueNames.UtmMedium, FormValueNames.UtmCampaign];

    public static void Map(IEndpointRouteBuilder root) =>
        root.MapGet("/p/{slug}", View).WithName("ViewLandingPage").WithTags("Content")
            .WithSummary("A landing page (public; each view counts as a visit and sets the anonymous visitor cookie)")
            .RequireRateLimiting("public").AllowAnonymous();

    private static async Task<IResult> View(string slug, HttpContext http, ContentDbContext db, FormPage pages, ContentOptions options,
        TimeProvider clock, CancellationToken ct)
    {
        var request = http.Request;
        var tracking = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Utm)
            if (request.Query[name].ToString() is { Length: > 0 } value && ValidationErrors.TextProblem(value, multiLine: false) is null)
                tracking[name] = value.Length > 200 ? value[..200].Trim() : value.Trim();
        var utmCampaign = tracking.GetValueOrDefault(FormValueNames.UtmCampaign);
        var visitorId = VisitorCookie.Read(request);

        var found = await (
            from p in db.LandingPages.AsNoTracking()
            where p.Slug == slug
            join f in db.Forms.AsNoTracking() on p.FormId equals f.Id
            select new
            {
                Page = p,
                Form = f,
                AssetTitle = db.Assets.Where(a => a.Id == f.AssetId).Select(a => a.Title).FirstOrDefault(),
                AssetKind = db.Assets.Where(a => a.Id == f.AssetId).Select(a => a.Kind).FirstOrDefault(),
                AssetInterest = db.Assets.Where(a => a.Id == f.AssetId).Select(a => a.Interest).FirstOrDefault(),
                UtmCampaignId = db.Campaigns.Where(c => c.Id == utmCampaign).Select(c => c.Id).FirstOrDefault(),
                LeadId = db.VisitorLeads.Where(v => v.VisitorId == visitorId).Select(v => v.LeadId).FirstOrDefault(),
            }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Landing page", slug);

        if (!request.IsHead())
        {
            if (visitorId is null)
            {
                visitorId = Ids.New();
                VisitorCookie.Write(http.Response, visitorId, options.VisitorCookieDays);
            }
            var visit = new Visit
            {
                Id = Ids.New(),
                LandingPageId = found.Page.Id,
                CampaignId = found.UtmCampaignId ?? found.Page.CampaignId ?? found.Form.CampaignId,
                VisitorId = visitorId,
                Interest = found.AssetInterest,
                At = clock.GetUtcNow(),
                LeadId = found.LeadId,
            };
            db.Visits.Add(visit);
            if (found.LeadId is { } leadId)
                db.Publish(new LeadVisitedPages(leadId, [new PageVisit(visit.LandingPageId, visit.CampaignId, visit.Interest, visit.At)]));
            await db.SaveChangesAsync(ct);
        }
        // The page carries a visitor's cookie and tracking: never kept by a shared cache.
        http.Response.Headers.CacheControl = "private, no-cache";
        var view = new FormView(found.Page, found.Form,
            found.AssetTitle is { } title ? new AssetSummary(title, found.AssetKind!) : null,
            PageTexts.For(found.Page.Language ?? options.DefaultLanguage), tracking);
        return pages.Html(http, pages.Render(view));
    }
}
