using System.Globalization;
using Tandem.Modules.Content.Contracts;

namespace Tandem.Web.Components.Marketing;

/// <summary>A campaign being created or edited: name, channel, cost and dates.</summary>
public sealed class CampaignDraft
{
    /// <summary>The campaign edited; null for a new one.</summary>
    public string? Id { get; init; }
    public string Name { get; set; } = "";
    public string Channel { get; set; } = CampaignChannels.Content;
    public decimal? CostAmount { get; set; }
    public string Currency { get; set; } = "EUR";
    public DateTime? StartsOn { get; set; }
    public DateTime? EndsOn { get; set; }

    public static CampaignDraft From(CampaignDetails c) => new()
    {
        Id = c.Id, Name = c.Name, Channel = c.Channel, CostAmount = c.Cost?.Amount, Currency = c.Cost?.Currency ?? "EUR",
        StartsOn = c.StartsOn?.ToDateTime(TimeOnly.MinValue), EndsOn = c.EndsOn?.ToDateTime(TimeOnly.MinValue),
    };

    /// <summary>The cost as Content takes it: none without an amount; the currency in upper case.</summary>
    public Money? Cost => CostAmount is { } amount ? new Money(amount, (Currency ?? "").Trim().ToUpperInvariant()) : null;

    public CreateCampaign ToCreate() => new(Name.Trim(), Channel, Cost, Day(StartsOn), Day(EndsOn));

    public UpdateCampaign ToUpdate() => new(Id ?? throw new InvalidOperationException("A new campaign has no id."), Name.Trim(), Channel, Cost, Day(StartsOn), Day(EndsOn));

    private static DateOnly? Day(DateTime? date) => date is { } d ? DateOnly.FromDateTime(d) : null;
}

/// <summary>A gated content asset being created or edited: title, kind, journey stage, URL and interest.</summary>
public sealed class AssetDraft
{
    /// <summary>The asset edited; null for a new one.</summary>
    public string? Id { get; init; }
    public string Title { get; set; } = "";
    public string Kind { get; set; } = AssetKinds.Guide;
    public string JourneyStage { get; set; } = JourneyStages.Awareness;
    public string? Url { get; set; }
    public string? Interest { get; set; }

    public static AssetDraft From(AssetDetails a) => new()
    {
        Id = a.Id, Title = a.Title, Kind = a.Kind, JourneyStage = a.JourneyStage, Url = a.Url, Interest = a.Interest,
    };

    public CreateAsset ToCreate() => new(Title.Trim(), Kind, JourneyStage, Blank(Url), Blank(Interest)?.ToLowerInvariant());

    public UpdateAsset ToUpdate() => new(Id ?? throw new InvalidOperationException("A new asset has no id."), Title.Trim(), Kind, JourneyStage, Blank(Url), Blank(Interest)?.ToLowerInvariant());

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Numbers and money in the person's culture.</summary>
public static class UiFormat
{
    public static string Number(long? value) => value is null ? "—" : value.Value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>An amount in its own currency (the code as symbol), laid out as the person's culture lays out money.</summary>
    public static string Money(decimal? amount, string? currency)
    {
        if (amount is null) return "—";
        var format = (NumberFormatInfo)CultureInfo.CurrentCulture.NumberFormat.Clone();
        format.CurrencySymbol = currency ?? "";
        return amount.Value.ToString("C", format);
    }

    /// <summary>The cost divided by the leads, to the cent; none without cost or leads.</summary>
    public static decimal? PerLead(Money? cost, long leads) => cost is null || leads <= 0 ? null : Math.Round(cost.Amount / leads, 2);

    /// <summary>Validation errors as "field: message" lines.</summary>
    public static List<string> Errors(Tandem.Modules.Shared.Errors.TandemProblemException ex) =>
        ex is Tandem.Modules.Shared.Errors.ValidationFailedException v
            ? v.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")).ToList()
            : [ex.Detail ?? ex.Message];
}
