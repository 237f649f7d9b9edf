using Microsoft.Extensions.DependencyInjection;
using Tandem.Fixtures.Libraries.Unshipped;
using Tandem.Plugins.Abstractions;

namespace Tandem.Fixtures.Plugins.MissingDependency;

public sealed class MissingDependencyPlugin : ITandemPlugin
{
    public void ConfigureServices(IServiceCollection services, IPluginContext context) =>
        services.AddSingleton<ILeadSource, Source>();
}

/// <summary>Its base class lives in an assembly that is not shipped with the plugin.</summary>
internal sealed class Source : UnshippedBase, ILeadSource;
