namespace Tandem.Modules.Shared.Modules;

/// <summary>
/// When background workers (the step scheduler, the lead import worker, plugin polling) may begin their first database
/// work. The host opens it a few seconds after it started (<c>Tandem:Workers:StartDelaySeconds</c>, counted from
/// <c>ApplicationStarted</c>) or at once on the first request other than a health probe, or the first new outbox
/// message, whichever comes first. Their first claim builds a module's EF Core model and compiles its queries; run
/// while the host starts, that work competed with Kestrel and the first requests on 2 cores and made a restart a third
/// slower (docs/performance.md, section 2). What waits is only work left from before the restart: it is durable.
/// </summary>
public interface IBackgroundStart
{
    /// <summary>Completes when background work may begin (never faults; cancelled with <paramref name="cancellationToken"/>).</summary>
    Task WaitAsync(CancellationToken cancellationToken);
}
