using System.Text.RegularExpressions;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Content;

internal static partial class LandingPages
{
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    public static partial Regex SlugPattern();

    public static void Map(IEndpointRouteBuilder api, IEndpointRouteBuilder root)
    {
        api.MapCreate<CreateLandingPage, CreatedLandingPage>("/landing-pages", created => $"/api/content/landing-pages/{created.Id}").WithName("CreateLandingPage").WithSummary("Create a landing page showing a form");

        root.MapGet("/p/{slug}", async (string slug, HttpRequest request, ContentDbContext db, CancellationToken ct) =>
        {
            var page = await db.LandingPages.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == slug, ct);
            if (page is null) throw new NotFoundException("Landing page", slug);
            var form = await db.Forms.AsNoTracking().FirstAsync(f => f.Id == page.FormId, ct);
            // Counted with one UPDATE so that concurrent views never lose a visit (in the module's group commit);
            // a HEAD (a link checker) is no view.
            if (!request.IsHead())
                await db.WriteAsync(c => db.LandingPages.Where(p => p.Id == page.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.Visits, p => p.Visits + 1), c), ct);
            return Results.Content(FormPage.Render(page, form, values: null, errors: null), "text/html; charset=utf-8");
        }).WithName("ViewLandingPage").WithSummary("A landing page (public; each view counts as a visit)")
          .RequireRateLimiting("public").AllowAnonymous();
    }
}

internal sealed class CreateLandingPageValidator : IValidator<CreateLandingPage>
{
    public void Validate(CreateLandingPage m, ValidationErrors errors)
    {
        errors.Required("slug", m.Slug).MaxLength("slug", m.Slug, 120)
            .Required("title", m.Title).MaxLength("title", m.Title, 300)
            .Required("formId", m.FormId);
        if (!string.IsNullOrEmpty(m.Slug) && !LandingPages.SlugPattern().IsMatch(m.Slug))
            errors.Add("slug", "Lower-case letters, digits and single hyphens, e.g. 'guide-energie-solaire'.");
        errors.MaxLength("body", m.Body, 100_000);
    }
}

internal sealed class CreateLandingPageHandler(ContentDbContext db, TimeProvider clock) : ICommandHandler<CreateLandingPage, CreatedLandingPage>
{
    public async ValueTask<CreatedLandingPage> Handle(CreateLandingPage command, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!await db.Forms.AnyAsync(f => f.Id == command.FormId, cancellationToken))
            errors.Add("formId", $"No form has the id '{command.FormId}'.");
        if (command.CampaignId is not null && !await db.Campaigns.AnyAsync(c => c.Id == command.CampaignId, cancellationToken))
            errors.Add("campaignId", $"No campaign has the id '{command.CampaignId}'.");
        errors.ThrowIfAny();
        if (await db.LandingPages.AnyAsync(p => p.Slug == command.Slug, cancellationToken))
            throw new ConflictException("The slug is taken.", $"Another landing page already lives at /p/{command.Slug}.");

        var page = new LandingPage
        {
            Id = Ids.New(),
            Slug = command.Slug,
            Title = command.Title.Trim(),
            Body = command.Body ?? "",
            FormId = command.FormId,
            CampaignId = command.CampaignId,
            CreatedAt = clock.GetUtcNow(),
        };
        db.LandingPages.Add(page);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedLandingPage(page.Id, $"/p/{page.Slug}");
    }
}
