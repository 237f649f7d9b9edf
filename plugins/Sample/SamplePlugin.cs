using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Sample;

/// <summary>
/// A generic webhook lead source: any system that can POST signed JSON (a form builder, a landing-page tool, a
/// partner's CRM) hands leads to Tandem through <c>POST /hooks/sample/leads</c>.
/// </summary>
public sealed class SamplePlugin : ITandemPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IPluginContext context)
    {
        // A missing secret is not a reason to fail the plugin: the webhook refuses every delivery and says why.
        services.AddSingleton(new WebhookSecret(context.PluginId, context.Configuration["Secret"]));
        services.AddSingleton<ILeadSource, WebhookLeadSource>();
        services.AddSingleton<IWebhookHandler, LeadsWebhook>();
    }
}

internal sealed record WebhookSecret(string PluginId, string? Value)
{
    public bool IsConfigured => !string.IsNullOrEmpty(Value);
}

internal sealed class WebhookLeadSource : ILeadSource
{
    public string Name => "generic-webhook";
}
