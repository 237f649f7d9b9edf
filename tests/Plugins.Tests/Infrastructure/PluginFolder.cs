namespace Tandem.Plugins.Tests.Infrastructure;

/// <summary>The real plugin builds copied by the test project's build into <c>plugins-under-test/</c>.</summary>
internal static class Built
{
    public const string Sample = "Tandem.Plugins.Sample";
    public const string Telephony = "Tandem.Plugins.Telephony";
    public const string LinkedIn = "Tandem.Plugins.LinkedIn";
    public const string Badges = "Tandem.Plugins.Badges";
    public const string Email = "Tandem.Plugins.Email";
    public const string Broken = "Tandem.Samples.BrokenPlugin";
    public const string Good = "Tandem.Fixtures.Plugins.Good";
    public const string Flaky = "Tandem.Fixtures.Plugins.Flaky";
    public const string ThrowsOnConfigure = "Tandem.Fixtures.Plugins.ThrowsOnConfigure";
    public const string MissingDependency = "Tandem.Fixtures.Plugins.MissingDependency";
    public const string JsonOld = "Tandem.Fixtures.Plugins.JsonOld";
    public const string JsonNew = "Tandem.Fixtures.Plugins.JsonNew";

    public static string Folder(string plugin)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "plugins-under-test", plugin);
        return File.Exists(Path.Combine(folder, "plugin.json"))
            ? folder
            : throw new InvalidOperationException($"{plugin} was not built into {folder}: build Tandem.Plugins.Tests (it builds the plugins under test).");
    }
}

/// <summary>A fresh plugins folder (and data folder) on disk, filled with copies of real plugin builds.</summary>
internal sealed class PluginFolder : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "tandem-plugin-tests", Guid.NewGuid().ToString("N"));
    public string Plugins => Path.Combine(Root, "plugins");
    public string Data => Path.Combine(Root, "data");

    public PluginFolder() => Directory.CreateDirectory(Plugins);

    /// <summary>Copies a built plugin into <c>plugins/&lt;folder&gt;/</c>, optionally rewriting its plugin.json.</summary>
    public PluginFolder With(string plugin, string? folder = null, Func<string, string>? manifest = null)
    {
        var source = Built.Folder(plugin);
        var target = Path.Combine(Plugins, folder ?? plugin);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        if (manifest is not null)
        {
            var path = Path.Combine(target, "plugin.json");
            File.WriteAllText(path, manifest(File.ReadAllText(path)));
        }
        return this;
    }

    /// <summary>A plugin folder holding only the given plugin.json text.</summary>
    public PluginFolder WithManifestOnly(string folder, string manifest)
    {
        var target = Path.Combine(Plugins, folder);
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "plugin.json"), manifest);
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
