using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Badges;

/// <summary>
/// Event badge scans as a lead source: a booth device posts batches to <c>POST /api/plugins/badges/scans</c>
/// (authenticated); each scan's vCard, MECARD or BIZCARD payload, or the QR code in a photo of the badge, becomes a lead
/// with source <c>event</c>, the event's campaign and the "collected indirectly" flag (GDPR art. 14).
/// </summary>
public sealed class BadgesPlugin : ITandemPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        services.AddPluginSettings<BadgeSettings>();
        services.AddSingleton<ILeadSource, BadgeScans>();
        services.AddSingleton<IApiEndpointHandler, ScansEndpoint>();
    }
}

/// <summary>Settings under <c>Tandem:Plugins:badges</c> (all optional).</summary>
public sealed class BadgeSettings : IPluginSettings
{
    /// <summary>The kind given to scanned leads: trade-show visitors are professionals by default.</summary>
    public string Kind { get; set; } = "professional";

    /// <summary>The most scans one batch may hold.</summary>
    public int MaxScansPerBatch { get; set; } = 500;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Kind is not ("professional" or "consumer")) yield return "Kind must be professional or consumer.";
        if (MaxScansPerBatch is < 1 or > 5000) yield return "MaxScansPerBatch must be between 1 and 5000.";
    }
}

internal sealed class BadgeScans : ILeadSource
{
    public string Name => "badge-scans";
}
