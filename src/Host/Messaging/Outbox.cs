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
internal sealed record OutboxOptions(TimeSpan PollInterval, TimeSpan Lease, int BatchSize, TimeSpan MaxBackoff, TimeSpan Retention,
    int Concurrency = 64, int PurgeBatch = 1_000)
{
    public static OutboxOptions From(IConfiguration configuration) => new(
        TimeSpan.FromMilliseconds(configuration.GetValue("Tandem:Outbox:PollIntervalMs", 1000)),
        TimeSpan.FromSeconds(configuration.GetValue("Tandem:Outbox:LeaseSeconds", 30)),
        Math.Max(1, configuration.GetValue("Tandem:Outbox:BatchSize", 256)),
        TimeSpan.FromSeconds(configuration.GetValue("Tandem:Outbox:MaxBackoffSeconds", 300)),
        TimeSpan.FromDays(configuration.GetValue("Tandem:Outbox:RetentionDays", 7)),
        Math.Max(1, configuration.GetValue("Tandem:Outbox:Concurrency", 64)),
        Math.Max(1, configuration.GetValue("Tandem:Outbox:PurgeBatch", 1_000)));

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

/// <summary>
/// Wakes a module's dispatcher loop: <see cref="Notify"/> when a message was committed for it to claim from the table,
/// <see cref="Wake"/> when messages were relayed to it from memory (nothing to claim).
/// </summary>
internal sealed class OutboxSignal : IOutboxSignal
{
    private sealed class State
    {
        public readonly Channel<bool> Wakes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        public int ClaimWanted;
    }

    private readonly ConcurrentDictionary<string, State> _states = new(StringComparer.OrdinalIgnoreCase);

    private State For(string module) => _states.GetOrAdd(module, _ => new State());

    public void Notify(string module)
    {
        var state = For(module);
        Volatile.Write(ref state.ClaimWanted, 1);
        state.Wakes.Writer.TryWrite(true);
    }

    public void Wake(string module) => For(module).Wakes.Writer.TryWrite(true);

    /// <summary>Whether a claim was asked for since the last call (and forgets it: a later Notify asks again).</summary>
    public bool TakeClaimWanted(string module) => Interlocked.Exchange(ref For(module).ClaimWanted, 0) == 1;

    /// <summary>Waits for a wake or the timeout; false when the timeout elapsed.</summary>
    public async Task<bool> WaitAsync(string module, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        // The poll interval runs on the injected clock (DESIGN rule 8), like backoff and leases.
        using var timeoutCts = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            await For(module).Wakes.Reader.ReadAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // poll interval elapsed: look for due retries and expired leases
        }
    }
}

/// <summary>
/// Publishes every module's outbox after commit. Safe with several hosts on one PostgreSQL database: rows are claimed
/// with <c>FOR UPDATE SKIP LOCKED</c> and a lease that expires, so a host that dies mid-way hands its rows over.
/// Consumers are idempotent (inbox), so a message handled twice after a lease expiry has its effect once.
/// <para>
/// Batched: one loop per module claims up to <c>BatchSize</c> due messages in one statement and keeps up to
/// <c>Concurrency</c> of them in flight, each published in its own scope (a scope costs under a microsecond; what a
/// consumer writes is grouped by the consumer module's writer, so many messages' effects and inbox rows commit in one
/// transaction). Successes are marked processed together, in one statement per group commit.
/// </para>
/// </summary>
internal sealed class OutboxDispatcher : BackgroundService, IOutboxDispatcher
{
    private readonly IServiceScopeFactory _scopes;
    private readonly MessageTypes _types;
    private readonly OutboxSignal _signal;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly Dictionary<string, ModuleDatabase> _databases;
    private readonly Dictionary<string, ProcessedMarks> _completions;
    private readonly IModuleState _state;
    private readonly ConcurrentDictionary<Type, BatchRoute?> _batchRoutes = new();
    private readonly InlineReplies _replies;
    private readonly PipelineMetrics _metrics;

    public OutboxDispatcher(IServiceScopeFactory scopes, IEnumerable<ModuleDatabase> databases, ModuleCatalog modules, MessageTypes types,
        OutboxSignal signal, OutboxOptions options, TimeProvider clock, ILogger<OutboxDispatcher> logger, IModuleState state, InlineReplies replies,
        PipelineMetrics metrics)
    {
        _metrics = metrics;
        _scopes = scopes;
        _replies = replies;
        _state = state;
        _types = types;
        _signal = signal;
        _options = options;
        _clock = clock;
        _logger = logger;
        _databases = databases.Where(d => modules.IsEnabled(d.Module)).ToDictionary(d => d.Module, StringComparer.OrdinalIgnoreCase);
        _completions = _databases.Values.ToDictionary(d => d.Module, d => new ProcessedMarks(scopes, d, clock, logger), StringComparer.OrdinalIgnoreCase);
    }

    private long _batchedMessages;
    private long _batchFallbacks;
    private long _inlineReplies;

    /// <summary>Inline dispatches handled and answered with a consumer's reply (for tests and diagnostics).</summary>
    public long InlineRepliesTaken => Interlocked.Read(ref _inlineReplies);

    /// <summary>Messages handed to batch consumers in a batch that succeeded (for tests and diagnostics).</summary>
    public long BatchedMessages => Interlocked.Read(ref _batchedMessages);

    /// <summary>Batches whose batch call failed, so that their messages were published one by one.</summary>
    public long BatchFallbacks => Interlocked.Read(ref _batchFallbacks);

    /// <summary>Inline dispatches waiting for the group being handled to finish (for tests and diagnostics).</summary>
    public int InlineWaiting => _batchRoutes.Values.Sum(r => r?.InlineWaiting ?? 0);

    /// <summary>Who holds a lease: this process.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public TimeSpan InlineReservation => _options.Lease;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_databases.Values.Select(d => Task.Run(() => LoopAsync(d, stoppingToken), stoppingToken)));

    private ModuleDbContext Context(AsyncServiceScope scope, ModuleDatabase database) =>
        (ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);

    /// <summary>Messages relayed from memory per module whose loop runs here (<see cref="Relay"/>); a module is absent when its loop does not run.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentQueue<RelayedMessage>> _relays = new(StringComparer.OrdinalIgnoreCase);

    private long _relayedMessages;
    private long _claimedMessages;

    /// <summary>Messages handed over from memory after their commit (for tests and diagnostics).</summary>
    public long RelayedMessages => Interlocked.Read(ref _relayedMessages);

    /// <summary>Messages claimed from the outbox tables (for tests and diagnostics).</summary>
    public long ClaimedMessages => Interlocked.Read(ref _claimedMessages);

    public string? RelayOwner(string module) => _relays.ContainsKey(module) ? InstanceId : null;

    public void Relay(string module, IReadOnlyList<RelayedMessage> messages)
    {
        if (!_relays.TryGetValue(module, out var queue)) return; // the loop stopped meanwhile: claimed once the lease expires
        foreach (var message in messages) queue.Enqueue(message);
        Interlocked.Add(ref _relayedMessages, messages.Count);
        _metrics.Relayed.Add(messages.Count, PipelineMetrics.Module(module));
        _signal.Wake(module);
    }

    /// <summary>A message to publish: claimed from the table, or relayed with its notification in hand.</summary>
    private sealed record Claimed(OutboxMessage Message, object? Notification, bool FirstDelivery)
    {
        public static Claimed From(OutboxMessage message) => new(message, null, FirstDelivery: false);
    }

    /// <summary>
    /// A relayed message as the loop publishes it. A first delivery (consumers skip their inbox lookup) only while it is
    /// well inside its lease: past half of it, it might have expired and been claimed too, so the inboxes must look.
    /// </summary>
    private Claimed FromRelay(RelayedMessage relayed, long now) =>
        new(new OutboxMessage { Id = relayed.Id, Type = relayed.Type, Payload = "", OccurredAt = relayed.ReservedAt },
            relayed.Notification, FirstDelivery: now - relayed.ReservedAt < (long)(_options.Lease.TotalMilliseconds / 2));

    private async Task LoopAsync(ModuleDatabase database, CancellationToken stoppingToken)
    {
        var nextPurge = _clock.GetUtcNow();
        using var slots = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
        var relays = _relays.GetOrAdd(database.Module, _ => new ConcurrentQueue<RelayedMessage>());
        // Claims run when something asks for one (a commit that did not relay, the start, the poll interval, a full claim
        // that may have left more, an error); relayed messages need none.
        var claimDue = true;
        var lastClaim = _clock.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (_clock.GetUtcNow() >= nextPurge)
                    {
                        await PurgeAsync(database, stoppingToken);
                        nextPurge = _clock.GetUtcNow().AddHours(1);
                    }
                    // Take the free places (at least one, waiting for it), fill them with relayed messages, then claim; repeat.
                    await slots.WaitAsync(stoppingToken);
                    var free = 1;
                    while (free < _options.BatchSize && slots.Wait(0)) free++;
                    var batch = new List<Claimed>(free);
                    var now = _clock.GetUtcNow();
                    while (batch.Count < free && relays.TryDequeue(out var relayed)) batch.Add(FromRelay(relayed, now.ToUnixTimeMilliseconds()));
                    // Under a steady stream of relays, a claim still runs every poll interval (retries due, expired leases).
                    claimDue |= _signal.TakeClaimWanted(database.Module) || now - lastClaim >= _options.PollInterval;
                    var claimedAll = false;
                    if (claimDue && batch.Count < free)
                    {
                        claimDue = false;
                        lastClaim = now;
                        List<OutboxMessage> claimed;
                        try
                        {
                            claimed = await ClaimAsync(database, free - batch.Count, stoppingToken);
                        }
                        catch
                        {
                            slots.Release(free);
                            foreach (var c in batch) relays.Enqueue(new RelayedMessage(c.Message.Id, c.Message.Type, c.Message.OccurredAt, (INotification)c.Notification!));
                            throw;
                        }
                        claimedAll = claimed.Count == free - batch.Count;
                        Interlocked.Add(ref _claimedMessages, claimed.Count);
                        if (claimed.Count > 0) _metrics.Claimed.Add(claimed.Count, PipelineMetrics.Module(database.Module));
                        foreach (var message in claimed) batch.Add(Claimed.From(message));
                    }
                    if (free > batch.Count) slots.Release(free - batch.Count);
                    foreach (var (route, messages) in Route(batch))
                    {
                        // A batch consumer's messages go together, in one task holding one place per message.
                        _ = Task.Run(async () =>
                        {
                            try
                            {
                                await PublishAsync(database, route, messages, stoppingToken);
                            }
                            finally { slots.Release(messages.Count); }
                        }, CancellationToken.None);
                    }
                    if (claimedAll) claimDue = true; // a full claim may have left more behind
                    if (batch.Count < free && relays.IsEmpty && !claimDue
                        && !await _signal.WaitAsync(database.Module, _options.PollInterval, _clock, stoppingToken))
                        claimDue = true;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    claimDue = true;
                    _logger.LogError(ex, "Outbox dispatch of {Module} failed; retrying", database.Module);
                    await Task.Delay(_options.PollInterval, _clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }
        finally
        {
            _relays.TryRemove(database.Module, out _);
            await ReleaseRelayedAsync(database, relays);
        }
    }

    /// <summary>
    /// Stopping: the messages relayed but not yet published give their lease back, so that the next start (or another
    /// host) takes them at once rather than when the lease expires.
    /// </summary>
    private async Task ReleaseRelayedAsync(ModuleDatabase database, ConcurrentQueue<RelayedMessage> relays)
    {
        var ids = new List<Guid>();
        while (relays.TryDequeue(out var relayed)) ids.Add(relayed.Id);
        if (ids.Count == 0) return;
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = Context(scope, database);
            var owner = InstanceId;
            await db.WriteAsync(ct => db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.LockedBy == owner && m.ProcessedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedBy, (string?)null).SetProperty(m => m.LockedUntil, (long?)null), ct), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // They are delivered when their lease expires instead.
            _logger.LogWarning(ex, "{Count} relayed messages of {Module} could not be released at stop", ids.Count, database.Module);
        }
    }

    /// <summary>
    /// Deletes outbox and inbox rows processed longer ago than the retention (default 7 days): far beyond any lease or
    /// redelivery, so idempotency is intact, and tables stay small. Unprocessed messages are never deleted. The oldest go
    /// first, <c>Tandem:Outbox:PurgeBatch</c> rows of each table per write (1,000), each write searching the
    /// <c>ProcessedAt</c> index: an hour of traffic at full speed is millions of rows, and one delete of them all would
    /// hold the module's writer, and every request waiting on it, for as long as it takes.
    /// </summary>
    public async Task<int> PurgeAsync(ModuleDatabase database, CancellationToken cancellationToken)
    {
        var before = _clock.GetUtcNow().Subtract(_options.Retention).ToUnixTimeMilliseconds();
        var skip = _options.PurgeBatch - 1;
        var purged = 0;
        bool more;
        do
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = Context(scope, database);
            // Each table up to the time of its PurgeBatch-th oldest row (ties included), or all of it when fewer are left:
            // two range searches of the index. (A delete with LIMIT is not portable, and EF Core's form of it for a
            // composite key is a correlated EXISTS that SQLite answers by scanning the table.)
            var (outbox, inbox, full) = await db.WriteAsync(async ct =>
            {
                var outboxCut = await db.OutboxMessages.Where(m => m.ProcessedAt != null && m.ProcessedAt < before)
                    .OrderBy(m => m.ProcessedAt).Select(m => m.ProcessedAt).Skip(skip).FirstOrDefaultAsync(ct);
                var outboxUpTo = outboxCut ?? before - 1;
                var outbox = await db.OutboxMessages.Where(m => m.ProcessedAt != null && m.ProcessedAt <= outboxUpTo).ExecuteDeleteAsync(ct);
                var inboxCut = await db.InboxMessages.Where(m => m.ProcessedAt < before)
                    .OrderBy(m => m.ProcessedAt).Select(m => (long?)m.ProcessedAt).Skip(skip).FirstOrDefaultAsync(ct);
                var inboxUpTo = inboxCut ?? before - 1;
                var inbox = await db.InboxMessages.Where(m => m.ProcessedAt <= inboxUpTo).ExecuteDeleteAsync(ct);
                return (outbox, inbox, outboxCut is not null || inboxCut is not null);
            }, cancellationToken);
            purged += outbox + inbox;
            more = full; // a table had a full batch: more may be due
        }
        while (more);
        return purged;
    }

    /// <summary>
    /// Claims one batch of due messages, publishes them (up to <c>Concurrency</c> at once) and waits until they are
    /// marked; returns how many were claimed. The background loop does the same without waiting between batches.
    /// </summary>
    public async Task<int> DispatchDueAsync(ModuleDatabase database, CancellationToken cancellationToken)
    {
        var batch = (await ClaimAsync(database, _options.BatchSize, cancellationToken)).Select(Claimed.From).ToList();
        await Parallel.ForEachAsync(Route(batch), new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken },
            async (work, ct) => await PublishAsync(database, work.Route, work.Messages, ct));
        await _completions[database.Module].FlushedAsync();
        return batch.Count;
    }

    /// <summary>
    /// Publishes a message its caller just committed with <c>PublishInline</c>, from the notification in hand: no claim
    /// and no read, since the row is reserved for this caller. It is marked processed in the module's next group commit;
    /// if this process dies first, the reservation expires and the background dispatcher delivers it again, which the
    /// consumers' inboxes absorb.
    /// </summary>
    public async ValueTask<InlineDispatch> DispatchInlineAsync<TNotification>(string module, Guid messageId, TNotification notification, CancellationToken cancellationToken)
        where TNotification : INotification
    {
        if (!_databases.TryGetValue(module, out var database)) return default;
        bool handled;
        string? reply;
        try
        {
            if (RouteOf(typeof(TNotification).FullName!) is BatchRoute<TNotification> route)
                handled = await route.DispatchInlineAsync(this, database, messageId, notification);
            else
            {
                var message = new OutboxMessage { Id = messageId, Type = typeof(TNotification).FullName!, Payload = "" };
                handled = await ProcessAsync(database, message, notification, cancellationToken, firstDelivery: true);
            }
        }
        finally
        {
            // Taken whatever the outcome: a reply offered by an attempt that failed afterwards is not left behind.
            reply = _replies.Take(messageId);
        }
        if (handled && reply is not null) Interlocked.Increment(ref _inlineReplies);
        return new InlineDispatch(handled, handled ? reply : null);
    }

    /// <summary>Claims one committed message by id (unless another dispatcher holds it) and publishes it now.</summary>
    public async ValueTask<bool> TryDispatchNowAsync(string module, Guid messageId, CancellationToken cancellationToken)
    {
        if (!_databases.TryGetValue(module, out var database)) return false;
        OutboxMessage? message;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = Context(scope, database);
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            var until = now + (long)_options.Lease.TotalMilliseconds;
            var inlineOwner = ModuleDbContext.InlineOwner(messageId);
            var claimed = await db.WriteAsync(ct => db.OutboxMessages
                .Where(m => m.Id == messageId && m.ProcessedAt == null
                    && (m.LockedBy == inlineOwner || m.LockedUntil == null || m.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedBy, InstanceId).SetProperty(m => m.LockedUntil, until), ct), cancellationToken);
            if (claimed == 0) return false;
            message = await db.OutboxMessages.AsNoTracking().FirstAsync(m => m.Id == messageId, cancellationToken);
        }
        var published = await ProcessAsync(database, message, notification: null, cancellationToken);
        await _completions[database.Module].FlushedAsync();
        return published;
    }

    internal async Task<List<OutboxMessage>> ClaimAsync(ModuleDatabase database, int count, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = Context(scope, database);
        return await db.WriteAsync(ct => ClaimAsync(db, count, ct), cancellationToken);
    }

    internal async Task<List<OutboxMessage>> ClaimAsync(ModuleDbContext db, int count, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)_options.Lease.TotalMilliseconds;
        var table = db.QuotedTable<OutboxMessage>();
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
        var claimed = await db.OutboxMessages.FromSqlRaw(sql, InstanceId, until, now, count)
            .AsNoTracking().ToListAsync(cancellationToken);
        claimed.Sort((a, b) => a.OccurredAt.CompareTo(b.OccurredAt));
        return claimed;
    }

    /// <summary>One piece of claimed work (<see cref="Route"/>): a batch consumer's messages together, any other message alone.</summary>
    private Task PublishAsync(ModuleDatabase database, BatchRoute? route, List<Claimed> messages, CancellationToken cancellationToken)
    {
        _metrics.Publishing(database.Module, "loop", messages.Count);
        return route is null
            ? ProcessAsync(database, messages[0].Message, messages[0].Notification, cancellationToken, messages[0].FirstDelivery)
            : route.Run(this, database, messages, cancellationToken);
    }

    /// <summary>
    /// Splits a claimed batch into work: the messages of a type some module consumes in batches (<see cref="IBatchNotificationHandler{T}"/>)
    /// together, when there are at least two of them; every other message on its own.
    /// </summary>
    private List<(BatchRoute? Route, List<Claimed> Messages)> Route(List<Claimed> batch)
    {
        var work = new List<(BatchRoute?, List<Claimed>)>(batch.Count);
        Dictionary<BatchRoute, List<Claimed>>? groups = null;
        foreach (var message in batch)
        {
            if (RouteOf(message.Message.Type) is { } route)
            {
                groups ??= [];
                if (!groups.TryGetValue(route, out var list)) groups[route] = list = [];
                list.Add(message);
            }
            else work.Add((null, [message]));
        }
        if (groups is null) return work;
        foreach (var (route, messages) in groups)
        {
            if (messages.Count == 1) work.Add((null, messages));
            else work.Add((route, messages));
        }
        return work;
    }

    private BatchRoute? RouteOf(string typeName)
    {
        if (_types.Find(typeName) is not { } type) return null;
        return _batchRoutes.GetOrAdd(type, t =>
        {
            using var scope = _scopes.CreateScope();
            if (!scope.ServiceProvider.GetServices(typeof(IBatchNotificationHandler<>).MakeGenericType(t)).Any()) return null;
            return (BatchRoute)Activator.CreateInstance(typeof(BatchRoute<>).MakeGenericType(t))!;
        });
    }

    /// <summary>How the messages of one notification type that has batch consumers are published.</summary>
    private abstract class BatchRoute
    {
        public abstract Task Run(OutboxDispatcher dispatcher, ModuleDatabase database, List<Claimed> messages, CancellationToken cancellationToken);

        /// <summary>Inline dispatches queued behind the group being handled.</summary>
        public abstract int InlineWaiting { get; }
    }

    private sealed class BatchRoute<TNotification> : BatchRoute where TNotification : INotification
    {
        /// <summary>Null until known: whether the type also has consumers without a batch form (published one by one).</summary>
        private bool? _others;

        public override async Task Run(OutboxDispatcher dispatcher, ModuleDatabase database, List<Claimed> messages, CancellationToken cancellationToken)
        {
            var deliveries = new List<Delivery<TNotification>>(messages.Count);
            var alone = new List<OutboxMessage>();
            foreach (var (message, notification, firstDelivery) in messages)
            {
                if (notification is TNotification relayed)
                {
                    deliveries.Add(new Delivery<TNotification>(message.Id, relayed, firstDelivery));
                    continue;
                }
                try
                {
                    deliveries.Add(new Delivery<TNotification>(message.Id,
                        JsonSerializer.Deserialize<TNotification>(message.Payload, ModuleDbContext.PayloadJson)!, FirstDelivery: false));
                }
                catch (JsonException)
                {
                    alone.Add(message); // fails on its own, with its error recorded, and is retried alone
                }
            }
            foreach (var message in alone) await dispatcher.ProcessAsync(database, message, notification: null, cancellationToken);
            var byId = messages.ToDictionary(m => m.Message.Id, m => m.Message);
            await PublishAsync(dispatcher, database, deliveries, d => byId[d.MessageId], cancellationToken);
        }

        /// <summary>
        /// Publishes deliveries of this type: to the batch consumers together, then to the other consumers one by one; if a
        /// batch call fails, each delivery to every consumer on its own. Returns, per delivery, whether it was handled.
        /// </summary>
        /// <paramref name="stored"/> gives a delivery's outbox row (its attempts count the backoff of a failure).
        private async Task<bool[]> PublishAsync(OutboxDispatcher dispatcher, ModuleDatabase database, List<Delivery<TNotification>> deliveries,
            Func<Delivery<TNotification>, OutboxMessage> stored, CancellationToken cancellationToken)
        {
            var handled = new bool[deliveries.Count];
            if (deliveries.Count == 0) return handled;
            var batched = false;
            if (deliveries.Count > 1)
            {
                try
                {
                    await using var scope = dispatcher._scopes.CreateAsyncScope();
                    var services = scope.ServiceProvider;
                    foreach (var handler in services.GetServices<IBatchNotificationHandler<TNotification>>())
                    {
                        if (dispatcher._state.ModuleOf(handler.GetType()) is { } owner && !dispatcher._state.IsEnabled(owner)) continue;
                        await handler.Handle(deliveries, cancellationToken);
                    }
                    if (_others is null)
                    {
                        // Unknown when the container does not list notification handlers: then publish one by one to be safe.
                        var all = services.GetServices<INotificationHandler<TNotification>>().ToList();
                        _others = all.Count == 0 || all.Any(h => h is not IBatchNotificationHandler<TNotification>);
                    }
                    batched = true;
                    Interlocked.Add(ref dispatcher._batchedMessages, deliveries.Count);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // One bad message must not fail its neighbours: each is published again on its own.
                    Interlocked.Increment(ref dispatcher._batchFallbacks);
                    dispatcher._metrics.BatchFallbacks.Add(1, PipelineMetrics.Module(database.Module));
                    dispatcher._logger.LogDebug(ex, "A batch of {Count} {Type} failed; publishing them one by one", deliveries.Count, typeof(TNotification).Name);
                }
            }
            if (batched && _others == false)
            {
                foreach (var delivery in deliveries) dispatcher._completions[database.Module].Add(delivery.MessageId);
                Array.Fill(handled, true);
                return handled;
            }
            // The other consumers (after a batch), or every consumer (a single delivery, a failed batch), one message at a time.
            BatchDispatch.SkipBatchConsumers = batched;
            try
            {
                for (var i = 0; i < deliveries.Count; i++)
                {
                    var d = deliveries[i];
                    handled[i] = await dispatcher.ProcessAsync(database, stored(d), d.Notification, cancellationToken, d.FirstDelivery);
                }
            }
            finally
            {
                BatchDispatch.SkipBatchConsumers = false;
            }
            return handled;
        }

        private readonly ConcurrentQueue<(Delivery<TNotification> Delivery, TaskCompletionSource<bool> Done)> _inline = new();

        public override int InlineWaiting => _inline.Count;
        private int _draining;

        /// <summary>
        /// Inline dispatch, grouped: the requests that arrive while a group is being handled form the next group, handled
        /// together (no timer, no waiting: one request alone is handled at once, as before). Each caller learns whether its
        /// own message was handled.
        /// </summary>
        public Task<bool> DispatchInlineAsync(OutboxDispatcher dispatcher, ModuleDatabase database, Guid messageId, TNotification notification)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inline.Enqueue((new Delivery<TNotification>(messageId, notification, FirstDelivery: true), done));
            if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            {
                // The loop outlives this request: it must not carry the request's ambient state (its scope gate, its log scopes).
                using (ExecutionContext.SuppressFlow()) _ = Task.Run(() => DrainAsync(dispatcher, database));
            }
            return done.Task;
        }

        private async Task DrainAsync(OutboxDispatcher dispatcher, ModuleDatabase database)
        {
            while (true)
            {
                var group = new List<(Delivery<TNotification> Delivery, TaskCompletionSource<bool> Done)>();
                while (group.Count < dispatcher._options.BatchSize && _inline.TryDequeue(out var item)) group.Add(item);
                if (group.Count == 0)
                {
                    Volatile.Write(ref _draining, 0);
                    // Someone may have queued after the last look and found the loop still running: take it over.
                    if (_inline.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
                    continue;
                }
                try
                {
                    dispatcher._metrics.Publishing(database.Module, "inline", group.Count);
                    var handled = await PublishAsync(dispatcher, database, group.Select(g => g.Delivery).ToList(),
                        d => new OutboxMessage { Id = d.MessageId, Type = typeof(TNotification).FullName!, Payload = "" }, CancellationToken.None);
                    for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(handled[i]);
                }
                catch (Exception ex)
                {
                    foreach (var (_, done) in group) done.TrySetException(ex);
                }
            }
        }
    }

    private async Task<bool> ProcessAsync(ModuleDatabase database, OutboxMessage message, object? notification, CancellationToken cancellationToken,
        bool firstDelivery = false)
    {
        Exception? failure = null;
        try
        {
            if (notification is null)
            {
                var type = _types.Find(message.Type)
                    ?? throw new InvalidOperationException($"Unknown notification type '{message.Type}' (was a contract renamed?).");
                notification = JsonSerializer.Deserialize(message.Payload, type, ModuleDbContext.PayloadJson)
                    ?? throw new InvalidOperationException($"Empty payload for '{message.Type}'.");
            }
            await using var scope = _scopes.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<MessageContext>();
            context.MessageId = message.Id;
            context.FirstDelivery = firstDelivery;
            await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(notification, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            failure = ex;
        }

        if (failure is null)
        {
            _completions[database.Module].Add(message.Id);
            return true;
        }
        var attempts = message.Attempts + 1;
        var now = _clock.GetUtcNow();
        var next = now.Add(_options.Backoff(attempts)).ToUnixTimeMilliseconds();
        // Type and message only: exception messages of our handlers never carry the payload.
        var error = $"{failure.GetType().Name}: {failure.Message}";
        if (error.Length > 2000) error = error[..2000];
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = Context(scope, database);
            await db.WriteAsync(ct => db.OutboxMessages.Where(m => m.Id == message.Id && m.ProcessedAt == null).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.LockedBy, (string?)null)
                .SetProperty(m => m.LockedUntil, (long?)null), ct), CancellationToken.None);
        }
        _logger.LogWarning(failure, "Outbox message {MessageId} ({Type}) of {Module} failed (attempt {Attempts}); next try in {Backoff}",
            message.Id, message.Type.Split('.')[^1], database.Module, attempts, _options.Backoff(attempts));
        return false;
    }
}
