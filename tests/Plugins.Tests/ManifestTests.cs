using Tandem.Host.Plugins;
using Xunit;

namespace Tandem.Plugins.Tests;

public sealed class ManifestTests
{
    private const string Valid = """{"id":"linkedin","name":"LinkedIn","version":"1.2.0","abstractions":"^1.0","entryAssembly":"Tandem.Plugins.LinkedIn.dll"}""";

    [Fact]
    public void A_valid_manifest_is_read()
    {
        var manifest = PluginManifest.TryParse(Valid, out var problem);

        Assert.Null(problem);
        Assert.NotNull(manifest);
        Assert.Equal(("linkedin", "LinkedIn", "1.2.0", "^1.0", "Tandem.Plugins.LinkedIn.dll"),
            (manifest.Id, manifest.Name, manifest.Version.ToString(), manifest.AbstractionsText, manifest.EntryAssembly));
        Assert.True(manifest.Abstractions.Contains(PluginCatalog.AbstractionsVersion));
    }

    [Theory]
    [InlineData("[]", "plugin.json must be a JSON object with id, name, version, abstractions and entryAssembly.")]
    [InlineData("""{"id":"x","name":"X","version":"1.0.0","abstractions":"^1.0"}""", "plugin.json: 'entryAssembly' is missing.")]
    [InlineData("""{"id":42,"name":"X","version":"1.0.0","abstractions":"^1.0","entryAssembly":"X.dll"}""", "plugin.json: 'id' must be a non-empty string.")]
    [InlineData("""{"id":"Linked_In","name":"X","version":"1.0.0","abstractions":"^1.0","entryAssembly":"X.dll"}""", "plugin.json: id 'Linked_In' must be lower-case letters, digits and dashes, starting with a letter or digit (it is part of URLs).")]
    [InlineData("""{"id":"directory","name":"X","version":"1.0.0","abstractions":"^1.0","entryAssembly":"X.dll"}""", "plugin.json: id 'directory' is reserved for a host setting (Tandem:Plugins:directory).")]
    [InlineData("""{"id":"x","name":"X","version":"1.0","abstractions":"^1.0","entryAssembly":"X.dll"}""", "plugin.json: version '1.0' is not a semantic version such as 1.0.0.")]
    [InlineData("""{"id":"x","name":"X","version":"1.0.0","abstractions":"one","entryAssembly":"X.dll"}""", "plugin.json: abstractions 'one' is not a version range such as ^1.0 or >=1.2 <2.")]
    [InlineData("""{"id":"x","name":"X","version":"1.0.0","abstractions":"^1.0","entryAssembly":"../host/Tandem.Host.dll"}""", "plugin.json: entryAssembly '../host/Tandem.Host.dll' must be the file name of a .dll inside the plugin's folder.")]
    [InlineData("""{"id":"x","name":"X","version":"1.0.0","abstractions":"^1.0","entryAssembly":"/usr/lib/x.dll"}""", "plugin.json: entryAssembly '/usr/lib/x.dll' must be the file name of a .dll inside the plugin's folder.")]
    [InlineData("""{"id":"x","name":"","version":"1.0.0","abstractions":"^1.0","entryAssembly":"x.exe"}""", "plugin.json: 'name' must be a non-empty string. entryAssembly 'x.exe' must be the file name of a .dll inside the plugin's folder.")]
    public void A_bad_manifest_is_refused_with_every_problem_named(string json, string expected)
    {
        var manifest = PluginManifest.TryParse(json, out var problem);

        Assert.Null(manifest);
        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("^1.0", true)]
    [InlineData("^1.0.0", true)]
    [InlineData("1.x", true)]
    [InlineData(">=0.9 <2", true)]
    [InlineData("^2.0", false)]
    [InlineData("^0.9", false)]
    [InlineData(">1.3.0", false)]
    [InlineData("^1.1", true)]
    [InlineData("^1.2", true)]
    [InlineData("^1.3", true)]
    [InlineData("^1.4", false)]
    public void The_abstractions_range_is_matched_npm_style_against_the_host_s_contract_version(string range, bool compatible)
    {
        var manifest = PluginManifest.TryParse(Valid.Replace("^1.0", range, StringComparison.Ordinal), out _)!;

        Assert.Equal("1.3.0", PluginCatalog.AbstractionsVersion.ToString());
        Assert.Equal(compatible, manifest.Abstractions.Contains(PluginCatalog.AbstractionsVersion));
    }
}
