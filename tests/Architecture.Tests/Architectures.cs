using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;

namespace Tandem.Architecture.Tests;

using Architecture = ArchUnitNET.Domain.Architecture;

/// <summary>The architectures under test, each loaded once (ArchUnitNET loading takes seconds).</summary>
public static class Architectures
{
    private static readonly Lazy<IReadOnlyList<(string Kind, string Path)>> ByPath = new(ReadAssemblyList);
    private static readonly Lazy<Architecture> RealArchitecture = new(() => Load(includeFixtures: false));
    private static readonly Lazy<Architecture> FixtureArchitecture = new(() => Load(includeFixtures: true));

    /// <summary>The real assemblies: Host, Shared, Plugins.Abstractions, every module's two assemblies, every bundled plugin.</summary>
    public static Architecture Real => RealArchitecture.Value;

    /// <summary>The real assemblies plus the deliberate violators of tests/Architecture.Fixtures.</summary>
    public static Architecture WithFixtures => FixtureArchitecture.Value;

    /// <summary>Every assembly built from plugins/*, with what it ships beside itself.</summary>
    public static IReadOnlyList<PluginAssembly> Plugins => [.. ByPath.Value.Where(a => a.Kind == "plugin").Select(a => Plugin(a.Path))];

    public static PluginAssembly FixturePlugin(string name) =>
        Plugin(ByPath.Value.Single(a => a.Kind == "fixture" && Path.GetFileNameWithoutExtension(a.Path) == name).Path);

    public static IReadOnlyList<string> FixtureAssemblyNames =>
        [.. ByPath.Value.Where(a => a.Kind == "fixture").Select(a => Path.GetFileNameWithoutExtension(a.Path))];

    private static PluginAssembly Plugin(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var shipped = Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*.dll", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(n => n != name).Distinct().Order().ToList();
        return new PluginAssembly(name, path, shipped);
    }

    private static Architecture Load(bool includeFixtures)
    {
        var loader = new ArchLoader().LoadAssemblies([.. TandemSystem.Assemblies]);
        foreach (var (kind, path) in ByPath.Value.Where(a => a.Kind == "plugin" || includeFixtures))
            loader = loader.LoadFilteredDirectory(Path.GetDirectoryName(path)!, Path.GetFileName(path), SearchOption.TopDirectoryOnly);
        return loader.Build();
    }

    private static IReadOnlyList<(string Kind, string Path)> ReadAssemblyList()
    {
        var list = Path.Combine(AppContext.BaseDirectory, "architecture-assemblies.txt");
        if (!File.Exists(list))
            throw new InvalidOperationException($"{list} is missing: build Tandem.Architecture.Tests with MSBuild (it lists the plugins and fixtures to load).");
        var entries = File.ReadAllLines(list).Where(l => l.Length > 0).Select(l => l.Split('|', 2)).Select(p => (p[0], p[1])).ToList();
        foreach (var (_, path) in entries)
            if (!File.Exists(path)) throw new InvalidOperationException($"{path} (listed in {list}) does not exist: rebuild.");
        return entries;
    }
}

public static class RuleResults
{
    /// <summary>The full names of the types a rule fails on, or a description when it fails on no type (e.g. no subjects).</summary>
    public static IReadOnlyList<string> Violations(this IArchRule rule, Architecture architecture) =>
        [.. rule.Evaluate(architecture).Where(r => !r.Passed)
            .Select(r => r.EvaluatedObject is IType t ? t.FullName : $"(no type) {r.Description}")
            .Distinct().Order()];

    /// <summary>The violations in the fixture assemblies only (the real ones are checked by the real-assembly tests).</summary>
    public static IReadOnlyList<string> FixtureViolations(this IArchRule rule)
    {
        var fixtures = Architectures.FixtureAssemblyNames.ToHashSet();
        return [.. rule.Evaluate(Architectures.WithFixtures).Where(r => !r.Passed)
            .Select(r => r.EvaluatedObject as IType)
            .Where(t => t is not null && fixtures.Contains(t.Assembly.Name.Split(',')[0]))
            .Select(t => t!.FullName).Distinct().Order()];
    }
}

public static class Repository
{
    /// <summary>The folder holding Platform.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.GetFullPath(Path.Combine([Root, .. parts]));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }
}
