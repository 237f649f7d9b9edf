using Microsoft.Extensions.DependencyInjection;
using Tandem.Plugins.Abstractions;

namespace Tandem.Fixtures.Plugins.ThrowsOnConfigure;

public sealed class ThrowsOnConfigurePlugin : ITandemPlugin
{
    public void ConfigureServices(IServiceCollection services, IPluginContext context) =>
        throw new InvalidOperationException($"Tandem:Plugins:{context.PluginId}:ApiKey is required.");
}
