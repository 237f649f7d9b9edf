using System.Collections.Concurrent;

namespace Tandem.Host.Plugins;

/// <summary>Why a call into a plugin gave no answer.</summary>
internal enum PluginCallFailure
{
    None,

    /// <summary>The plugin threw.</summary>
    Threw,

    /// <summary>The plugin did not answer within <see cref="PluginOptions.CallTimeout"/>.</summary>
    TimedOut,

    /// <summary>The plugin failed too often lately; the call was not made.</summary>
    CircuitOpen,
}

/// <summary>The answer of a guarded call: a value, or why there is none.</summary>
internal readonly record struct PluginCallResult<T>(T? Value, PluginCallFailure Failure, string? Detail, TimeSpan RetryAfter)
{
    public bool Succeeded => Failure == PluginCallFailure.None;
}

/// <summary>
/// Every call into a plugin goes through here: it runs on the thread pool (a plugin that blocks before its first
/// await cannot hold the caller), is cut off after <see cref="PluginOptions.CallTimeout"/>, and counts against the
/// plugin's own circuit breaker. After <see cref="PluginOptions.FailureThreshold"/> consecutive failures the circuit
/// opens: calls to that plugin are refused at once for <see cref="PluginOptions.BreakDuration"/>, then one trial call
/// is let through; a success closes the circuit, a failure opens it again. One plugin's failures never touch another's
/// circuit, and nothing a plugin throws escapes as an exception (only the caller's own cancellation does).
/// </summary>
internal sealed partial class PluginInvoker(PluginOptions options, TimeProvider time, ILogger<PluginInvoker> logger)
{
    private readonly ConcurrentDictionary<string, CircuitBreaker> _circuits = new(StringComparer.Ordinal);

    /// <summary>The state of a plugin's circuit, for diagnostics and tests.</summary>
    public CircuitState StateOf(string pluginId) => Circuit(pluginId).State(time.GetUtcNow());

    public async ValueTask<PluginCallResult<T>> InvokeAsync<T>(
        string pluginId, string operation, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var circuit = Circuit(pluginId);
        if (!circuit.TryEnter(time.GetUtcNow(), out var retryAfter))
        {
            LogRefused(logger, pluginId, operation);
            return new(default, PluginCallFailure.CircuitOpen,
                $"Plugin '{pluginId}' failed {options.FailureThreshold} times in a row; calls resume in {Math.Ceiling(retryAfter.TotalSeconds):0} s.",
                retryAfter);
        }

        using var timeout = new CancellationTokenSource(options.CallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var task = Task.Run(() => call(linked.Token).AsTask(), CancellationToken.None);
        try
        {
            var value = await task.WaitAsync(linked.Token).ConfigureAwait(false);
            circuit.Succeeded();
            return new(value, PluginCallFailure.None, null, TimeSpan.Zero);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away (the provider hung up): not the plugin's fault.
            circuit.Abandoned();
            Observe(task);
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Observe(task);
            var opened = circuit.Failed(time.GetUtcNow(), options.FailureThreshold, options.BreakDuration);
            LogTimedOut(logger, pluginId, operation, options.CallTimeout.TotalSeconds, opened);
            return new(default, PluginCallFailure.TimedOut,
                $"Plugin '{pluginId}' did not answer within {options.CallTimeout.TotalSeconds:0.###} s.", TimeSpan.Zero);
        }
        catch (Exception e)
        {
            var opened = circuit.Failed(time.GetUtcNow(), options.FailureThreshold, options.BreakDuration);
            // The type only: a plugin's exception message may quote the personal data it was handling.
            LogThrew(logger, pluginId, operation, e.GetType().FullName, opened);
            return new(default, PluginCallFailure.Threw, $"Plugin '{pluginId}' failed ({e.GetType().Name}).", TimeSpan.Zero);
        }
    }

    private CircuitBreaker Circuit(string pluginId) => _circuits.GetOrAdd(pluginId, static _ => new CircuitBreaker());

    /// <summary>A call given up on may still fail later; observe it so that it is not reported as unobserved.</summary>
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Operation} to plugin {PluginId} refused: its circuit is open")]
    private static partial void LogRefused(ILogger logger, string pluginId, string operation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Operation} to plugin {PluginId} timed out after {Seconds} s (circuit opened: {Opened})")]
    private static partial void LogTimedOut(ILogger logger, string pluginId, string operation, double seconds, bool opened);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Operation} to plugin {PluginId} threw {ExceptionType} (circuit opened: {Opened})")]
    private static partial void LogThrew(ILogger logger, string pluginId, string operation, string? exceptionType, bool opened);
}

internal enum CircuitState
{
    /// <summary>Calls go through.</summary>
    Closed,

    /// <summary>Calls are refused until the break is over.</summary>
    Open,

    /// <summary>The break is over: the next call is a trial.</summary>
    HalfOpen,
}

/// <summary>Consecutive-failure circuit breaker for one plugin; time comes from the caller.</summary>
internal sealed class CircuitBreaker
{
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _openUntil;
    private bool _trialInFlight;

    public CircuitState State(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_openUntil is null) return CircuitState.Closed;
            return now < _openUntil ? CircuitState.Open : CircuitState.HalfOpen;
        }
    }

    public bool TryEnter(DateTimeOffset now, out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            retryAfter = TimeSpan.Zero;
            if (_openUntil is not { } until) return true;
            if (now < until)
            {
                retryAfter = until - now;
                return false;
            }
            // Half-open: one trial call at a time.
            if (_trialInFlight)
            {
                retryAfter = TimeSpan.FromSeconds(1);
                return false;
            }
            _trialInFlight = true;
            return true;
        }
    }

    public void Succeeded()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _openUntil = null;
            _trialInFlight = false;
        }
    }

    /// <summary>Records a failure; true when this failure opened (or re-opened) the circuit.</summary>
    public bool Failed(DateTimeOffset now, int threshold, TimeSpan breakDuration)
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            var wasTrial = _trialInFlight;
            _trialInFlight = false;
            if (!wasTrial && _consecutiveFailures < threshold) return false;
            _openUntil = now + breakDuration;
            return true;
        }
    }

    /// <summary>The call was cancelled by its caller: it neither proves nor disproves the plugin's health.</summary>
    public void Abandoned()
    {
        lock (_gate) _trialInFlight = false;
    }
}
