using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Rogue;

namespace Tandem.Fixtures.RogueHost;

/// <summary>Runs the generator like the Host does; the generated code lands in Tandem.Fixtures.RogueHost.Mediator
/// (allowed to use the module's internal handlers) and in Microsoft.Extensions.DependencyInjection.</summary>
public static class RogueComposition
{
    public static IServiceCollection Compose(IServiceCollection services) =>
        services.AddMediator((MediatorOptions options) =>
        {
            options.Namespace = "Tandem.Fixtures.RogueHost.Mediator";
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(RogueModule), typeof(Tandem.Modules.Rogue.Contracts.PingRogue)];
        });
}

/// <summary>VIOLATION: hand-written host code reaching into a module's internal type.</summary>
internal static class RogueBackdoor
{
    public static int Count()
    {
        var ledger = new RogueLedger();
        ledger.Add();
        return ledger.Count;
    }
}
