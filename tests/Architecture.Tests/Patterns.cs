using System.Text.RegularExpressions;

namespace Tandem.Architecture.Tests;

/// <summary>
/// Anchored regular expressions for ArchUnitNET. <c>ResideInNamespace</c> is an exact match (it silently matches
/// nothing for child namespaces) and <c>ResideInAssembly(string)</c> compares the full display name, so every rule
/// goes through these.
/// </summary>
public static class Patterns
{
    /// <summary>The namespace and everything below it.</summary>
    public static string NamespaceOrBelow(string ns) => $"^{Regex.Escape(ns)}(\\..+)?$";

    /// <summary>Any of the namespaces and everything below them.</summary>
    public static string AnyNamespaceOrBelow(IEnumerable<string> namespaces) =>
        $"^({string.Join("|", namespaces.Select(Regex.Escape))})(\\..+)?$";

    /// <summary>A module's implementation: <c>Tandem.Modules.M</c> and below, except <c>Tandem.Modules.M.Contracts</c> and below.</summary>
    public static string ModuleImplementation(string module) => AnyModuleImplementation([module]);

    public static string AnyModuleImplementation(IEnumerable<string> modules) =>
        $"^Tandem\\.Modules\\.({string.Join("|", modules.Select(Regex.Escape))})(?!\\.Contracts(\\.|$))(\\..+)?$";

    public static string ModuleContracts(string module) => NamespaceOrBelow(TandemSystem.ContractsNamespace(module));

    /// <summary>An assembly by simple name, whether ArchUnitNET holds its simple or its full display name (stubs).</summary>
    public static string Assembly(string name) => AnyAssembly([Regex.Escape(name)]);

    /// <summary>Assemblies whose simple name matches one of the given (already regex) patterns.</summary>
    public static string AnyAssembly(IEnumerable<string> namePatterns) => $"^({string.Join("|", namePatterns)})(,.*)?$";

    /// <summary>The base class library, as simple-name patterns.</summary>
    public static readonly IReadOnlyList<string> BaseClassLibrary =
    [
        @"System(\..+)?", "mscorlib", "netstandard", @"Microsoft\.Win32\..+", @"Microsoft\.CSharp", @"Microsoft\.VisualBasic(\..+)?",
    ];

    /// <summary>The Microsoft.Extensions abstractions the host shares with plugins, as simple-name patterns.</summary>
    public static readonly IReadOnlyList<string> MicrosoftExtensionsAbstractions =
    [
        @"Microsoft\.Extensions\.([A-Za-z]+\.)*Abstractions", @"Microsoft\.Extensions\.Primitives",
    ];
}
