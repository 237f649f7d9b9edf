using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.LinkedIn;

/// <summary>
/// LinkedIn Lead Gen Forms as a lead source: push notifications at <c>GET|POST /hooks/linkedin/leads</c> (challenge
/// answer, <c>X-LI-Signature</c> checked), and backfill then polling of the sponsored account's form responses with the
/// cursor kept in the plugin's state. Answers are mapped by <c>predefinedField</c>, never by label. A member's
/// <c>Connections.csv</c> export is imported at <c>POST /api/plugins/linkedin/connections</c>. LinkedIn messaging
/// is never automated: this plugin offers no outbound channel.
/// Only the Lead Gen Forms part needs the app's secrets (<see cref="LinkedInSettings.ClientSecret"/>,
/// <see cref="LinkedInSettings.AccessToken"/>): without them the plugin is still active and imports connections, its
/// health names what Lead Gen lacks, the hook answers 503 saying so, and nothing is polled.
/// </summary>
public sealed class LinkedInPlugin : ITandemPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        services.AddPluginSettings<LinkedInSettings>();
        services.AddSingleton(_ => new HttpClient { Timeout = TimeSpan.FromSeconds(15) });
        services.AddSingleton<LeadSyncApi>();
        services.AddSingleton<LeadIntake>();
        services.AddSingleton<ILeadSource, LeadFormsPolling>();
        services.AddSingleton<IWebhookHandler, LeadsWebhook>();
        services.AddSingleton<IApiEndpointHandler, ConnectionsImport>();
        services.AddSingleton<IPluginHealthCheck, LeadGenHealth>();
    }
}

/// <summary>Settings under <c>Tandem:Plugins:linkedin</c>.</summary>
public sealed class LinkedInSettings : IPluginSettings
{
    /// <summary>The LinkedIn app's client secret: signs pushes and challenge answers. A secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>An OAuth access token with the lead sync permission, to fetch responses and forms. A secret.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The sponsored (ad) account whose leads are polled, as a number (<c>1234567</c>); no polling when empty.</summary>
    public string? SponsoredAccount { get; set; }

    /// <summary>The API's address (a test fake can stand in).</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.linkedin.com");

    /// <summary>The <c>LinkedIn-Version</c> header (YYYYMM).</summary>
    public string ApiVersion { get; set; } = "202511";

    /// <summary>Minutes between two polls.</summary>
    public int PollMinutes { get; set; } = 15;

    /// <summary>The lead kind given to form leads (LinkedIn audiences are professionals).</summary>
    public string Kind { get; set; } = "professional";

    /// <summary>What Lead Gen Forms (the hook and the polling) lack; empty: they can run. The connections import needs none of it.</summary>
    public IEnumerable<string> LeadGenProblems()
    {
        if (string.IsNullOrWhiteSpace(ClientSecret)) yield return "ClientSecret is required (the LinkedIn app's client secret; it signs lead notifications).";
        if (string.IsNullOrWhiteSpace(AccessToken)) yield return "AccessToken is required (an access token with lead sync access, to fetch form responses).";
    }

    /// <summary>The reason Lead Gen Forms are off, or null when they are configured.</summary>
    public string? LeadGenOff() => LeadGenProblems().ToList() is { Count: > 0 } problems ? "Lead Gen Forms are off: " + string.Join(" ", problems) : null;

    /// <inheritdoc />
    /// <remarks>Only what would break the whole plugin: the Lead Gen secrets are checked by <see cref="LeadGenProblems"/>.</remarks>
    public IEnumerable<string> Validate()
    {
        if (ApiBaseUrl is not { IsAbsoluteUri: true } || ApiBaseUrl.Scheme is not ("http" or "https")) yield return "ApiBaseUrl must be an absolute http(s) URL.";
        if (!string.IsNullOrEmpty(SponsoredAccount) && !SponsoredAccount.All(char.IsAsciiDigit)) yield return "SponsoredAccount must be the account's number.";
        if (PollMinutes is < 1 or > 1440) yield return "PollMinutes must be between 1 and 1440.";
        if (Kind is not ("professional" or "consumer")) yield return "Kind must be professional or consumer.";
    }
}

/// <summary>Lead Gen Forms' configuration as the plugin's health: unhealthy, naming the missing settings, while they are off.</summary>
internal sealed class LeadGenHealth(LinkedInSettings settings) : IPluginHealthCheck
{
    public ValueTask<PluginHealth> CheckAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(settings.LeadGenOff() is { } off
            ? new PluginHealth { Healthy = false, Detail = off + " (Connections.csv import works.)" }
            : new PluginHealth { Healthy = true });
}
