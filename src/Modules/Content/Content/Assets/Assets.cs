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
        api.MapGet("/assets", async (int? page, int? pageSize, string? journeyStage, string? kind, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new ListAssets(page ?? 1, pageSize ?? 50, journeyStage, kind), ct)))
            .WithName("ListAssets").WithSummary("Gated content assets, newest first, with their downloads (paged; optional journeyStage and kind)").Produces<AssetPage>();
        // The id comes from the path, never from the body.
        api.MapPut("/assets/{id}", async (string id, CreateAsset body, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new UpdateAsset(id, body.Title, body.Kind, body.JourneyStage, body.Url, body.Interest), ct)))
            .WithName("UpdateAsset").WithSummary("Replace an asset's title, kind, journey stage, URL and interest").Produces<AssetDetails>();
    }

    public static AssetDetails ToDetails(this Asset a, long downloads) =>
        new(a.Id, a.Title, a.Kind, a.JourneyStage, a.Url, a.CreatedAt, a.Interest, downloads);
}

internal sealed class ListAssetsValidator : IValidator<ListAssets>
{
    public void Validate(ListAssets m, ValidationErrors errors)
    {
        if (m.Page < 1) errors.Add("page", "From 1.");
        if (m.PageSize is < 1 or > 500) errors.Add("pageSize", "Between 1 and 500.");
        errors.OneOf("journeyStage", m.JourneyStage, Assets.Stages).OneOf("kind", m.Kind, Assets.Kinds);
    }
}

internal sealed class ListAssetsHandler(ContentDbContext db) : IQueryHandler<ListAssets, AssetPage>
{
    public async ValueTask<AssetPage> Handle(ListAssets query, CancellationToken cancellationToken)
    {
        var assets = db.Assets.AsNoTracking();
        if (query.JourneyStage is { } stage) assets = assets.Where(a => a.JourneyStage == stage);
        if (query.Kind is { } kind) assets = assets.Where(a => a.Kind == kind);
        var total = await assets.CountAsync(cancellationToken);
        // Ids are version-7 GUIDs: the primary key's order is the creation order.
        var items = await assets.OrderByDescending(a => a.Id).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        // The page's download counts in one grouped query (Downloads is indexed by asset), not one per row.
        var ids = items.Select(a => a.Id).ToList();
        var downloads = await db.Downloads.AsNoTracking().Where(d => ids.Contains(d.AssetId)).GroupBy(d => d.AssetId)
            .Select(g => new { AssetId = g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.AssetId, g => g.Count, cancellationToken);
        return new AssetPage([.. items.Select(a => a.ToDetails(downloads.GetValueOrDefault(a.Id)))], total, query.Page, query.PageSize);
    }
}

internal sealed class UpdateAssetValidator : IValidator<UpdateAsset>
{
    public void Validate(UpdateAsset m, ValidationErrors errors) =>
        new CreateAssetValidator().Validate(new CreateAsset(m.Title, m.Kind, m.JourneyStage, m.Url, m.Interest), errors);
}

internal sealed class UpdateAssetHandler(ContentDbContext db) : ICommandHandler<UpdateAsset, AssetDetails>
{
    public async ValueTask<AssetDetails> Handle(UpdateAsset command, CancellationToken cancellationToken)
    {
        var a = await db.Assets.FirstOrDefaultAsync(x => x.Id == command.Id, cancellationToken) ?? throw new NotFoundException("Asset", command.Id);
        a.Title = command.Title.Trim();
        a.Kind = command.Kind;
        a.JourneyStage = command.JourneyStage;
        a.Url = command.Url;
        a.Interest = command.Interest is { Length: > 0 } interest ? interest : null;
        await db.SaveChangesAsync(cancellationToken);
        var downloads = await db.Downloads.LongCountAsync(d => d.AssetId == a.Id, cancellationToken);
        return a.ToDetails(downloads);
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
        return a.ToDetails(downloads);
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
