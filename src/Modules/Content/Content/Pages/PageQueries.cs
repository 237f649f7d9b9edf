using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Data;

namespace Tandem.Modules.Content.Pages;

internal static class PageQueries
{
    /// <summary>A form with the landing page it was sent from (when <paramref name="slug"/> names one showing it) and its asset, in one query.</summary>
    public static async Task<FormView?> FormViewAsync(ContentDbContext db, ContentOptions options, string formId, string? slug, CancellationToken ct)
    {
        slug = slug is { Length: > 0 } s && LandingPages.SlugPattern().IsMatch(s) ? s : null;
        var row = await (
            from f in db.Forms.AsNoTracking()
            where f.Id == formId
            select new
            {
                Form = f,
                AssetTitle = db.Assets.Where(a => a.Id == f.AssetId).Select(a => a.Title).FirstOrDefault(),
                AssetKind = db.Assets.Where(a => a.Id == f.AssetId).Select(a => a.Kind).FirstOrDefault(),
                Page = slug == null ? null : db.LandingPages.AsNoTracking().FirstOrDefault(p => p.Slug == slug && p.FormId == f.Id),
            }).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var language = row.Page?.Language ?? options.DefaultLanguage;
        return new FormView(row.Page, row.Form,
            row.AssetTitle is { } title ? new AssetSummary(title, row.AssetKind!) : null,
            PageTexts.For(language));
    }
}
