using System.Reflection;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Architecture.Tests;

/// <summary>The facts the rules are generated from: which modules exist and where the boundaries are.</summary>
public static class TandemSystem
{
    /// <summary>Every module compiled into the host. A test checks this against the folders under src/Modules.</summary>
    public static readonly IReadOnlyList<string> Modules = ["Content", "Leads", "Prospects", "Outreach"];

    public const string HostAssembly = "Tandem.Host";
    public const string WebNamespace = "Tandem.Web";
    public const string GeneratedMediatorNamespace = "Tandem.Host.Mediator";
    public const string PluginAbstractionsNamespace = "Tandem.Plugins.Abstractions";
    public const string PluginAbstractionsAssembly = "Tandem.Plugins.Abstractions";
    public const string SharedAssembly = "Tandem.Modules.Shared";
    public const string SharedNamespace = "Tandem.Modules.Shared";
    public const string ModuleInterface = "Tandem.Modules.Shared.Modules.IModule";

    public static string ImplementationNamespace(string module) => $"Tandem.Modules.{module}";
    public static string ContractsNamespace(string module) => $"Tandem.Modules.{module}.Contracts";

    /// <summary>The real assemblies, anchored by a type each so that a rename breaks the build, not the rules.</summary>
    public static IReadOnlyList<Assembly> Assemblies { get; } =
    [
        typeof(Tandem.Host.Composition.TandemApp).Assembly,
        typeof(IModule).Assembly,
        typeof(Tandem.Plugins.Abstractions.ITandemPlugin).Assembly,
        typeof(Tandem.Modules.Content.ContentModule).Assembly,
        typeof(Tandem.Modules.Content.Contracts.FormSubmitted).Assembly,
        typeof(Tandem.Modules.Leads.LeadsModule).Assembly,
        typeof(Tandem.Modules.Leads.Contracts.CaptureLead).Assembly,
        typeof(Tandem.Modules.Prospects.ProspectsModule).Assembly,
        typeof(Tandem.Modules.Prospects.Contracts.QualifyLead).Assembly,
        typeof(Tandem.Modules.Outreach.OutreachModule).Assembly,
        typeof(Tandem.Modules.Outreach.Contracts.ListTasks).Assembly,
        typeof(Tandem.Web.TandemWeb).Assembly,
    ];
}
