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

internal static class Campaigns
{
    public static readonly string[] Channels = [.. CampaignChannels.All];

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapCreate<CreateCampaign, Created>("/campaigns", created => $"/api/content/campaigns/{created.Id}").WithName("CreateCampaign").WithSummary("Create a campaign");
        api.MapGet("/campaigns/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetCampaign(id), ct)))
            .WithName("GetCampaign").WithSummary("One campaign");
    }
}

internal sealed class CreateCampaignValidator : IValidator<CreateCampaign>
{
    public void Validate(CreateCampaign m, ValidationErrors errors)
    {
        errors.Required("name", m.Name).SingleLine("name", m.Name, Limits.Name)
            .Required("channel", m.Channel).OneOf("channel", m.Channel, Campaigns.Channels);
        if (m.Cost is { } cost)
        {
            if (cost.Amount < 0) errors.Add("cost.amount", "Must not be negative.");
            if (cost.Currency is not { Length: 3 } || !cost.Currency.All(char.IsAsciiLetterUpper))
                errors.Add("cost.currency", "An ISO 4217 code such as EUR.");
        }
        if (m.StartsOn is { } start && m.EndsOn is { } end && end < start)
            errors.Add("endsOn", "Must not be before startsOn.");
    }
}

internal sealed class GetCampaignHandler(ContentDbContext db) : IQueryHandler<GetCampaign, CampaignDetails>
{
    public async ValueTask<CampaignDetails> Handle(GetCampaign query, CancellationToken cancellationToken)
    {
        var c = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(x => x.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Campaign", query.Id);
        return new CampaignDetails(c.Id, c.Name, c.Channel, c.CostAmount is { } amount ? new Money(amount, c.CostCurrency!) : null, c.StartsOn, c.EndsOn, c.CreatedAt);
    }
}

internal sealed class CreateCampaignHandler(ContentDbContext db, TimeProvider clock) : ICommandHandler<CreateCampaign, Created>
{
    public async ValueTask<Created> Handle(CreateCampaign command, CancellationToken cancellationToken)
    {
        var campaign = new Campaign
        {
            Id = Ids.New(),
            Name = command.Name.Trim(),
            Channel = command.Channel,
            CostAmount = command.Cost?.Amount,
            CostCurrency = command.Cost?.Currency,
            StartsOn = command.StartsOn,
            EndsOn = command.EndsOn,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(cancellationToken);
        return new Created(campaign.Id);
    }
}
