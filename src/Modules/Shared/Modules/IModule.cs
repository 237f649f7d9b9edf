using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Modules.Shared.Modules;

/// <summary>
/// A bounded-context module compiled into the host. The host lists its modules explicitly
/// (no reflection-based discovery) and switches them on or off per customer.
/// </summary>
public interface IModule
{
    /// <summary>Name as used in configuration (<c>Tandem:Modules:&lt;Name&gt;:Enabled</c>) and in URLs (lower case).</summary>
    string Name { get; }

    /// <summary>Modules this one cannot work without; the host refuses to start when one of them is off.</summary>
    IReadOnlyList<string> Requires { get; }

    /// <summary>The assembly holding the module's public messages.</summary>
    Assembly ContractsAssembly { get; }

    /// <summary>The assembly holding the module's implementation (handlers, endpoints, data).</summary>
    Assembly ImplementationAssembly { get; }

    /// <summary>Registers the module's services. Called whether or not the module is enabled, so that the
    /// source-generated mediator can construct every handler; nothing here may touch the database.</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the module's authenticated endpoints on <paramref name="api"/> (already under
    /// <c>/api/&lt;module&gt;</c>) and its public ones on <paramref name="root"/>. Only called when enabled.</summary>
    void MapEndpoints(IEndpointRouteBuilder api, IEndpointRouteBuilder root);
}

/// <summary>What the host knows at run time about which modules are on.</summary>
public interface IModuleState
{
    /// <summary>True when the module is enabled for this deployment.</summary>
    bool IsEnabled(string module);

    /// <summary>The module that owns a type (by its Contracts or implementation assembly), or null for host and plugin types.</summary>
    string? ModuleOf(Type type);
}
