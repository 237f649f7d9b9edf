using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace Tandem.Architecture.Tests;

/// <summary>The rules above are only as good as what they are generated from and what they load.</summary>
public sealed class SetupTests
{
    [Fact]
    public void The_module_list_the_rules_are_generated_from_matches_the_module_folders() =>
        Assert.Equal(
            ProjectFileRules.ModulesUnder(Repository.PathOf("src", "Modules")).Select(m => m.Module).Order(),
            TandemSystem.Modules.Order());

    [Fact]
    public void Every_module_assembly_is_loaded_into_the_architecture()
    {
        var loaded = Architectures.Real.Assemblies.Select(a => a.Name.Split(',')[0]).ToHashSet();
        foreach (var module in TandemSystem.Modules)
        {
            Assert.Contains(TandemSystem.ImplementationNamespace(module), loaded);
            Assert.Contains(TandemSystem.ContractsNamespace(module), loaded);
        }
        Assert.Contains(TandemSystem.HostAssembly, loaded);
        Assert.Contains(TandemSystem.SharedAssembly, loaded);
        Assert.Contains(TandemSystem.PluginAbstractionsAssembly, loaded);
    }

    [Fact]
    public void The_architecture_is_checked_on_unoptimised_debug_builds()
    {
        // Release builds can optimise away locals and so hide a dependency from the rules: run `dotnet test` in Debug.
        var optimised = TandemSystem.Assemblies
            .Where(a => a.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true)
            .Select(a => a.GetName().Name).ToList();
        Assert.True(optimised.Count == 0, $"Optimised (Release) builds of {string.Join(", ", optimised)}: run the architecture tests on a Debug build.");
    }

    [Fact]
    public void No_project_in_src_or_plugins_references_the_architecture_fixtures() =>
        Assert.Empty(
            from file in ProjectFileRules.MSBuildFilesUnder(Repository.PathOf("src"), Repository.PathOf("plugins"))
            where File.ReadAllText(file).Contains("Architecture.Fixtures", StringComparison.OrdinalIgnoreCase)
            select file);
}
