using System.Reflection;
using Newtonsoft.Json;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>Each plugin runs with its own dependencies; only the contract is shared with the host.</summary>
public sealed class IsolationTests
{
    [Fact]
    public async Task Two_plugins_depending_on_different_versions_of_one_package_each_get_their_own()
    {
        // The host itself runs with yet another version, so a plugin falling back to the host's copy would show it.
        Assert.Equal("13.0.4", InformationalVersion(typeof(JsonConvert).Assembly));
        using var folder = new PluginFolder().With(Built.JsonOld).With(Built.JsonNew);
        await using var host = PluginHost.Start(folder);

        var old = await WebhookCalls.CallAsync(host, "json-old", "version");
        var @new = await WebhookCalls.CallAsync(host, "json-new", "version");

        Assert.Equal("13.0.1", old.Json.GetProperty("version").GetString());
        Assert.Equal("13.0.3", @new.Json.GetProperty("version").GetString());
        Assert.StartsWith(Path.Combine(folder.Plugins, Built.JsonOld), old.Json.GetProperty("location").GetString());
        Assert.StartsWith(Path.Combine(folder.Plugins, Built.JsonNew), @new.Json.GetProperty("location").GetString());
    }

    [Fact]
    public async Task Each_plugin_has_its_own_load_context_but_shares_the_host_s_contract_assembly()
    {
        using var folder = new PluginFolder().With(Built.JsonOld).With(Built.Good);
        await using var host = PluginHost.Start(folder);
        var good = host.Plugin("good").Assembly!;
        var old = host.Plugin("json-old").Assembly!;

        var goodContext = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(good);
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, goodContext);
        Assert.NotSame(goodContext, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(old));
        var contract = good.GetType("Tandem.Fixtures.Plugins.Good.GoodPlugin")!.GetInterfaces().Single();
        Assert.Same(typeof(ITandemPlugin), contract);
    }

    [Fact]
    public void The_host_shares_the_contract_and_the_Microsoft_Extensions_abstractions_only()
    {
        var shared = PluginCatalog.SharedTypes.Select(t => t.Assembly.GetName().Name).Distinct().Order().ToList();

        Assert.Equal(
        [
            "Microsoft.Extensions.Configuration.Abstractions",
            "Microsoft.Extensions.DependencyInjection.Abstractions",
            "Microsoft.Extensions.Http",
            "Microsoft.Extensions.Logging.Abstractions",
            "Microsoft.Extensions.Options",
            "Tandem.Plugins.Abstractions",
        ], shared);
    }

    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
}
