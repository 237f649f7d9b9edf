using Tandem.Modules.Shared.Messaging;

namespace Tandem.Host.Messaging;

/// <summary>
/// Starts a hosted service (the outbox dispatcher) a while after the host started (counted from
/// <see cref="IHostApplicationLifetime.ApplicationStarted"/>: the server listens and answers ready), or at once when a
/// module commits a new outbox message, whichever comes first. At start the dispatcher's first purge and claim of every module compile
/// and run EF Core queries on the thread pool while Kestrel starts and the first requests arrive: on 2 cores that work
/// delayed readiness (docs/performance.md). What waits is only what was committed before the host started (left over
/// from before a restart: it is durable) and the first purge; a message committed after start wakes the dispatcher as
/// before, and inline dispatch of form submissions never waited for it.
/// </summary>
internal sealed class DeferredStart(
    IHostedService inner, TimeSpan delay, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<DeferredStart> logger)
    : IHostedService, IDisposable
{
    private readonly Lock _gate = new();
    private bool _hostStarted;
    private volatile bool _stopped;
    private Task? _started;
    private ITimer? _timer;

    /// <summary><c>Tandem:Outbox:StartDelaySeconds</c>: how long after start the outbox dispatcher begins on its own (default 3).</summary>
    public static TimeSpan DelayFrom(IConfiguration configuration) =>
        TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("Tandem:Outbox:StartDelaySeconds", 3.0)));

    /// <summary>Whether the deferred service was started.</summary>
    public bool IsStarted
    {
        get { lock (_gate) return _started is not null; }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate) _hostStarted = true;
        if (delay <= TimeSpan.Zero)
        {
            Trigger();
            return Task.CompletedTask;
        }
        // Hosted services start before the server: on a busy machine the server alone can take longer than the delay.
        lifetime.ApplicationStarted.Register(() =>
        {
            lock (_gate)
                if (!_stopped && _started is null) _timer = clock.CreateTimer(_ => Trigger(), null, delay, Timeout.InfiniteTimeSpan);
        });
        return Task.CompletedTask;
    }

    /// <summary>Starts the service now, unless the host has not started yet (then the delay applies) or it already runs.</summary>
    public void Trigger()
    {
        lock (_gate)
        {
            if (!_hostStarted || _stopped || _started is not null) return;
            _started = inner.StartAsync(CancellationToken.None);
        }
        _ = WatchAsync();
    }

    // The host watches its own BackgroundServices and stops when one fails; it cannot see this one, so do the same here.
    private async Task WatchAsync()
    {
        try
        {
            await _started!;
            if (inner is BackgroundService { ExecuteTask: { } running }) await running;
        }
        catch (OperationCanceledException) when (_stopped)
        {
        }
        catch (Exception ex)
        {
            logger.LogCritical(ex, "{Service} stopped with an error; stopping the host", inner.GetType().Name);
            lifetime.StopApplication();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? started;
        lock (_gate)
        {
            _stopped = true;
            started = _started;
        }
        _timer?.Dispose();
        if (started is null) return;
        await started;
        await inner.StopAsync(cancellationToken);
    }

    public void Dispose() => _timer?.Dispose();
}

/// <summary>The outbox signal modules notify after a commit; it also starts a deferred dispatcher.</summary>
internal sealed class StartingOutboxSignal(OutboxSignal signal, DeferredStart dispatcherStart) : IOutboxSignal
{
    public void Notify(string module)
    {
        signal.Notify(module);
        dispatcherStart.Trigger();
    }
}
