using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Tandem.Fixtures.RogueAbstractions;

/// <summary>Allowed: a plugin entry point built on Microsoft.Extensions abstractions and the BCL.</summary>
public interface IRoguePlugin
{
    void ConfigureServices(IServiceCollection services);
}

/// <summary>VIOLATION: a plugin contract that exposes a Mediator type to plugins.</summary>
public interface IRogueLeadSink
{
    ValueTask Publish(INotification notification, CancellationToken cancellationToken);
}
