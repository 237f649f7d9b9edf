using ArchUnitNET.xUnit;
using Xunit;
using static Tandem.Architecture.Tests.ArchitectureRules;

namespace Tandem.Architecture.Tests;

/// <summary>Rule 6: a module implementation is internal except its module class (an IModule) and its registration class.</summary>
public sealed class VisibilityTests
{
    public static TheoryData<string> Modules() => [.. TandemSystem.Modules];

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_exposes_only_its_module_class_and_its_registration(string module) =>
        ModuleExposesOnlyItsModuleAndRegistrationClasses(module).Check(Architectures.Real);

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_class_implements_IModule(string module) =>
        ModuleClassImplementsIModule(module).Check(Architectures.Real);

    [Fact]
    public void A_module_class_that_is_not_an_IModule_breaks_the_IModule_rule() =>
        Assert.Equal(["Tandem.Modules.Hollow.HollowModule"], ModuleClassImplementsIModule("Hollow").FixtureViolations());

    [Fact]
    public void A_public_helper_in_a_module_breaks_the_visibility_rule() =>
        Assert.Equal(["Tandem.Modules.Rogue.RogueHelper"], ModuleExposesOnlyItsModuleAndRegistrationClasses("Rogue").FixtureViolations());
}
