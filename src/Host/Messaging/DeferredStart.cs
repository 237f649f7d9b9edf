using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Modules;

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

/// <summary>The outbox signal modules notify after a commit; it also starts a deferred dispatcher and the background workers.</summary>
internal sealed class StartingOutboxSignal(OutboxSignal signal, DeferredStart dispatcherStart, BackgroundStart workersStart) : IOutboxSignal
{
    public void Notify(string module)
    {
        signal.Notify(module);
        dispatcherStart.Trigger();
        workersStart.Open();
    }
}

/// <summary>
/// The host's <see cref="IBackgroundStart"/>: open <c>Tandem:Workers:StartDelaySeconds</c> (default 3) after
/// <see cref="IHostApplicationLifetime.ApplicationStarted"/>, or at once when <see cref="Open"/> is called (the first
/// request other than a health probe, the first new outbox message).
/// </summary>
internal sealed class BackgroundStart : IBackgroundStart, IDisposable
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer? _timer;
    private readonly CancellationTokenRegistration _registration;

    public BackgroundStart(IConfiguration configuration, TimeProvider clock, IHostApplicationLifetime lifetime)
    {
        var delay = TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("Tandem:Workers:StartDelaySeconds", 3.0)));
        if (delay <= TimeSpan.Zero)
        {
            Open();
            return;
        }
        _timer = clock.CreateTimer(_ => Open(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // Registered on an already started host, the callback runs at once: the delay then counts from now.
        _registration = lifetime.ApplicationStarted.Register(() => _timer.Change(delay, Timeout.InfiniteTimeSpan));
    }

    /// <summary>Whether background work may begin.</summary>
    public bool IsOpen => _opened.Task.IsCompleted;

    /// <summary>Lets background work begin now (idempotent, cheap when already open).</summary>
    public void Open()
    {
        if (!_opened.Task.IsCompleted) _opened.TrySetResult();
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _opened.Task.WaitAsync(cancellationToken);

    public void Dispose()
    {
        _registration.Dispose();
        _timer?.Dispose();
    }
}
