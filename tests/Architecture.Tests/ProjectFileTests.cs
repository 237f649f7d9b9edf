using Xunit;

namespace Tandem.Architecture.Tests;

/// <summary>Rule 8 (and rule 2 on the project files): forbidden project references fail before any type is used.</summary>
public sealed class ProjectFileTests
{
    private static IReadOnlyList<ModuleProjects> RealModules => ProjectFileRules.ModulesUnder(Repository.PathOf("src", "Modules"));

    private static readonly ModuleProjects Rogue = new("Rogue",
        Repository.PathOf("tests", "Architecture.Fixtures", "Rogue", "Tandem.Modules.Rogue.csproj"),
        Repository.PathOf("tests", "Architecture.Fixtures", "Rogue.Contracts", "Tandem.Modules.Rogue.Contracts.csproj"));

    private static IReadOnlyList<ModuleProjects> RealModulesAndRogue => [.. RealModules, Rogue];

    [Fact]
    public void Every_module_folder_has_an_implementation_and_a_contracts_project()
    {
        Assert.NotEmpty(RealModules);
        Assert.All(RealModules, m => Assert.True(File.Exists(m.Implementation) && File.Exists(m.Contracts), $"{m.Module}: {m.Implementation} / {m.Contracts}"));
    }

    [Fact]
    public void No_module_project_references_another_modules_implementation_project() =>
        Assert.Empty(ProjectFileRules.ModuleImplementationReferences(RealModules));

    [Fact]
    public void No_contracts_project_references_a_project_or_a_package_but_mediator_abstractions() =>
        Assert.Empty(ProjectFileRules.ContractsReferences(RealModules));

    // The fixture proofs look at the Rogue projects only: a break in a real module is reported by the tests above.

    [Fact]
    public void A_module_project_referencing_the_leads_implementation_project_is_reported()
    {
        var violation = Assert.Single(ProjectFileRules.ModuleImplementationReferences(RealModulesAndRogue), v => v.Project == Rogue.Implementation);

        Assert.Equal(RealModules.Single(m => m.Module == "Leads").Implementation, violation.Reference);
    }

    [Fact]
    public void A_contracts_project_referencing_shared_and_another_contracts_project_is_reported() =>
        Assert.Equal(
            [Repository.PathOf("src", "Modules", "Leads", "Leads.Contracts", "Tandem.Modules.Leads.Contracts.csproj"),
             Repository.PathOf("src", "Modules", "Shared", "Tandem.Modules.Shared.csproj")],
            ProjectFileRules.ContractsReferences(RealModulesAndRogue).Where(v => v.Project == Rogue.Contracts).Select(v => v.Reference).Order());
}
