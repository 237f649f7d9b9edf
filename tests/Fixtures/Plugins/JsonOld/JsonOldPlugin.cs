using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using Tandem.Plugins.Abstractions;

namespace Tandem.Fixtures.Plugins.JsonOld;

/// <summary>Reports which Newtonsoft.Json it runs with (each Json fixture is built against another version).</summary>
public sealed class JsonOldPlugin : ITandemPlugin
{
    public void ConfigureServices(IServiceCollection services, IPluginContext context) =>
        services.AddSingleton<IWebhookHandler, VersionWebhook>();
}

internal sealed class VersionWebhook : IWebhookHandler
{
    public string Name => "version";

    public ValueTask<WebhookResponse> HandleAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        var assembly = typeof(JsonConvert).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        var json = JsonConvert.SerializeObject(new { version, location = assembly.Location });
        return ValueTask.FromResult(new WebhookResponse
        {
            StatusCode = 200,
            ContentType = "application/json",
            Body = System.Text.Encoding.UTF8.GetBytes(json),
        });
    }
}
