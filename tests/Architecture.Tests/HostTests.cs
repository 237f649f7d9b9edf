using ArchUnitNET.xUnit;
using Xunit;
using static Tandem.Architecture.Tests.ArchitectureRules;

namespace Tandem.Architecture.Tests;

/// <summary>Rule 7: the Host reaches module internals only through the generated mediator code.</summary>
public sealed class HostTests
{
    [Fact]
    public void Hand_written_host_code_uses_only_the_public_surface_of_modules() =>
        HostUsesOnlyThePublicSurfaceOfModules(TandemSystem.HostAssembly, TandemSystem.GeneratedMediatorNamespace, TandemSystem.Modules)
            .Check(Architectures.Real);

    [Fact]
    public void Host_code_reaching_a_module_internal_breaks_the_rule_while_the_generated_mediator_may()
    {
        var violations = HostUsesOnlyThePublicSurfaceOfModules(
            "Tandem.Fixtures.RogueHost", "Tandem.Fixtures.RogueHost.Mediator", [.. TandemSystem.Modules, "Rogue"]).FixtureViolations();

        Assert.Equal(["Tandem.Fixtures.RogueHost.RogueBackdoor"], violations);
    }

    [Fact]
    public void The_generated_mediator_of_the_rogue_host_does_use_module_internals()
    {
        // Guards the test above: the exemption is only shown to work if the generated code does depend on internals.
        var generated = Architectures.WithFixtures.Types
            .Where(t => t.Assembly.Name.StartsWith("Tandem.Fixtures.RogueHost", StringComparison.Ordinal)
                        && ArchitectureRules.IsGeneratedByMediator(t));
        Assert.Contains(generated.SelectMany(t => t.Dependencies), d => d.Target.FullName == "Tandem.Modules.Rogue.PingRogueHandler");
    }
}
