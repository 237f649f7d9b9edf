using Tandem.Host.Plugins;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

public sealed class ListingTests
{
    [Fact]
    public async Task Plugins_list_prints_one_line_per_plugin_with_status_capabilities_and_reason()
    {
        using var folder = new PluginFolder().With(Built.Good).With(Built.ThrowsOnConfigure);
        await using var host = PluginHost.Start(folder);
        using var output = new StringWriter();

        var exitCode = PluginListing.Run(host.Services, output);

        Assert.Equal(0, exitCode);
        Assert.Equal(
            """
            ID                   VERSION  STATUS  CAPABILITIES                                     REASON
            good                 0.1.0    Active  leadSource, channel:fixture-email, webhook:echo
            throws-on-configure  0.1.0    Failed  -                                                InvalidOperationException: Tandem:Plugins:throws-on-configure:ApiKey is required.

            """.ReplaceLineEndings(), output.ToString());
    }

    [Fact]
    public async Task Plugins_list_says_so_when_there_is_no_plugin()
    {
        using var folder = new PluginFolder();
        await using var host = PluginHost.Start(folder);
        using var output = new StringWriter();

        PluginListing.Run(host.Services, output);

        Assert.Equal("No plugins found." + Environment.NewLine, output.ToString());
    }
}
