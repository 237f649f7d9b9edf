using Tandem.Host.Plugins;
using Tandem.Web.Platform;

namespace Tandem.Host.Composition;

/// <summary>The admin page's view of the modules and plugins (the web app never reads the host's internals).</summary>
internal sealed class WebPlatformStatus(ModuleCatalog modules, PluginCatalog plugins) : IPlatformStatus
{
    public IReadOnlyList<ModuleStatus> Modules() =>
        ModuleCatalog.All.Select(m => new ModuleStatus(m.Name, modules.IsEnabled(m.Name), m.Requires)).ToList();

    public IReadOnlyList<PluginSummary> Plugins() =>
        plugins.Plugins.Select(p => new PluginSummary(p.Id, p.Version, p.Status.ToString(), p.Reason)).ToList();
}
