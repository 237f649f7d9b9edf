using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Shared.Modules;

public static class ModuleConventions
{
    /// <summary>
    /// Registers a module's validators by convention (Scrutor). Mediator handlers are NOT registered here: the
    /// source generator in the host does that, and registering them twice would run notification handlers twice.
    /// </summary>
    public static IServiceCollection AddModuleConventions(this IServiceCollection services, Assembly implementation) =>
        services.Scan(scan => scan.FromAssemblies(implementation)
            .AddClasses(c => c.AssignableTo(typeof(IValidator<>)), publicOnly: false)
            .AsImplementedInterfaces()
            .WithSingletonLifetime());
}
