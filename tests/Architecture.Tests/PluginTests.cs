using ArchUnitNET.xUnit;
using Xunit;
using static Tandem.Architecture.Tests.ArchitectureRules;

namespace Tandem.Architecture.Tests;

/// <summary>Rules 3 and 4: Plugins.Abstractions depends on no module, Mediator, EF Core or ASP.NET; plugins depend
/// only on Plugins.Abstractions, the Microsoft.Extensions abstractions, the BCL and what they ship themselves.</summary>
public sealed class PluginTests
{
    private const string RogueAbstractions = "Tandem.Fixtures.RogueAbstractions";

    public static TheoryData<string> Plugins() => [.. Architectures.Plugins.Select(p => p.Name)];

    private static PluginAssembly Plugin(string name) => Architectures.Plugins.Single(p => p.Name == name);

    [Fact]
    public void Every_project_under_plugins_is_checked()
    {
        var projects = Directory.EnumerateFiles(Repository.PathOf("plugins"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(p => Path.GetFileNameWithoutExtension(p)).Order().ToList();
        Assert.NotEmpty(projects);
        Assert.Equal(projects, Architectures.Plugins.Select(p => p.Name).Order().ToList());
    }

    [Fact]
    public void Plugin_abstractions_depend_on_no_module_mediator_ef_core_or_asp_net() =>
        PluginAbstractionsDependOnNoModuleMediatorEfCoreOrAspNet(TandemSystem.PluginAbstractionsNamespace).Check(Architectures.Real);

    [Fact]
    public void Plugin_abstractions_depend_only_on_microsoft_extensions_abstractions_and_the_bcl() =>
        PluginAbstractionsDependOnlyOnMicrosoftExtensionsAbstractionsAndTheBcl(TandemSystem.PluginAbstractionsNamespace).Check(Architectures.Real);

    [Theory]
    [MemberData(nameof(Plugins))]
    public void A_plugin_does_not_depend_on_the_host_or_a_module(string plugin) =>
        PluginDoesNotDependOnTheHostOrAModule(Plugin(plugin)).Check(Architectures.Real);

    [Theory]
    [MemberData(nameof(Plugins))]
    public void A_plugin_depends_only_on_what_the_host_shares_or_the_plugin_ships(string plugin) =>
        PluginDependsOnlyOnWhatTheHostSharesOrItShips(Plugin(plugin)).Check(Architectures.Real);

    [Fact]
    public void An_abstractions_assembly_exposing_a_mediator_type_breaks_both_abstractions_rules()
    {
        Assert.Equal([$"{RogueAbstractions}.IRogueLeadSink"], PluginAbstractionsDependOnNoModuleMediatorEfCoreOrAspNet(RogueAbstractions).FixtureViolations());
        Assert.Equal([$"{RogueAbstractions}.IRogueLeadSink"], PluginAbstractionsDependOnlyOnMicrosoftExtensionsAbstractionsAndTheBcl(RogueAbstractions).FixtureViolations());
    }

    [Fact]
    public void A_plugin_using_tandem_modules_shared_breaks_both_plugin_rules_while_its_private_package_is_allowed()
    {
        var rogue = Architectures.FixturePlugin("Tandem.Plugins.Rogue");
        Assert.Contains("Semver", rogue.PrivateAssemblies);

        Assert.Equal(["Tandem.Plugins.Rogue.SharedKernelBackdoor"], PluginDoesNotDependOnTheHostOrAModule(rogue).FixtureViolations());
        Assert.Equal(["Tandem.Plugins.Rogue.SharedKernelBackdoor"], PluginDependsOnlyOnWhatTheHostSharesOrItShips(rogue).FixtureViolations());
    }
}
