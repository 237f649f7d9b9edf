using ArchUnitNET.xUnit;
using Xunit;
using static Tandem.Architecture.Tests.ArchitectureRules;

namespace Tandem.Architecture.Tests;

/// <summary>Rule 2 and the second half of rule 6: Contracts depend on Mediator.Abstractions and the BCL only, and
/// their types are sealed records.</summary>
public sealed class ContractsTests
{
    public static TheoryData<string> Modules() => [.. TandemSystem.Modules];

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_depend_only_on_mediator_abstractions_and_the_bcl(string module) =>
        ContractsDependOnlyOnMediatorAbstractionsAndTheBcl(module).Check(Architectures.Real);

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_types_are_sealed_records(string module) =>
        ContractsAreSealedRecords(module).Check(Architectures.Real);

    [Fact]
    public void Contracts_carrying_shared_ef_core_or_another_modules_contract_types_break_the_dependency_rule() =>
        Assert.Equal(
            ["Tandem.Modules.Rogue.Contracts.ForwardedCapture", "Tandem.Modules.Rogue.Contracts.LeakyRogueDto"],
            ContractsDependOnlyOnMediatorAbstractionsAndTheBcl("Rogue").FixtureViolations());

    [Fact]
    public void A_contract_class_that_is_not_a_sealed_record_breaks_the_sealed_record_rule() =>
        Assert.Equal(["Tandem.Modules.Rogue.Contracts.MutableRogueDto"], ContractsAreSealedRecords("Rogue").FixtureViolations());
}
