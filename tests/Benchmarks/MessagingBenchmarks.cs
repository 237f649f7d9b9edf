using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;

namespace Tandem.Benchmarks;

/// <summary>
/// What one module pays to talk to another through the mediator of the real host: the generated mediator, the
/// pipeline behaviours (logging, module-enabled check, validation) and the module-aware notification publisher.
/// Each category has a baseline that calls the module's handler directly (resolved through its public Mediator
/// interface), so the Ratio column is the price of the indirection.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CrossModuleMessaging
{
    private static readonly IReadOnlyList<string> Channels = ["phone", "email", "linkedin"];

    private RealHost _host = null!;
    private AsyncServiceScope _scope;
    private ISender _sender = null!;
    private IPublisher _publisher = null!;
    private Tandem.Host.Mediator.Mediator _mediator = null!;
    private IQueryHandler<GetMqlDefinition, MqlDefinition> _queryHandler = null!;
    private INotificationHandler<ChannelsChanged> _notificationHandler = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = RealHost.StartAsync().GetAwaiter().GetResult();
        _scope = _host.Services.CreateAsyncScope();
        var services = _scope.ServiceProvider;
        _sender = services.GetRequiredService<ISender>();
        _publisher = services.GetRequiredService<IPublisher>();
        _mediator = services.GetRequiredService<Tandem.Host.Mediator.Mediator>();
        _queryHandler = services.GetRequiredService<IQueryHandler<GetMqlDefinition, MqlDefinition>>();
        _notificationHandler = services.GetRequiredService<INotificationHandler<ChannelsChanged>>();

        // Guard against measuring a no-op: the query answers, and the notification reaches Outreach's handler.
        if (Send_through_ISender() is null) throw new InvalidOperationException("GetMqlDefinition returned nothing.");
        Publish_through_IPublisher();
        var available = Completed.Result(_sender.Send(new GetAvailableChannels()));
        if (available.Count != Channels.Count) throw new InvalidOperationException("ChannelsChanged did not reach Outreach.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scope.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // ---- Send: one cross-module query (Leads answers from memory) ----

    [Benchmark(Baseline = true, Description = "GetMqlDefinition: handler called directly")]
    [BenchmarkCategory("Send")]
    public MqlDefinition Send_handler_directly() => Completed.Result(_queryHandler.Handle(new GetMqlDefinition(), CancellationToken.None));

    [Benchmark(Description = "GetMqlDefinition: ISender.Send (what modules do)")]
    [BenchmarkCategory("Send")]
    public MqlDefinition Send_through_ISender() => Completed.Result(_sender.Send(new GetMqlDefinition()));

    [Benchmark(Description = "GetMqlDefinition: generated Mediator.Send overload")]
    [BenchmarkCategory("Send")]
    public MqlDefinition Send_through_concrete_mediator() => Completed.Result(_mediator.Send(new GetMqlDefinition()));

    [Benchmark(Description = "GetMqlDefinition: new scope + resolve ISender + Send")]
    [BenchmarkCategory("Send")]
    public MqlDefinition Send_in_new_scope()
    {
        var scope = _host.Services.CreateAsyncScope();
        try
        {
            return Completed.Result(scope.ServiceProvider.GetRequiredService<ISender>().Send(new GetMqlDefinition()));
        }
        finally
        {
            Completed.Wait(scope.DisposeAsync());
        }
    }

    // ---- Publish: one cross-module notification (Outreach handles it in memory) ----

    [Benchmark(Baseline = true, Description = "ChannelsChanged: handler called directly")]
    [BenchmarkCategory("Publish")]
    public void Publish_handler_directly() => Completed.Wait(_notificationHandler.Handle(new ChannelsChanged(Channels), CancellationToken.None));

    [Benchmark(Description = "ChannelsChanged: IPublisher.Publish (what modules do)")]
    [BenchmarkCategory("Publish")]
    public void Publish_through_IPublisher() => Completed.Wait(_publisher.Publish(new ChannelsChanged(Channels)));

    [Benchmark(Description = "ChannelsChanged: new scope + resolve IPublisher + Publish")]
    [BenchmarkCategory("Publish")]
    public void Publish_in_new_scope()
    {
        var scope = _host.Services.CreateAsyncScope();
        try
        {
            Completed.Wait(scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(new ChannelsChanged(Channels)));
        }
        finally
        {
            Completed.Wait(scope.DisposeAsync());
        }
    }
}
