using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Conditions;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static Tandem.Architecture.Tests.Patterns;

namespace Tandem.Architecture.Tests;

/// <summary>A plugin assembly and the assemblies it ships privately in its own folder.</summary>
public sealed record PluginAssembly(string Name, string Path, IReadOnlyList<string> PrivateAssemblies);

/// <summary>One generated rule with what it is about (e.g. a pair of modules), to find it again in a test.</summary>
public sealed record NamedRule(string Subject, string Target, IArchRule Rule);

/// <summary>
/// The architecture rules as functions of their parameters: the tests run the same function against the real
/// assemblies (it must hold) and against an architecture that includes the deliberate violators of
/// tests/Architecture.Fixtures (it must fail on exactly the violating types).
/// A rule whose subjects match nothing fails ("requires positive evaluation"): that catches a wrong pattern.
/// </summary>
public static class ArchitectureRules
{
    // ---- 1. module implementations are independent; no module depends on the Host ----

    public static IReadOnlyList<NamedRule> ModuleImplementationsAreIndependent(IReadOnlyList<string> modules) =>
        [.. from module in modules
            from other in modules
            where other != module
            select new NamedRule(module, other, ModuleDoesNotDependOnImplementationOf(module, other))];

    public static IArchRule ModuleDoesNotDependOnImplementationOf(string module, string other) =>
        Types().That().ResideInNamespaceMatching(ModuleImplementation(module))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(ModuleImplementation(other))
            .Because($"modules talk only through Mediator messages: {module} may use {TandemSystem.ContractsNamespace(other)}, " +
                     $"never {other}'s implementation, DbContext or tables (DESIGN rule 1)");

    public static IArchRule ModulesDoNotDependOnTheHost(string hostAssembly) =>
        Types().That().ResideInNamespaceMatching(NamespaceOrBelow("Tandem.Modules"))
            .Should().NotDependOnAny(Types(true).That().ResideInAssemblyMatching(Assembly(hostAssembly))
                .Or().ResideInNamespaceMatching(NamespaceOrBelow(hostAssembly)))
            .Because("the Host composes the modules; a module that reaches back into it makes a cycle and can no longer " +
                     "be built, tested or switched off on its own (DESIGN rules 1 and 5)");

    /// <summary>
    /// The rules select code by namespace, so a type must live where its assembly says: a type declared as
    /// <c>namespace Tandem.Modules.Leads…</c> inside the Prospects assembly would pass for Leads code. Generated code
    /// ([GeneratedCode], e.g. [GeneratedRegex] output) may live elsewhere.
    /// </summary>
    public static IArchRule TypesLiveInTheNamespaceOfTheirAssembly(string assembly) =>
        Types().That().ResideInAssemblyMatching(Assembly(assembly))
            .And().FollowCustomPredicate(t => !HasGeneratedCodeAttribute(t), "are not generated code")
            .Should().ResideInNamespaceMatching(NamespaceOrBelow(assembly))
            .Because("the architecture rules find a module's code by its namespace; code hidden in another module's " +
                     "namespace would escape them");

    /// <summary>Shared is the kernel every module uses: it knows no module (neither implementation nor Contracts).</summary>
    public static IArchRule KernelDependsOnNoModule(string kernelNamespace, IReadOnlyList<string> modules) =>
        Types().That().ResideInNamespaceMatching(NamespaceOrBelow(kernelNamespace))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AnyNamespaceOrBelow(modules.Select(TandemSystem.ImplementationNamespace)))
            .Because("every module references Tandem.Modules.Shared: a dependency of Shared on a module would make every " +
                     "module depend on it (DESIGN layout: Shared holds no domain code)");

    // ---- 2. Contracts depend on Mediator.Abstractions and the BCL only ----

    public static IArchRule ContractsDependOnlyOnMediatorAbstractionsAndTheBcl(string module) =>
        Types().That().ResideInNamespaceMatching(ModuleContracts(module))
            .Should().OnlyDependOnTypesAllowedBy(
                t => Regex.IsMatch(t.Namespace.FullName, ModuleContracts(module)) || IsInAssembly(t, [.. BaseClassLibrary, MediatorAbstractions]),
                $"{TandemSystem.ContractsNamespace(module)}, Mediator.Abstractions (assembly Mediator) and the BCL")
            .Because("every module that talks to another references its Contracts: whatever they depend on (Shared, " +
                     "EF Core, ASP.NET, another module) leaks into all of them (DESIGN rule 9)");

    // ---- 3. Plugins.Abstractions depends on no module, not on Mediator, EF Core or ASP.NET ----

    public static IArchRule PluginAbstractionsDependOnNoModuleMediatorEfCoreOrAspNet(string abstractionsNamespace) =>
        Types().That().ResideInNamespaceMatching(NamespaceOrBelow(abstractionsNamespace))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AnyNamespaceOrBelow(
                ["Tandem.Modules", "Tandem.Host", "Mediator", "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Npgsql"]))
            .Because("Plugins.Abstractions is the stable, versioned contract partners build against: a dependency on a " +
                     "module, Mediator, EF Core or ASP.NET would tie every plugin to the host's internals (DESIGN rule 7)");

    public static IArchRule PluginAbstractionsDependOnlyOnMicrosoftExtensionsAbstractionsAndTheBcl(string abstractionsNamespace) =>
        Types().That().ResideInNamespaceMatching(NamespaceOrBelow(abstractionsNamespace))
            .Should().OnlyDependOnTypesAllowedBy(
                t => Regex.IsMatch(t.Namespace.FullName, NamespaceOrBelow(abstractionsNamespace))
                     || IsInAssembly(t, [.. BaseClassLibrary, .. MicrosoftExtensionsAbstractions]),
                $"{abstractionsNamespace}, the Microsoft.Extensions abstractions and the BCL")
            .Because("the host shares only the Abstractions types and the Microsoft.Extensions abstractions they expose " +
                     "with each plugin's load context (DESIGN rules 6 and 7)");

    // ---- 4. plugins depend only on Plugins.Abstractions, Microsoft.Extensions abstractions, the BCL and their own packages ----

    public static IArchRule PluginDoesNotDependOnTheHostOrAModule(PluginAssembly plugin) =>
        Types().That().ResideInAssemblyMatching(Assembly(plugin.Name))
            .Should().NotDependOnAny(Types(true).That().ResideInNamespaceMatching(AnyNamespaceOrBelow(["Tandem.Host", "Tandem.Modules", "Mediator"]))
                .Or().ResideInAssemblyMatching(AnyAssembly([@"Tandem\.Host", @"Tandem\.Modules\..+", @"Mediator(\..+)?"])))
            .Because("plugins are loaded, never referenced, and see only Plugins.Abstractions; the host adapts what they " +
                     "produce into module messages (DESIGN rule 6)");

    public static IArchRule PluginDependsOnlyOnWhatTheHostSharesOrItShips(PluginAssembly plugin) =>
        Types().That().ResideInAssemblyMatching(Assembly(plugin.Name))
            .Should().OnlyDependOnTypesAllowedBy(
                // plugins/Shared/*.cs are source files compiled into each plugin that links them (Tandem.Plugins.Shared):
                // every copy ships inside its plugin, but ArchUnitNET knows a type by its full name, so it sees one copy.
                t => t.Namespace?.FullName == "Tandem.Plugins.Shared" || IsInAssembly(t,
                [
                    Regex.Escape(plugin.Name), Regex.Escape(TandemSystem.PluginAbstractionsAssembly),
                    .. BaseClassLibrary, .. MicrosoftExtensionsAbstractions, .. plugin.PrivateAssemblies.Select(Regex.Escape),
                ]),
                "Plugins.Abstractions, the Microsoft.Extensions abstractions, the BCL and the assemblies it ships" +
                (plugin.PrivateAssemblies.Count == 0 ? "" : $" ({string.Join(", ", plugin.PrivateAssemblies)})"))
            .Because("a plugin's load context gets Plugins.Abstractions and the Microsoft.Extensions abstractions from the " +
                     "host and everything else from its own folder: any other dependency fails at load time (DESIGN rule 6)");

    // ---- 5. Mediator.SourceGenerator runs in the Host only ----

    public static IArchRule MediatorGeneratedCodeLivesOnlyInTheHost(string hostAssembly) =>
        Types().That().FollowCustomPredicate(IsGeneratedByMediator, "are generated by Mediator.SourceGenerator")
            .Should().ResideInAssemblyMatching(Assembly(hostAssembly))
            .Because("Mediator's source generator runs in the Host only: a second copy makes AddMediator ambiguous and " +
                     "clashes types (DESIGN rule 2, pitfall 2)");

    public static bool HasGeneratedCodeAttribute(IType type) =>
        type.AttributeInstances.Any(a => a.Type.FullName == "System.CodeDom.Compiler.GeneratedCodeAttribute");

    /// <summary>Generated mediator code: marked [GeneratedCode("Mediator.SourceGenerator")], or an IMediator implementation,
    /// or the AddMediator extension.</summary>
    public static bool IsGeneratedByMediator(IType type) =>
        type.AttributeInstances.Any(a => a.Type.FullName == "System.CodeDom.Compiler.GeneratedCodeAttribute"
                                         && a.AttributeArguments.FirstOrDefault()?.Value as string == "Mediator.SourceGenerator")
        || type.ImplementedInterfaces.Any(i => i.FullName == "Mediator.IMediator")
        || type.Members.OfType<MethodMember>().Any(m => m.Name.StartsWith("AddMediator(", StringComparison.Ordinal));

    // ---- 6. module implementations are internal; Contracts are sealed records ----

    public static IArchRule ModuleExposesOnlyItsModuleAndRegistrationClasses(string module) =>
        Types().That().ResideInNamespaceMatching(ModuleImplementation(module)).And().ArePublic()
            .And().FollowCustomPredicate(t => !IsEfCoreMigration(t), "are not EF Core migrations (public as scaffolded)")
            .Should().HaveFullName($"{TandemSystem.ImplementationNamespace(module)}.{module}Module")
            .OrShould().HaveFullName($"{TandemSystem.ImplementationNamespace(module)}.{module}ModuleRegistration")
            .Because("a module's implementation is internal by default: only the module class and its registration are " +
                     "for the Host to use, everything else is reached through Mediator messages (DESIGN rule 2)");

    public static IArchRule ModuleClassImplementsIModule(string module) =>
        Classes().That().HaveFullName($"{TandemSystem.ImplementationNamespace(module)}.{module}Module")
            .Should().ImplementAnyInterfacesThat().HaveFullName(TandemSystem.ModuleInterface)
            .Because("the Host lists its modules as IModule instances (ModuleCatalog) to register, switch on or off and map them");

    public static IArchRule ContractsAreSealedRecords(string module) =>
        Classes().That().ResideInNamespaceMatching(ModuleContracts(module))
            .And().FollowCustomPredicate(c => !(c.IsAbstract == true && c.IsSealed == true), "are not static classes (the named constants of the module's vocabulary)")
            .Should().BeSealed().AndShould().BeRecord()
            .Because("messages cross module boundaries and go through the outbox: they are immutable values with value " +
                     "equality that no other assembly can extend (DESIGN layout: Contracts are sealed records; statuses and " +
                     "outcomes are constants in static classes beside them)");

    public static bool IsEfCoreMigration(IType type) =>
        type is Class c && c.InheritedClasses.Any(b => b.FullName == "Microsoft.EntityFrameworkCore.Migrations.Migration");

    // ---- 7. the Host reaches module internals only through the generated mediator ----

    public static IArchRule HostUsesOnlyThePublicSurfaceOfModules(string hostAssembly, string generatedMediatorNamespace, IReadOnlyList<string> modules) =>
        Types().That().ResideInAssemblyMatching(Assembly(hostAssembly))
            .And().DoNotResideInNamespaceMatching(NamespaceOrBelow(generatedMediatorNamespace))
            .And().FollowCustomPredicate(t => !IsGeneratedByMediator(t), "are not generated by Mediator.SourceGenerator")
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(AnyModuleImplementation(modules)).And().AreNotPublic())
            .Because("modules grant InternalsVisibleTo the Host only for the generated mediator; hand-written host code uses " +
                     "a module's public module class and its messages, nothing internal (DESIGN rules 1 and 2)");

    // ---- 8. the web app is one more client of the Contracts, like the HTTP API ----

    /// <summary>
    /// The UI (src/Web) talks to modules only through their Contracts and the mediator: never a module's implementation,
    /// never a module's DbContext (or any ModuleDbContext), never the host's internals.
    /// </summary>
    public static IArchRule WebUsesOnlyModuleContracts(string webNamespace, IReadOnlyList<string> modules) =>
        Types().That().ResideInNamespaceMatching(NamespaceOrBelow(webNamespace))
            .Should().NotDependOnAny(Types(true).That().ResideInNamespaceMatching(AnyModuleImplementation(modules))
                .Or().AreAssignableTo(typeof(Tandem.Modules.Shared.Persistence.ModuleDbContext))
                .Or().ResideInNamespaceMatching(NamespaceOrBelow(TandemSystem.HostAssembly)))
            .Because("the web app is one more client of the module Contracts through the mediator, exactly like the HTTP " +
                     "endpoints: a page reading a module's DbContext or implementation would bypass its rules and couple the " +
                     "UI to its tables (docs/ui.md)");

    // ---- helpers ----

    /// <summary>
    /// An allow-list condition. ArchUnitNET 0.13.5's own OnlyDependOn is not used: tried on these fixtures, with an
    /// object provider it passed a record implementing a Mediator interface outside the provider, and with
    /// OnlyDependOnTypesThat() it passed interfaces whatever their method signatures use. This one looks at every
    /// dependency and its generic arguments.
    /// </summary>
    public static TypesShouldConjunction OnlyDependOnTypesAllowedBy(this TypesShould should, Func<IType, bool> allowed, string description) =>
        should.FollowCustomCondition(type =>
        {
            var forbidden = DependencyTargets(type).Where(t => !allowed(t)).Select(t => t.FullName).Distinct().Order().ToList();
            return new ConditionResult(type, forbidden.Count == 0, $"does depend on {string.Join(", ", forbidden)}");
        }, $"only depend on {description}");

    /// <summary>Every type a type depends on, including generic arguments (List&lt;DbContext&gt; counts as DbContext).</summary>
    public static IEnumerable<IType> DependencyTargets(IType type) =>
        type.Dependencies.SelectMany(d => new[] { d.Target }.Concat(GenericArgumentTypes(d.TargetGenericArguments)));

    private static IEnumerable<IType> GenericArgumentTypes(IEnumerable<GenericArgument> arguments) =>
        arguments.SelectMany(a => new[] { a.Type }.Concat(GenericArgumentTypes(a.GenericArguments)));

    /// <summary>Whether the type's assembly has a simple name matching one of the (regex) patterns. A generic
    /// parameter has no assembly (those of the compiler's own helpers, such as the inline arrays behind a
    /// <c>params ReadOnlySpan</c> call, appear as dependencies): it depends on nothing and is allowed.</summary>
    public static bool IsInAssembly(IType type, IEnumerable<string> namePatterns) =>
        type.Assembly is null || Regex.IsMatch(type.Assembly.Name, AnyAssembly(namePatterns));

    /// <summary>The Mediator.Abstractions package's assembly is named "Mediator".</summary>
    public const string MediatorAbstractions = "Mediator";
}
