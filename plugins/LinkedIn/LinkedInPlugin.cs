using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.LinkedIn;

/// <summary>
/// LinkedIn Lead Gen Forms as a lead source: push notifications at <c>GET|POST /hooks/linkedin/leads</c> (challenge
/// answer, <c>X-LI-Signature</c> checked), and backfill then polling of the sponsored account's form responses with the
/// cursor kept in the plugin's state. Answers are mapped by <c>predefinedField</c>, never by label. A member's
/// <c>Connections.csv</c> export is imported at <c>POST /api/plugins/linkedin/connections</c>. LinkedIn messaging
/// is never automated: this plugin offers no outbound channel.
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

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ClientSecret)) yield return "ClientSecret is required (the LinkedIn app's client secret; it signs lead notifications).";
        if (string.IsNullOrWhiteSpace(AccessToken)) yield return "AccessToken is required (an access token with lead sync access, to fetch form responses).";
        if (ApiBaseUrl is not { IsAbsoluteUri: true } || ApiBaseUrl.Scheme is not ("http" or "https")) yield return "ApiBaseUrl must be an absolute http(s) URL.";
        if (!string.IsNullOrEmpty(SponsoredAccount) && !SponsoredAccount.All(char.IsAsciiDigit)) yield return "SponsoredAccount must be the account's number.";
        if (PollMinutes is < 1 or > 1440) yield return "PollMinutes must be between 1 and 1440.";
        if (Kind is not ("professional" or "consumer")) yield return "Kind must be professional or consumer.";
    }
}
