using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Content;

internal static class Assets
{
    public static readonly string[] Kinds = [.. AssetKinds.All];
    public static readonly string[] Stages = [.. JourneyStages.All];

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapCreate<CreateAsset, Created>("/assets", created => $"/api/content/assets/{created.Id}").WithName("CreateAsset").WithSummary("Create a gated content asset");
        api.MapGet("/assets/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetAsset(id), ct)))
            .WithName("GetAsset").WithSummary("One gated content asset");
    }
}

internal sealed class CreateAssetValidator : IValidator<CreateAsset>
{
    public void Validate(CreateAsset m, ValidationErrors errors)
    {
        errors.Required("title", m.Title).SingleLine("title", m.Title, Limits.Title)
            .Required("kind", m.Kind).OneOf("kind", m.Kind, Assets.Kinds)
            .Required("journeyStage", m.JourneyStage).OneOf("journeyStage", m.JourneyStage, Assets.Stages)
            .SingleLine("url", m.Url, Limits.Url).SingleLine("interest", m.Interest, Limits.Key);
        if (m.Interest is { Length: > 0 and <= Limits.Key } interest && !LandingPages.SlugPattern().IsMatch(interest))
            errors.Add("interest", "A lower-case slug such as solar, heat-pump or ev-charger.");
        // Shown as a link to visitors one day: only web addresses, never javascript: or data:.
        if (m.Url is { Length: <= Limits.Url } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            errors.Add("url", "Must be an absolute http or https URL.");
    }
}

internal sealed class GetAssetHandler(ContentDbContext db) : IQueryHandler<GetAsset, AssetDetails>
{
    public async ValueTask<AssetDetails> Handle(GetAsset query, CancellationToken cancellationToken)
    {
        var a = await db.Assets.AsNoTracking().FirstOrDefaultAsync(x => x.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Asset", query.Id);
        var downloads = await db.Downloads.LongCountAsync(d => d.AssetId == a.Id, cancellationToken);
        return new AssetDetails(a.Id, a.Title, a.Kind, a.JourneyStage, a.Url, a.CreatedAt, a.Interest, downloads);
    }
}

internal sealed class CreateAssetHandler(ContentDbContext db, TimeProvider clock) : ICommandHandler<CreateAsset, Created>
{
    public async ValueTask<Created> Handle(CreateAsset command, CancellationToken cancellationToken)
    {
        var asset = new Asset
        {
            Id = Ids.New(),
            Title = command.Title.Trim(),
            Kind = command.Kind,
            JourneyStage = command.JourneyStage,
            Url = command.Url,
            Interest = command.Interest is { Length: > 0 } interest ? interest : null,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Assets.Add(asset);
        await db.SaveChangesAsync(cancellationToken);
        return new Created(asset.Id);
    }
}
