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
        api.MapGet("/campaigns", async (int? page, int? pageSize, string? channel, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new ListCampaigns(page ?? 1, pageSize ?? 50, channel), ct)))
            .WithName("ListCampaigns").WithSummary("Campaigns, newest first (paged; optional channel)").Produces<CampaignPage>();
        // The id comes from the path, never from the body.
        api.MapPut("/campaigns/{id}", async (string id, CreateCampaign body, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new UpdateCampaign(id, body.Name, body.Channel, body.Cost, body.StartsOn, body.EndsOn), ct)))
            .WithName("UpdateCampaign").WithSummary("Replace a campaign's name, channel, cost and dates").Produces<CampaignDetails>();
    }

    public static CampaignDetails ToDetails(this Campaign c) =>
        new(c.Id, c.Name, c.Channel, c.CostAmount is { } amount ? new Money(amount, c.CostCurrency!) : null, c.StartsOn, c.EndsOn, c.CreatedAt);
}

internal sealed class ListCampaignsValidator : IValidator<ListCampaigns>
{
    public void Validate(ListCampaigns m, ValidationErrors errors)
    {
        if (m.Page < 1) errors.Add("page", "From 1.");
        if (m.PageSize is < 1 or > 500) errors.Add("pageSize", "Between 1 and 500.");
        errors.OneOf("channel", m.Channel, Campaigns.Channels);
    }
}

internal sealed class ListCampaignsHandler(ContentDbContext db) : IQueryHandler<ListCampaigns, CampaignPage>
{
    public async ValueTask<CampaignPage> Handle(ListCampaigns query, CancellationToken cancellationToken)
    {
        var campaigns = db.Campaigns.AsNoTracking();
        if (query.Channel is { } channel) campaigns = campaigns.Where(c => c.Channel == channel);
        var total = await campaigns.CountAsync(cancellationToken);
        // Ids are version-7 GUIDs: the primary key's order is the creation order.
        var items = await campaigns.OrderByDescending(c => c.Id).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new CampaignPage([.. items.Select(c => c.ToDetails())], total, query.Page, query.PageSize);
    }
}

internal sealed class UpdateCampaignValidator : IValidator<UpdateCampaign>
{
    public void Validate(UpdateCampaign m, ValidationErrors errors) =>
        new CreateCampaignValidator().Validate(new CreateCampaign(m.Name, m.Channel, m.Cost, m.StartsOn, m.EndsOn), errors);
}

internal sealed class UpdateCampaignHandler(ContentDbContext db) : ICommandHandler<UpdateCampaign, CampaignDetails>
{
    public async ValueTask<CampaignDetails> Handle(UpdateCampaign command, CancellationToken cancellationToken)
    {
        var c = await db.Campaigns.FirstOrDefaultAsync(x => x.Id == command.Id, cancellationToken) ?? throw new NotFoundException("Campaign", command.Id);
        c.Name = command.Name.Trim();
        c.Channel = command.Channel;
        c.CostAmount = command.Cost?.Amount;
        c.CostCurrency = command.Cost?.Currency;
        c.StartsOn = command.StartsOn;
        c.EndsOn = command.EndsOn;
        await db.SaveChangesAsync(cancellationToken);
        return c.ToDetails();
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
        return c.ToDetails();
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
