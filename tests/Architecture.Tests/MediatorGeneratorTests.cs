using ArchUnitNET.xUnit;
using Xunit;
using static Tandem.Architecture.Tests.ArchitectureRules;

namespace Tandem.Architecture.Tests;

/// <summary>Rule 5: Mediator.SourceGenerator runs in the Host only (checked on the assemblies and on the project files).</summary>
public sealed class MediatorGeneratorTests
{
    [Fact]
    public void Generated_mediator_code_exists_only_in_the_host_assembly() =>
        MediatorGeneratedCodeLivesOnlyInTheHost(TandemSystem.HostAssembly).Check(Architectures.Real);

    [Fact]
    public void Only_the_host_project_references_mediator_source_generator() =>
        Assert.Empty(ProjectFileRules.MediatorSourceGeneratorReferences(
            ProjectFileRules.MSBuildFilesUnder(Repository.PathOf("src"), Repository.PathOf("plugins"))
                .Concat(ProjectFileRules.RootMSBuildFiles(Repository.Root)),
            allowedProject: Repository.PathOf("src", "Host", "Tandem.Host.csproj")));

    [Fact]
    public void An_assembly_running_the_generator_outside_the_host_breaks_the_generated_code_rule()
    {
        var violations = MediatorGeneratedCodeLivesOnlyInTheHost(TandemSystem.HostAssembly).FixtureViolations();

        Assert.Contains("Tandem.Fixtures.RogueHost.Mediator.Mediator", violations);
        Assert.Contains("Microsoft.Extensions.DependencyInjection.MediatorDependencyInjectionExtensions", violations);
        Assert.Contains("Mediator.MediatorOptions", violations);
        // Only generated code is flagged, not the hand-written types of that assembly.
        Assert.DoesNotContain("Tandem.Fixtures.RogueHost.RogueComposition", violations);
        Assert.DoesNotContain("Tandem.Fixtures.RogueHost.RogueBackdoor", violations);
    }

    [Fact]
    public void A_project_outside_the_host_referencing_the_generator_breaks_the_project_file_rule() =>
        Assert.Equal(
            [Repository.PathOf("tests", "Architecture.Fixtures", "Rogue.Host", "Tandem.Fixtures.RogueHost.csproj")],
            ProjectFileRules.MediatorSourceGeneratorReferences(
                ProjectFileRules.MSBuildFilesUnder(Repository.PathOf("tests", "Architecture.Fixtures")),
                allowedProject: Repository.PathOf("src", "Host", "Tandem.Host.csproj")).Select(v => v.Project));
}
