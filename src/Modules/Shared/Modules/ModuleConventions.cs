using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Messaging;

namespace Tandem.Modules.Shared.Modules;

public static class ModuleConventions
{
    /// <summary>
    /// Registers a module's validators and the batch form of its batch consumers by convention (Scrutor). Mediator
    /// handlers are NOT registered here: the source generator in the host does that, and registering them twice would run
    /// notification handlers twice — so a batch consumer is registered as <see cref="IBatchNotificationHandler{T}"/> only.
    /// </summary>
    public static IServiceCollection AddModuleConventions(this IServiceCollection services, Assembly implementation) =>
        services.Scan(scan => scan.FromAssemblies(implementation)
            .AddClasses(c => c.AssignableTo(typeof(IValidator<>)), publicOnly: false)
            .AsImplementedInterfaces()
            .WithSingletonLifetime()
            .AddClasses(c => c.AssignableTo(typeof(IBatchNotificationHandler<>)), publicOnly: false)
            .As(t => t.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IBatchNotificationHandler<>)))
            .WithScopedLifetime());
}
