using System.Diagnostics;
using Mediator;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Host.Messaging;

/// <summary>
/// One message at a time per DI scope. A module handler uses its scope's DbContext, which allows one operation at a
/// time; an HTTP request has its own scope and sends one message after another, but a web page (a Blazor circuit keeps
/// one scope for as long as the tab is open) can start a second load while the first runs — a table reloading on a
/// keystroke while the previous page of results is still being read — and EF Core then throws "a second operation was
/// started on this context". A message sent from inside a handler (same async flow) passes straight through.
/// </summary>
internal sealed class ScopeGate
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private static readonly AsyncLocal<ScopeGate?> Holder = new();

    public async ValueTask<TResponse> RunAsync<TResponse>(Func<ValueTask<TResponse>> next, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(Holder.Value, this)) return await next();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Holder.Value = this;
            return await next();
        }
        finally
        {
            Holder.Value = null;
            _gate.Release();
        }
    }
}

/// <summary>Sends of one scope run one at a time (<see cref="ScopeGate"/>).</summary>
internal sealed class ScopeSerialisationBehavior<TMessage, TResponse>(ScopeGate gate) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        gate.RunAsync(() => next(message, cancellationToken), cancellationToken);
}

/// <summary>A request to a switched-off module fails fast with ModuleDisabled (503) instead of reaching its handler.</summary>
internal sealed class ModuleEnabledBehavior<TMessage, TResponse>(IModuleState modules) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static string? _owner;
    private static bool _resolved;

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (!_resolved)
        {
            _owner = modules.ModuleOf(typeof(TMessage));
            _resolved = true;
        }
        if (_owner is not null && !modules.IsEnabled(_owner)) throw new ModuleDisabledException(_owner);
        return next(message, cancellationToken);
    }
}

/// <summary>Runs the module's validators; any failure is a 400 with per-field errors and the handler never runs.</summary>
internal sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private readonly IValidator<TMessage>[] _validators = validators as IValidator<TMessage>[] ?? validators.ToArray();

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (_validators.Length > 0)
        {
            var errors = new ValidationErrors();
            foreach (var validator in _validators) validator.Validate(message, errors);
            errors.ThrowIfAny();
        }
        return next(message, cancellationToken);
    }
}

/// <summary>Logs the message type, outcome and duration — never the message itself, which may hold personal data.</summary>
internal sealed class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return await next(message, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            logger.LogDebug("{Message} handled in {Elapsed:0.0} ms", typeof(TMessage).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception ex) when (ex is not TandemProblemException)
        {
            logger.LogWarning("{Message} failed after {Elapsed:0.0} ms with {Error}", typeof(TMessage).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex.GetType().Name);
            throw;
        }
    }
}

/// <summary>
/// Publishes a notification to the handlers of enabled modules only, each in turn; a failing handler does not stop
/// the others, and the failures are rethrown together at the end so that the outbox retries (consumers are idempotent).
/// </summary>
internal sealed class ModuleAwarePublisher(IModuleState modules) : INotificationPublisher
{
    public async ValueTask Publish<TNotification>(NotificationHandlers<TNotification> handlers, TNotification notification, CancellationToken cancellationToken)
        where TNotification : INotification
    {
        List<Exception>? failures = null;
        var skipBatchConsumers = BatchDispatch.SkipBatchConsumers;
        foreach (var handler in handlers)
        {
            if (skipBatchConsumers && handler is IBatchNotificationHandler<TNotification>) continue;
            var owner = modules.ModuleOf(handler.GetType());
            if (owner is not null && !modules.IsEnabled(owner)) continue;
            try
            {
                await handler.Handle(notification, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                (failures ??= []).Add(ex);
            }
        }
        if (failures is { Count: 1 }) throw failures[0];
        if (failures is { Count: > 1 }) throw new AggregateException($"{failures.Count} handlers of {typeof(TNotification).Name} failed.", failures);
    }
}
