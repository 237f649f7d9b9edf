using Tandem.Modules.Shared.Modules;
using Tandem.Plugins.Abstractions;

namespace Tandem.Host.Plugins;

/// <summary>
/// Runs the active plugins' polling sources (<see cref="IPollingLeadSource"/>, <see cref="IChannelEventSource"/>): each once soon after the catalog is
/// loaded, then every interval. Each poll goes through <see cref="PluginInvoker"/> (time limit, circuit breaker), so a
/// slow or failing source delays only itself; what a poll throws is logged by the invoker and retried at the next turn.
/// </summary>
internal sealed partial class PluginPoller(PluginCatalog catalog, PluginInvoker invoker, IBackgroundStart start, TimeProvider time, ILogger<PluginPoller> logger)
    : BackgroundService
{
    private readonly Dictionary<(string Plugin, string Source), DateTimeOffset> _due = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!catalog.IsLoaded) await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken);
        await start.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = await PollDueAsync(stoppingToken);
            var wait = next is { } at ? at - time.GetUtcNow() : TimeSpan.FromMinutes(5);
            await Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, time, stoppingToken);
        }
    }

    /// <summary>Polls every source that is due now; answers when the next one is due (null: there are none).</summary>
    internal async Task<DateTimeOffset?> PollDueAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        foreach (var plugin in catalog.Plugins.Where(p => p.IsActive))
        {
            foreach (var (source, interval) in plugin.Polling)
            {
                var now = time.GetUtcNow();
                if (_due.TryGetValue((plugin.Id, source), out var due) && due > now)
                {
                    next = next is null || due < next ? due : next;
                    continue;
                }
                await PollAsync(plugin, source, cancellationToken);
                var following = time.GetUtcNow() + interval;
                _due[(plugin.Id, source)] = following;
                next = next is null || following < next ? following : next;
            }
        }
        return next;
    }

    /// <summary>Polls one source now; answers how many leads (or channel events) it handed over, or null when the call failed.</summary>
    internal async Task<int?> PollAsync(PluginEntry plugin, string source, CancellationToken cancellationToken)
    {
        var result = await invoker.InvokeAsync(plugin.Id, "poll:" + source, async ct =>
        {
            await using var scope = plugin.CreateScope();
            var leads = scope.ServiceProvider.GetServices<ILeadSource>().OfType<IPollingLeadSource>().FirstOrDefault(s => s.Name == source);
            if (leads is not null) return await leads.PollAsync(ct);
            return await scope.ServiceProvider.GetServices<IChannelEventSource>().First(s => s.Name == source).PollAsync(ct);
        }, cancellationToken);
        if (result.Succeeded) LogPolled(logger, plugin.Id, source, result.Value);
        return result.Succeeded ? result.Value : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Plugin {PluginId} polled {Source}: {Count} handed over")]
    private static partial void LogPolled(ILogger logger, string pluginId, string source, int count);
}
