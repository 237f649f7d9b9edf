using System.Xml.Linq;

namespace Tandem.Architecture.Tests;

/// <summary>A module's two projects.</summary>
public sealed record ModuleProjects(string Module, string Implementation, string Contracts);

/// <summary>One reference a rule forbids.</summary>
public sealed record ProjectViolation(string Project, string Reference, string Reason)
{
    public override string ToString() => $"{Project}: {Reference} ({Reason})";
}

/// <summary>
/// Rules on the project files themselves (no compiled type needed): they catch a forbidden reference the moment it is
/// added, before any type is used, and things ArchUnitNET cannot see (an analyzer package).
/// </summary>
public static class ProjectFileRules
{
    /// <summary>The modules under src/Modules/&lt;M&gt;/{&lt;M&gt;,&lt;M&gt;.Contracts}/ (Shared is not a module).</summary>
    public static IReadOnlyList<ModuleProjects> ModulesUnder(string modulesFolder) =>
        [.. Directory.EnumerateDirectories(modulesFolder)
            .Select(Path.GetFileName).OfType<string>()
            .Where(m => m != "Shared")
            .Order(StringComparer.Ordinal)
            .Select(m => new ModuleProjects(m,
                Path.Combine(modulesFolder, m, m, $"Tandem.Modules.{m}.csproj"),
                Path.Combine(modulesFolder, m, $"{m}.Contracts", $"Tandem.Modules.{m}.Contracts.csproj")))];

    /// <summary>Rule 8: no module's implementation project references another module's implementation project.</summary>
    public static IReadOnlyList<ProjectViolation> ModuleImplementationReferences(IReadOnlyList<ModuleProjects> modules)
    {
        var violations = new List<ProjectViolation>();
        foreach (var module in modules)
            foreach (var reference in ProjectReferences(module.Implementation))
                foreach (var other in modules.Where(o => o.Module != module.Module && IsSameProject(reference, o.Implementation)))
                    violations.Add(new ProjectViolation(module.Implementation, reference,
                        $"{module.Module} references {other.Module}'s implementation; use {other.Module}.Contracts messages"));
        return violations;
    }

    /// <summary>Rule 2 on the project files: a Contracts project references no project and no package but
    /// Mediator.Abstractions (build-only packages with PrivateAssets=all, such as analyzers, are fine).</summary>
    public static IReadOnlyList<ProjectViolation> ContractsReferences(IReadOnlyList<ModuleProjects> modules)
    {
        var violations = new List<ProjectViolation>();
        foreach (var module in modules)
        {
            var project = Load(module.Contracts);
            foreach (var reference in ProjectReferences(module.Contracts))
                violations.Add(new ProjectViolation(module.Contracts, reference, "Contracts reference no project"));
            foreach (var item in Items(project, "FrameworkReference"))
                violations.Add(new ProjectViolation(module.Contracts, Include(item), "Contracts use the base class library only"));
            foreach (var item in Items(project, "PackageReference").Where(p => Include(p) != "Mediator.Abstractions" && !IsBuildOnly(p)))
                violations.Add(new ProjectViolation(module.Contracts, Include(item), "Contracts depend on Mediator.Abstractions only"));
        }
        return violations;
    }

    /// <summary>Rule 5 on the project files: no MSBuild file but the allowed project brings in Mediator.SourceGenerator.</summary>
    public static IReadOnlyList<ProjectViolation> MediatorSourceGeneratorReferences(IEnumerable<string> msbuildFiles, string allowedProject) =>
        [.. from file in msbuildFiles
            where !IsSameProject(file, allowedProject)
            from item in Load(file).Descendants()
            where item.Name.LocalName is "PackageReference" or "GlobalPackageReference" or "Analyzer"
            let reference = Include(item)
            where reference.Contains("Mediator.SourceGenerator", StringComparison.OrdinalIgnoreCase)
            select new ProjectViolation(Path.GetFullPath(file), reference, "Mediator.SourceGenerator runs in the Host only")];

    /// <summary>Every *.csproj, *.props and *.targets under the folders, outside bin/ and obj/.</summary>
    public static IEnumerable<string> MSBuildFilesUnder(params string[] folders) =>
        from folder in folders
        from file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        where Path.GetExtension(file) is ".csproj" or ".props" or ".targets"
        let parts = Path.GetRelativePath(folder, file).Split(Path.DirectorySeparatorChar)
        where !parts.Contains("bin") && !parts.Contains("obj")
        select Path.GetFullPath(file);

    /// <summary>The repository-wide MSBuild files that every project imports (Directory.Packages.props only sets versions).</summary>
    public static IEnumerable<string> RootMSBuildFiles(string root) =>
        new[] { "Directory.Build.props", "Directory.Build.targets" }.Select(f => Path.Combine(root, f)).Where(File.Exists);

    /// <summary>The ProjectReference items of a project, as full paths (file names when the path has MSBuild properties).</summary>
    public static IReadOnlyList<string> ProjectReferences(string project) =>
        [.. Items(Load(project), "ProjectReference").Select(Include).Where(i => i.Length > 0)
            .Select(i => i.Contains("$(") ? i : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, i.Replace('\\', Path.DirectorySeparatorChar))))];

    private static bool IsSameProject(string reference, string project) =>
        string.Equals(Path.GetFullPath(reference), Path.GetFullPath(project), StringComparison.Ordinal)
        || string.Equals(Path.GetFileName(reference.Replace('\\', '/')), Path.GetFileName(project), StringComparison.OrdinalIgnoreCase);

    private static XDocument Load(string file) => XDocument.Load(file);

    private static IEnumerable<XElement> Items(XDocument project, string name) => project.Descendants().Where(e => e.Name.LocalName == name);

    private static string Include(XElement item) => (string?)item.Attribute("Include") ?? (string?)item.Attribute("Update") ?? "";

    private static bool IsBuildOnly(XElement package) =>
        string.Equals((string?)package.Attribute("PrivateAssets") ?? package.Elements().FirstOrDefault(e => e.Name.LocalName == "PrivateAssets")?.Value,
            "all", StringComparison.OrdinalIgnoreCase);
}
