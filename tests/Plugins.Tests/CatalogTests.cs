using Tandem.Host.Plugins;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>Loading real plugin builds from disk: every plugin gets a status and a reason, and none stops the host.</summary>
public sealed class CatalogTests
{
    [Fact]
    public async Task A_good_plugin_is_active_with_its_capabilities()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = PluginHost.Start(folder);

        var plugin = Assert.Single(host.Catalog.Plugins);
        Assert.Equal(("good", "Fixture: Good", "0.1.0", PluginStatus.Active, (string?)null),
            (plugin.Id, plugin.Name, plugin.Version, plugin.Status, plugin.Reason));
        Assert.Equal(["leadSource", "channel:fixture-email", "webhook:echo"], plugin.Capabilities);
        Assert.Equal(["good-source"], plugin.LeadSources);
    }

    [Fact]
    public async Task A_plugin_gets_its_own_data_directory_configuration_section_and_the_host_clock()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = PluginHost.Start(folder, new Dictionary<string, string?> { ["Tandem:Plugins:good:Greeting"] = "bonjour" });

        var answer = await WebhookCalls.CallAsync(host, "good", "echo");

        Assert.Equal(200, answer.Status);
        Assert.Equal("good", answer.Json.GetProperty("pluginId").GetString());
        Assert.Equal("bonjour", answer.Json.GetProperty("greeting").GetString());
        Assert.Equal(Path.Combine(folder.Data, "plugins", "good"), answer.Json.GetProperty("dataDirectory").GetString());
        Assert.True(answer.Json.GetProperty("dataDirectoryExists").GetBoolean());
        Assert.Equal(TestSettings.Start, answer.Json.GetProperty("now").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_plugin_throwing_in_ConfigureServices_is_failed_with_the_exception_and_the_others_still_load()
    {
        using var folder = new PluginFolder().With(Built.ThrowsOnConfigure).With(Built.Good);
        await using var host = PluginHost.Start(folder);

        var broken = host.Plugin("throws-on-configure");
        Assert.Equal(PluginStatus.Failed, broken.Status);
        Assert.Equal("InvalidOperationException: Tandem:Plugins:throws-on-configure:ApiKey is required.", broken.Reason);
        Assert.Empty(broken.Capabilities);
        Assert.Equal(PluginStatus.Active, host.Plugin("good").Status);
        Assert.Equal(200, (await WebhookCalls.CallAsync(host, "good", "echo")).Status);
    }

    [Fact]
    public async Task A_plugin_whose_types_cannot_load_because_a_dependency_is_missing_is_failed_at_start()
    {
        using var folder = new PluginFolder().With(Built.MissingDependency).With(Built.Good);
        await using var host = PluginHost.Start(folder);

        var broken = host.Plugin("missing-dependency");
        Assert.Equal(PluginStatus.Failed, broken.Status);
        Assert.StartsWith("ReflectionTypeLoadException: ", broken.Reason);
        Assert.Contains("Tandem.Fixtures.Libraries.Unshipped", broken.Reason);
        Assert.Equal(PluginStatus.Active, host.Plugin("good").Status);
    }

    [Fact]
    public async Task A_plugin_built_for_another_major_version_of_the_abstractions_is_incompatible_and_not_loaded()
    {
        using var folder = new PluginFolder().With(Built.Good, manifest: m => m.Replace("\"^1.0\"", "\"^2.0\""));
        await using var host = PluginHost.Start(folder);

        var plugin = host.Plugin("good");
        Assert.Equal(PluginStatus.Incompatible, plugin.Status);
        Assert.Equal("Built for Plugins.Abstractions ^2.0, but this host provides 1.3.0.", plugin.Reason);
        Assert.Null(plugin.Assembly);
    }

    [Theory]
    [InlineData("^1.0")]
    [InlineData(">=1.0.0 <2.0.0")]
    [InlineData("1.x")]
    [InlineData("~1.3.0")]
    public async Task Abstractions_ranges_that_include_this_host_s_version_load(string range)
    {
        using var folder = new PluginFolder().With(Built.Good, manifest: m => m.Replace("\"^1.0\"", $"\"{range}\""));
        await using var host = PluginHost.Start(folder);

        Assert.Equal(PluginStatus.Active, host.Plugin("good").Status);
    }

    [Fact]
    public async Task A_plugin_switched_off_in_configuration_is_disabled_and_not_loaded()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = PluginHost.Start(folder, new Dictionary<string, string?> { ["Tandem:Plugins:good:Enabled"] = "false" });

        var plugin = host.Plugin("good");
        Assert.Equal(PluginStatus.Disabled, plugin.Status);
        Assert.Equal("Switched off by Tandem:Plugins:good:Enabled=false.", plugin.Reason);
        Assert.Null(plugin.Assembly);
        Assert.Null(host.Catalog.FindChannel("fixture-email"));
    }

    [Fact]
    public async Task An_Enabled_setting_that_is_not_a_boolean_fails_the_plugin_with_a_clear_reason()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = PluginHost.Start(folder, new Dictionary<string, string?> { ["Tandem:Plugins:good:Enabled"] = "nope" });

        Assert.Equal((PluginStatus.Failed, "Tandem:Plugins:good:Enabled is 'nope'; it must be true or false."),
            (host.Plugin("good").Status, host.Plugin("good").Reason));
    }

    [Theory]
    [InlineData("{ not json", "plugin.json is not valid JSON: ")]
    [InlineData("""{"name":"X","version":"1.0.0","abstractions":"^1.0","entryAssembly":"X.dll"}""", "plugin.json: 'id' is missing.")]
    [InlineData("""{"id":"broken","name":"X","version":"one","abstractions":"^1.0","entryAssembly":"X.dll"}""", "plugin.json: version 'one' is not a semantic version such as 1.0.0.")]
    public async Task A_bad_manifest_fails_the_plugin_under_its_folder_name_with_the_reason(string manifest, string reason)
    {
        using var folder = new PluginFolder().WithManifestOnly("broken", manifest).With(Built.Good);
        await using var host = PluginHost.Start(folder);

        var plugin = host.Plugin("broken");
        Assert.Equal(PluginStatus.Failed, plugin.Status);
        Assert.StartsWith(reason, plugin.Reason);
        Assert.Equal(PluginStatus.Active, host.Plugin("good").Status);
    }

    [Fact]
    public async Task A_manifest_naming_an_entry_assembly_that_is_not_there_fails_the_plugin()
    {
        using var folder = new PluginFolder().With(Built.Good, manifest: m => m.Replace("Tandem.Fixtures.Plugins.Good.dll", "Elsewhere.dll"));
        await using var host = PluginHost.Start(folder);

        var plugin = host.Plugin("good");
        Assert.Equal(PluginStatus.Failed, plugin.Status);
        Assert.StartsWith("The entry assembly Elsewhere.dll named in plugin.json is not in ", plugin.Reason);
    }

    [Fact]
    public async Task A_manifest_pointing_at_a_file_that_is_not_a_dotnet_assembly_fails_the_plugin()
    {
        using var folder = new PluginFolder().With(Built.Good, manifest: m => m.Replace("Tandem.Fixtures.Plugins.Good.dll", "Broken.dll"));
        File.WriteAllText(Path.Combine(folder.Plugins, Built.Good, "Broken.dll"), "not an assembly");
        await using var host = PluginHost.Start(folder);

        var plugin = host.Plugin("good");
        Assert.Equal(PluginStatus.Failed, plugin.Status);
        Assert.StartsWith("BadImageFormatException: ", plugin.Reason);
    }

    [Fact]
    public async Task Two_folders_declaring_the_same_id_keep_the_first_and_fail_the_second()
    {
        using var folder = new PluginFolder().With(Built.Good, "a-good").With(Built.Good, "b-good");
        await using var host = PluginHost.Start(folder);

        Assert.Collection(host.Catalog.Plugins,
            first => Assert.Equal(PluginStatus.Active, first.Status),
            second =>
            {
                Assert.Equal(PluginStatus.Failed, second.Status);
                Assert.Equal($"The folder {Path.Combine(folder.Plugins, "a-good")} already holds a plugin with the id 'good'.", second.Reason);
            });
        Assert.Equal(PluginStatus.Active, host.Plugin("good").Status);
    }

    [Fact]
    public async Task A_plugin_needing_the_lead_sink_fails_with_a_clear_reason_when_the_host_has_none()
    {
        using var folder = new PluginFolder().With(Built.Sample);
        await using var host = PluginHost.Start(folder, leadSink: null);

        var plugin = host.Plugin("sample");
        Assert.Equal(PluginStatus.Failed, plugin.Status);
        Assert.Contains("Unable to resolve service for type 'Tandem.Plugins.Abstractions.ILeadSink'", plugin.Reason);
        Assert.EndsWith("(this host provides no ILeadSink: the Leads module is off or not wired to plugins)", plugin.Reason);
    }

    [Fact]
    public async Task The_sample_plugin_is_a_lead_source_with_a_leads_webhook()
    {
        using var folder = new PluginFolder().With(Built.Sample);
        await using var host = PluginHost.Start(folder, leadSink: new RecordingLeadSink());

        Assert.Equal(["leadSource", "webhook:leads"], host.Plugin("sample").Capabilities);
    }

    [Fact]
    public async Task Without_a_plugins_folder_the_host_runs_with_no_plugins()
    {
        using var folder = new PluginFolder();
        Directory.Delete(folder.Plugins);
        await using var host = PluginHost.Start(folder);

        Assert.True(host.Catalog.IsLoaded);
        Assert.Empty(host.Catalog.Plugins);
    }

    [Fact]
    public async Task Loading_twice_loads_once()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = PluginHost.Start(folder);
        var first = host.Catalog.Plugins;

        host.Catalog.LoadAll();

        Assert.Same(first, host.Catalog.Plugins);
    }
}
