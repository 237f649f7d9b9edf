using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Host.Composition;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Modules;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Host.Messaging;

/// <summary><c>Tandem:Outbox:*</c> settings.</summary>
internal sealed record OutboxOptions(TimeSpan PollInterval, TimeSpan Lease, int BatchSize, TimeSpan MaxBackoff, TimeSpan Retention)
{
    public static OutboxOptions From(IConfiguration configuration) => new(
        TimeSpan.FromMilliseconds(configuration.GetValue("Tandem:Outbox:PollIntervalMs", 1000)),
        TimeSpan.FromSeconds(configuration.GetValue("Tandem:Outbox:LeaseSeconds", 30)),
        configuration.GetValue("Tandem:Outbox:BatchSize", 50),
        TimeSpan.FromSeconds(configuration.GetValue("Tandem:Outbox:MaxBackoffSeconds", 300)),
        TimeSpan.FromDays(configuration.GetValue("Tandem:Outbox:RetentionDays", 7)));

    /// <summary>Exponential: 1 s, 2 s, 4 s… capped; never gives up (no message is lost), the cap keeps a poison message cheap.</summary>
    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempts - 1, 20))));
}

/// <summary>Notification types by the name stored in outbox rows: every INotification in every module's Contracts.</summary>
internal sealed class MessageTypes
{
    private readonly Dictionary<string, Type> _byName = ModuleCatalog.All
        .SelectMany(m => m.ContractsAssembly.GetExportedTypes())
        .Where(t => typeof(INotification).IsAssignableFrom(t) && !t.IsAbstract)
        .ToDictionary(t => t.FullName!, StringComparer.Ordinal);

    public Type? Find(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>Wakes a module's dispatcher loop as soon as something was committed to its outbox.</summary>
internal sealed class OutboxSignal : IOutboxSignal
{
    private readonly ConcurrentDictionary<string, Channel<bool>> _channels = new(StringComparer.OrdinalIgnoreCase);

    private Channel<bool> For(string module) => _channels.GetOrAdd(module, _ =>
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite }));

    public void Notify(string module) => For(module).Writer.TryWrite(true);

    public async Task WaitAsync(string module, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        // The poll interval runs on the injected clock (DESIGN rule 8), like backoff and leases.
        using var timeoutCts = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            await For(module).Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // poll interval elapsed: look for due retries and expired leases
        }
    }
}

/// <summary>
/// Publishes every module's outbox after commit. Safe with several hosts on one PostgreSQL database: rows are claimed
/// with <c>FOR UPDATE SKIP LOCKED</c> and a lease that expires, so a host that dies mid-way hands its rows over.
/// Consumers are idempotent (inbox), so a message handled twice after a lease expiry has its effect once.
/// </summary>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<ModuleDatabase> databases,
    ModuleCatalog modules,
    MessageTypes types,
    OutboxSignal signal,
    OutboxOptions options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService, IOutboxDispatcher
{
    /// <summary>Who holds a lease: this process.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private readonly Dictionary<string, ModuleDatabase> _databases =
        databases.Where(d => modules.IsEnabled(d.Module)).ToDictionary(d => d.Module, StringComparer.OrdinalIgnoreCase);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_databases.Values.Select(d => Task.Run(() => LoopAsync(d, stoppingToken), stoppingToken)));

    private async Task LoopAsync(ModuleDatabase database, CancellationToken stoppingToken)
    {
        var nextPurge = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() >= nextPurge)
                {
                    await PurgeAsync(database, stoppingToken);
                    nextPurge = clock.GetUtcNow().AddHours(1);
                }
                var handled = await DispatchDueAsync(database, stoppingToken);
                if (handled >= options.BatchSize) continue;
                await signal.WaitAsync(database.Module, options.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Outbox dispatch of {Module} failed; retrying", database.Module);
                await Task.Delay(options.PollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Deletes outbox and inbox rows processed longer ago than the retention (default 7 days): far beyond any lease or
    /// redelivery, so idempotency is intact, and tables stay small. Unprocessed messages are never deleted.
    /// </summary>
    public async Task<int> PurgeAsync(ModuleDatabase database, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().Subtract(options.Retention).ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
        var outbox = await db.OutboxMessages.Where(m => m.ProcessedAt != null && m.ProcessedAt < before).ExecuteDeleteAsync(cancellationToken);
        var inbox = await db.InboxMessages.Where(m => m.ProcessedAt < before).ExecuteDeleteAsync(cancellationToken);
        return outbox + inbox;
    }

    /// <summary>Claims one batch of due messages and publishes them; returns how many were claimed.</summary>
    public async Task<int> DispatchDueAsync(ModuleDatabase database, CancellationToken cancellationToken)
    {
        List<OutboxMessage> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            batch = await ClaimAsync(db, cancellationToken);
        }
        foreach (var message in batch) await ProcessAsync(database, message, cancellationToken);
        return batch.Count;
    }

    public TimeSpan InlineReservation => options.Lease;

    public async ValueTask<bool> TryDispatchNowAsync(string module, Guid messageId, CancellationToken cancellationToken)
    {
        if (!_databases.TryGetValue(module, out var database)) return false;
        OutboxMessage? message;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var until = now + (long)options.Lease.TotalMilliseconds;
            var inlineOwner = ModuleDbContext.InlineOwner(messageId);
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == messageId && m.ProcessedAt == null
                    && (m.LockedBy == inlineOwner || m.LockedUntil == null || m.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedBy, InstanceId).SetProperty(m => m.LockedUntil, until), cancellationToken);
            if (claimed == 0) return false;
            message = await db.OutboxMessages.AsNoTracking().FirstAsync(m => m.Id == messageId, cancellationToken);
        }
        return await ProcessAsync(database, message, cancellationToken);
    }

    internal async Task<List<OutboxMessage>> ClaimAsync(ModuleDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)options.Lease.TotalMilliseconds;
        var entity = db.Model.FindEntityType(typeof(OutboxMessage))!;
        var schema = entity.GetSchema();
        var table = schema is null ? $"\"{entity.GetTableName()}\"" : $"\"{schema}\".\"{entity.GetTableName()}\"";
        // SQLite has a single writer, so the UPDATE is atomic on its own; PostgreSQL skips rows another host is claiming.
        var skipLocked = db.Database.IsNpgsql() ? "FOR UPDATE SKIP LOCKED" : "";
        var sql = $$"""
            UPDATE {{table}} SET "LockedBy" = {0}, "LockedUntil" = {1}
            WHERE "Id" IN (
                SELECT "Id" FROM {{table}}
                WHERE "ProcessedAt" IS NULL AND "NextAttemptAt" <= {2} AND ("LockedUntil" IS NULL OR "LockedUntil" < {2})
                ORDER BY "OccurredAt" LIMIT {3} {{skipLocked}})
            RETURNING *
            """;
        var claimed = await db.OutboxMessages.FromSqlRaw(sql, InstanceId, until, now, options.BatchSize)
            .AsNoTracking().ToListAsync(cancellationToken);
        claimed.Sort((a, b) => a.OccurredAt.CompareTo(b.OccurredAt));
        return claimed;
    }

    private async Task<bool> ProcessAsync(ModuleDatabase database, OutboxMessage message, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            var type = types.Find(message.Type)
                ?? throw new InvalidOperationException($"Unknown notification type '{message.Type}' (was a contract renamed?).");
            var notification = JsonSerializer.Deserialize(message.Payload, type, ModuleDbContext.PayloadJson)
                ?? throw new InvalidOperationException($"Empty payload for '{message.Type}'.");
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<MessageContext>().MessageId = message.Id;
            await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(notification, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            failure = ex;
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var now = clock.GetUtcNow();
            var mine = db.OutboxMessages.Where(m => m.Id == message.Id && m.LockedBy == InstanceId);
            if (failure is null)
            {
                var done = now.ToUnixTimeMilliseconds();
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.ProcessedAt, done)
                    .SetProperty(m => m.LockedBy, (string?)null)
                    .SetProperty(m => m.LockedUntil, (long?)null), CancellationToken.None);
                return true;
            }
            var attempts = message.Attempts + 1;
            var next = now.Add(options.Backoff(attempts)).ToUnixTimeMilliseconds();
            // Type and message only: exception messages of our handlers never carry the payload.
            var error = $"{failure.GetType().Name}: {failure.Message}";
            if (error.Length > 2000) error = error[..2000];
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.LockedBy, (string?)null)
                .SetProperty(m => m.LockedUntil, (long?)null), CancellationToken.None);
            logger.LogWarning(failure, "Outbox message {MessageId} ({Type}) of {Module} failed (attempt {Attempts}); next try in {Backoff}",
                message.Id, message.Type.Split('.')[^1], database.Module, attempts, options.Backoff(attempts));
            return false;
        }
    }
}
