using ArchUnitNET.xUnit;
using Xunit;
using static Tandem.Architecture.Tests.ArchitectureRules;

namespace Tandem.Architecture.Tests;

/// <summary>Rule 1: module implementations do not depend on each other; no module depends on the Host.</summary>
public sealed class ModuleBoundaryTests
{
    public static TheoryData<string, string> ModulePairs()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var rule in ModuleImplementationsAreIndependent(TandemSystem.Modules)) pairs.Add(rule.Subject, rule.Target);
        return pairs;
    }

    [Fact]
    public void One_independence_rule_is_generated_for_every_ordered_pair_of_modules() =>
        Assert.Equal(TandemSystem.Modules.Count * (TandemSystem.Modules.Count - 1), ModulePairs().Count);

    [Theory]
    [MemberData(nameof(ModulePairs))]
    public void A_module_implementation_does_not_depend_on_another_modules_implementation(string module, string other) =>
        ModuleDoesNotDependOnImplementationOf(module, other).Check(Architectures.Real);

    [Fact]
    public void No_module_depends_on_the_host() =>
        ModulesDoNotDependOnTheHost(TandemSystem.HostAssembly).Check(Architectures.Real);

    public static TheoryData<string> TandemAssemblies() =>
    [
        .. TandemSystem.Modules.SelectMany(m => new[] { TandemSystem.ImplementationNamespace(m), TandemSystem.ContractsNamespace(m) }),
        TandemSystem.SharedAssembly,
        TandemSystem.PluginAbstractionsAssembly,
    ];

    [Theory]
    [MemberData(nameof(TandemAssemblies))]
    public void Types_live_in_the_namespace_of_their_assembly(string assembly) =>
        TypesLiveInTheNamespaceOfTheirAssembly(assembly).Check(Architectures.Real);

    [Fact]
    public void A_type_disguised_in_the_leads_namespace_inside_another_module_breaks_the_namespace_rule() =>
        Assert.Equal(["Tandem.Modules.Leads.Disguised.LeadsLookalike"],
            TypesLiveInTheNamespaceOfTheirAssembly("Tandem.Modules.Rogue").FixtureViolations());

    [Fact]
    public void Shared_depends_on_no_module() =>
        KernelDependsOnNoModule(TandemSystem.SharedNamespace, TandemSystem.Modules).Check(Architectures.Real);

    [Fact]
    public void A_kernel_type_carrying_a_module_contract_breaks_the_shared_rule() =>
        // Rogue.Contracts plays the kernel here: its ForwardedCapture wraps Leads' CaptureLead.
        Assert.Equal(["Tandem.Modules.Rogue.Contracts.ForwardedCapture"],
            KernelDependsOnNoModule("Tandem.Modules.Rogue.Contracts", TandemSystem.Modules).FixtureViolations());

    [Fact]
    public void A_module_using_the_leads_module_class_breaks_exactly_the_rogue_to_leads_rule()
    {
        var failing = ModuleImplementationsAreIndependent([.. TandemSystem.Modules, "Rogue"])
            .Select(r => (r.Subject, r.Target, Violations: r.Rule.FixtureViolations()))
            .Where(r => r.Violations.Count > 0)
            .ToList();

        var (subject, target, violations) = Assert.Single(failing);
        Assert.Equal(("Rogue", "Leads"), (subject, target));
        Assert.Equal(["Tandem.Modules.Rogue.LeadsBackdoor"], violations);
    }

    [Fact]
    public void A_module_using_a_host_type_breaks_the_no_host_dependency_rule() =>
        Assert.Equal(["Tandem.Modules.Rogue.HostBackdoor"], ModulesDoNotDependOnTheHost(TandemSystem.HostAssembly).FixtureViolations());

    [Fact]
    public void The_web_app_uses_only_module_contracts() =>
        WebUsesOnlyModuleContracts(TandemSystem.WebNamespace, TandemSystem.Modules).Check(Architectures.Real);

    [Fact]
    public void UI_code_reading_a_module_dbcontext_or_implementation_breaks_the_web_rule() =>
        Assert.Equal(["Tandem.Fixtures.RogueWeb.DbContextBackdoor", "Tandem.Fixtures.RogueWeb.ModuleBackdoor"],
            WebUsesOnlyModuleContracts("Tandem.Fixtures.RogueWeb", TandemSystem.Modules).FixtureViolations());
}
