using Mediator;
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
    public static readonly string[] Kinds = ["guide", "whitepaper", "case-study", "webinar", "checklist", "video"];
    public static readonly string[] JourneyStages = ["awareness", "consideration", "decision"];

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapCreate<CreateAsset, Created>("/assets", created => $"/api/content/assets/{created.Id}").WithName("CreateAsset").WithSummary("Create a gated content asset");
}

internal sealed class CreateAssetValidator : IValidator<CreateAsset>
{
    public void Validate(CreateAsset m, ValidationErrors errors)
    {
        errors.Required("title", m.Title).MaxLength("title", m.Title, 300)
            .Required("kind", m.Kind).OneOf("kind", m.Kind, Assets.Kinds)
            .Required("journeyStage", m.JourneyStage).OneOf("journeyStage", m.JourneyStage, Assets.JourneyStages);
        if (m.Url is not null && !Uri.TryCreate(m.Url, UriKind.Absolute, out _))
            errors.Add("url", "Must be an absolute URL.");
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
            CreatedAt = clock.GetUtcNow(),
        };
        db.Assets.Add(asset);
        await db.SaveChangesAsync(cancellationToken);
        return new Created(asset.Id);
    }
}
