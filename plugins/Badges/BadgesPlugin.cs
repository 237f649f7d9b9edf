using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Badges;

/// <summary>
/// Event badge scans as a lead source: a booth device posts batches to <c>POST /api/plugins/badges/scans</c>
/// (authenticated); each scan's vCard, MECARD or BIZCARD payload, or the QR code in a photo of the badge, becomes a lead
/// with source <c>event</c>, the event's campaign and the "collected indirectly" flag (GDPR art. 14). Lead-retrieval CSV
/// exports from event apps arrive the same way at <c>POST /api/plugins/badges/exports</c>.
/// </summary>
public sealed class BadgesPlugin : ITandemPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        services.AddPluginSettings<BadgeSettings>();
        services.AddSingleton<ILeadSource, BadgeScans>();
        services.AddSingleton(_ => new HttpClient { Timeout = TimeSpan.FromSeconds(8) });
        services.AddSingleton<Pretix>();
        services.AddSingleton<IApiEndpointHandler, ScansEndpoint>();
        services.AddSingleton<IApiEndpointHandler, ExportsEndpoint>();
    }
}

/// <summary>Settings under <c>Tandem:Plugins:badges</c> (all optional).</summary>
public sealed class BadgeSettings : IPluginSettings
{
    /// <summary>The kind given to scanned leads: trade-show visitors are professionals by default.</summary>
    public string Kind { get; set; } = "professional";

    /// <summary>The most scans one batch may hold.</summary>
    public int MaxScansPerBatch { get; set; } = 500;

    /// <summary>The organiser's pretix-compatible exhibitor API (<c>https://pretix.eu/</c>), to resolve opaque attendee
    /// codes; none: such badges are rejected.</summary>
    public string? PretixUrl { get; set; }

    /// <summary>The exhibitor key for that API (sent as <c>Authorization: Exhibitor …</c>). A secret.</summary>
    public string? PretixExhibitorKey { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (PretixUrl is not null && (!Uri.TryCreate(PretixUrl, UriKind.Absolute, out var pretix) || pretix.Scheme is not ("http" or "https")))
            yield return "PretixUrl must be an absolute http(s) URL such as https://pretix.eu/.";
        if (PretixUrl is not null && string.IsNullOrWhiteSpace(PretixExhibitorKey))
            yield return "PretixExhibitorKey is required with PretixUrl (the exhibitor key the organiser gave).";
        if (Kind is not ("professional" or "consumer")) yield return "Kind must be professional or consumer.";
        if (MaxScansPerBatch is < 1 or > 5000) yield return "MaxScansPerBatch must be between 1 and 5000.";
    }
}

internal sealed class BadgeScans : ILeadSource
{
    public string Name => "badge-scans";
}
