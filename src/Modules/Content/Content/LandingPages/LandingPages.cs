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

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapCreate<CreateLandingPage, CreatedLandingPage>("/landing-pages", created => $"/api/content/landing-pages/{created.Id}").WithName("CreateLandingPage").WithSummary("Create a landing page showing a form");
        api.MapGet("/landing-pages/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetLandingPage(id), ct)))
            .WithName("GetLandingPage").WithSummary("One landing page with its visit count");
    }
}

internal sealed class CreateLandingPageValidator : IValidator<CreateLandingPage>
{
    public void Validate(CreateLandingPage m, ValidationErrors errors)
    {
        errors.Required("slug", m.Slug).MaxLength("slug", m.Slug, Limits.Slug)
            .Required("title", m.Title).SingleLine("title", m.Title, Limits.Title)
            .Required("formId", m.FormId).SingleLine("formId", m.FormId, Limits.Id)
            .SingleLine("campaignId", m.CampaignId, Limits.Id)
            .MultiLine("body", m.Body, Limits.Body);
        if (m.Language is not null) errors.OneOf("language", m.Language, PageLanguages.All.ToArray());
        if (m.Slug is { Length: > 0 and <= Limits.Slug } && !LandingPages.SlugPattern().IsMatch(m.Slug))
            errors.Add("slug", "Lower-case letters, digits and single hyphens, e.g. 'guide-energie-solaire'.");
    }
}

internal sealed class GetLandingPageHandler(ContentDbContext db, ContentOptions options) : IQueryHandler<GetLandingPage, LandingPageDetails>
{
    public async ValueTask<LandingPageDetails> Handle(GetLandingPage query, CancellationToken cancellationToken)
    {
        var p = await db.LandingPages.AsNoTracking().FirstOrDefaultAsync(x => x.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Landing page", query.Id);
        var visits = await db.Visits.LongCountAsync(v => v.LandingPageId == p.Id, cancellationToken);
        return new LandingPageDetails(p.Id, p.Slug, $"/p/{p.Slug}", p.Title, p.Body, p.FormId, p.CampaignId, visits, p.CreatedAt,
            p.Language ?? options.DefaultLanguage);
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
            Language = command.Language,
            CreatedAt = clock.GetUtcNow(),
        };
        db.LandingPages.Add(page);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedLandingPage(page.Id, $"/p/{page.Slug}");
    }
}
