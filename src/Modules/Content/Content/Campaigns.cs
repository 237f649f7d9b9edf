using Mediator;
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
    public static readonly string[] Channels = ["content", "seo", "social", "event", "paid", "email", "referral", "outbound"];

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapCreate<CreateCampaign, Created>("/campaigns", created => $"/api/content/campaigns/{created.Id}").WithName("CreateCampaign").WithSummary("Create a campaign");
}

internal sealed class CreateCampaignValidator : IValidator<CreateCampaign>
{
    public void Validate(CreateCampaign m, ValidationErrors errors)
    {
        errors.Required("name", m.Name).MaxLength("name", m.Name, 200)
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
