using System.Reflection;
using Mediator;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Host.Composition;
using Tandem.Modules.Leads;
using Tandem.Modules.Rogue.Contracts;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Rogue;

/// <summary>Allowed: the module class is one of the two public types of a module.</summary>
public sealed class RogueModule : IModule
{
    public string Name => "Rogue";
    public IReadOnlyList<string> Requires => [];
    public Assembly ContractsAssembly => typeof(PingRogue).Assembly;
    public Assembly ImplementationAssembly => typeof(RogueModule).Assembly;
    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddRogueModule();
    public void MapEndpoints(IEndpointRouteBuilder api, IEndpointRouteBuilder root) { }
}

/// <summary>Allowed: the registration class is the other public type of a module.</summary>
public static class RogueModuleRegistration
{
    public static IServiceCollection AddRogueModule(this IServiceCollection services) => services.AddSingleton<RogueLedger>();
}

/// <summary>VIOLATION: a public type in a module implementation besides the module and its registration.</summary>
public sealed class RogueHelper
{
    public static string Shout(string text) => text.ToUpperInvariant();
}

/// <summary>VIOLATION: a module using another module's implementation (Leads' public module class).</summary>
internal static class LeadsBackdoor
{
    public static IModule Leads() => new LeadsModule();
}

/// <summary>VIOLATION: a module depending on the Host.</summary>
internal static class HostBackdoor
{
    public static Exception Refuse(IReadOnlyList<string> problems) => new ModuleDependencyException(problems);
}

/// <summary>An internal type that only the generated mediator may touch from outside the module.</summary>
internal sealed class RogueLedger
{
    public int Count { get; private set; }
    public void Add() => Count++;
}

/// <summary>A handler for the source generator of Tandem.Fixtures.RogueHost to find.</summary>
internal sealed class PingRogueHandler(RogueLedger ledger) : ICommandHandler<PingRogue, string>
{
    public ValueTask<string> Handle(PingRogue command, CancellationToken cancellationToken)
    {
        ledger.Add();
        return ValueTask.FromResult(command.Text);
    }
}
