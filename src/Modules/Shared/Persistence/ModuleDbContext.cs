using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Shared.Messaging;

namespace Tandem.Modules.Shared.Persistence;

/// <summary>
/// Base of every module's DbContext: the module's own schema (PostgreSQL) or file (SQLite), plus its
/// outbox and inbox. A module subclasses it once, then once per provider so that each provider has its
/// own migrations.
/// </summary>
public abstract class ModuleDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>How outbox payloads are written and read back.</summary>
    public static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    /// <summary>The module's name; its lower case is the PostgreSQL schema.</summary>
    public abstract string Module { get; }

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    /// <summary>
    /// The DI scope this context serves (its handler's scope: the message being consumed, the clock, the outbox). Pooled
    /// contexts are built once by the root provider, so the scope is handed over at each rent (<see cref="Rent{T}"/>)
    /// and forgotten when the context goes back to the pool.
    /// </summary>
    private IServiceProvider? _scope;

    private IServiceProvider? Services => _scope ?? this.GetService<IDbContextOptions>()
        .FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;

    private TimeProvider Clock => AppService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>A service of the scope this context serves (or of the application), or null outside a host.</summary>
    protected T? AppService<T>() where T : class => Services?.GetService(typeof(T)) as T;

    /// <summary>A context from the module's pool, bound to <paramref name="scope"/> until the scope disposes it (back to the pool).</summary>
    public static T Rent<T>(IDbContextFactory<T> pool, IServiceProvider scope) where T : ModuleDbContext
    {
        var context = pool.CreateDbContext();
        context._scope = scope;
        return context;
    }

    public override void Dispose()
    {
        _scope = null;
        _announce = false;
        _published?.Clear();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        _scope = null;
        _announce = false;
        _published?.Clear();
        return base.DisposeAsync();
    }

    /// <summary>Queues a notification in this module's outbox; it is stored by the next SaveChanges, in the same transaction. Returns the message id.</summary>
    public Guid Publish<TNotification>(TNotification notification) where TNotification : INotification =>
        Enqueue(notification, inline: false);

    /// <summary>
    /// Like <see cref="Publish{TNotification}"/>, but reserved for the caller to publish right after commit with
    /// <see cref="IOutboxDispatcher.DispatchInlineAsync"/> (the background dispatcher leaves it alone until the
    /// reservation expires, so a crash in between still delivers it).
    /// </summary>
    public Guid PublishInline<TNotification>(TNotification notification) where TNotification : INotification =>
        Enqueue(notification, inline: true);

    /// <summary>A message for the background dispatcher was added since the last save: the save wakes the dispatcher.</summary>
    private bool _announce;

    /// <summary>Messages for the background dispatcher added since the last save, with their notification: relayed after it.</summary>
    private List<(OutboxMessage Row, INotification Notification)>? _published;

    private Guid Enqueue<TNotification>(TNotification notification, bool inline) where TNotification : INotification
    {
        _announce |= !inline;
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var id = Guid.CreateVersion7();
        var row = new OutboxMessage
        {
            Id = id,
            Type = typeof(TNotification).FullName!,
            Payload = JsonSerializer.Serialize(notification, PayloadJson),
            OccurredAt = now,
            NextAttemptAt = now,
            LockedBy = inline ? InlineOwner(id) : null,
            LockedUntil = inline ? now + (long)(AppService<IOutboxDispatcher>()?.InlineReservation ?? TimeSpan.FromSeconds(30)).TotalMilliseconds : null,
        };
        OutboxMessages.Add(row);
        if (!inline) (_published ??= []).Add((row, notification));
        return id;
    }

    /// <summary>
    /// Reserves the messages this save stores for the module's dispatcher running in this process (its lease, as a claim
    /// would), to hand them over from memory once committed (docs/architecture.md, "Relay after commit"). Null when there
    /// are none or the dispatcher does not run here. Only for a save that commits on its own (not inside a caller's
    /// transaction, which may still roll back).
    /// </summary>
    private List<RelayedMessage>? ReserveForRelay()
    {
        if (_published is not { Count: > 0 } published) return null;
        var dispatcher = AppService<IOutboxDispatcher>();
        if (dispatcher?.RelayOwner(Module) is not { } owner) return null;
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)dispatcher.InlineReservation.TotalMilliseconds;
        List<RelayedMessage>? relayed = null;
        foreach (var (row, notification) in published)
        {
            // A message whose context was cleared, or saved already, is not part of this save.
            if (Entry(row).State != EntityState.Added) continue;
            row.LockedBy = owner;
            row.LockedUntil = until;
            (relayed ??= []).Add(new RelayedMessage(row.Id, row.Type, now, notification));
        }
        return relayed;
    }

    /// <summary>The lease owner of a message reserved for inline dispatch.</summary>
    public static string InlineOwner(Guid messageId) => "inline:" + messageId.ToString("N");

    /// <summary>
    /// Idempotent consumers call this first: false when the outbox message being handled was already processed
    /// by <paramref name="consumer"/>; otherwise records it (saved with the consumer's own changes) and returns true.
    /// </summary>
    public async ValueTask<bool> BeginConsumeAsync(string consumer, CancellationToken cancellationToken)
    {
        var message = AppService<MessageContext>();
        if (message?.MessageId is not { } id) return true;
        if (!message.FirstDelivery && await InboxMessages.AnyAsync(m => m.MessageId == id && m.Consumer == consumer, cancellationToken))
            return false;
        InboxMessages.Add(new InboxMessage
        {
            MessageId = id,
            Consumer = consumer,
            ProcessedAt = Clock.GetUtcNow().ToUnixTimeMilliseconds(),
        });
        return true;
    }

    /// <summary>
    /// The batch form of <see cref="BeginConsumeAsync"/>: the deliveries <paramref name="consumer"/> has not processed yet
    /// (one inbox read for those delivered before; a first delivery is not looked up), each recorded in the inbox with
    /// the consumer's own changes. A message delivered twice in one batch is handled once.
    /// </summary>
    public async ValueTask<List<Delivery<TNotification>>> BeginConsumeBatchAsync<TNotification>(string consumer,
        IReadOnlyList<Delivery<TNotification>> batch, CancellationToken cancellationToken) where TNotification : INotification
    {
        var redelivered = batch.Where(d => !d.FirstDelivery).Select(d => d.MessageId).ToList();
        var done = redelivered.Count == 0
            ? []
            : (await InboxMessages.AsNoTracking().Where(m => m.Consumer == consumer && redelivered.Contains(m.MessageId))
                .Select(m => m.MessageId).ToListAsync(cancellationToken)).ToHashSet();
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var fresh = new List<Delivery<TNotification>>(batch.Count);
        foreach (var delivery in batch)
        {
            if (!done.Add(delivery.MessageId)) continue;
            InboxMessages.Add(new InboxMessage { MessageId = delivery.MessageId, Consumer = consumer, ProcessedAt = now });
            fresh.Add(delivery);
        }
        return fresh;
    }

    private ModuleWriter? _writer;
    private bool _writerResolved;

    /// <summary>The module's group-commit writer, or null when group commit is off (then every SaveChanges commits alone).</summary>
    private ModuleWriter? Writer
    {
        get
        {
            if (_writerResolved) return _writer;
            _writer = Services?.GetKeyedService<ModuleWriter>(Module);
            _writerResolved = true;
            return _writer;
        }
    }

    /// <summary>
    /// Saves through the module's writer: this context's changes join the next group transaction (behind their own
    /// savepoint) and the call returns once that transaction is durably committed. A handler writes exactly as it would
    /// with a plain DbContext; a failure of its own (a unique key) fails only this call. Inside an explicit transaction,
    /// or with group commit off, it saves directly.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        // Messages reserved for inline dispatch are published by their caller: only the others wake the dispatcher.
        var announces = _announce;
        List<RelayedMessage>? relayed = null;
        int result;
        var autoDetect = DetectChangesOnce();
        try
        {
            OnSaving();
            if (Writer is { } writer && Database.CurrentTransaction is null)
            {
                if (!ChangeTracker.HasChanges()) return 0;
                relayed = ReserveForRelay();
                // Rows added, or updated without touching keys and unique columns (most hot-path saves): statements prepared
                // once on the writer's connection (SQLite).
                var rows = writer.PreparedWrites ? PreparedWrites.Collect(this) : null;
                result = rows is not null
                    ? await writer.RunOnConnectionAsync((connection, transaction, _) => PreparedWrites.Execute(writer, rows, connection, transaction),
                        cancellationToken, rows.Count)
                    : await writer.RunAsync(this, ct => base.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct), cancellationToken);
                if (acceptAllChangesOnSuccess) ChangeTracker.AcceptAllChanges();
            }
            else
            {
                result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
        OnSaved();
        _announce = false;
        _published?.Clear();
        // Every message this save stored for the dispatcher is either relayed (its dispatcher runs here) or announced.
        if (relayed is not null) AppService<IOutboxDispatcher>()!.Relay(Module, relayed);
        else if (announces) AppService<IOutboxSignal>()?.Notify(Module);
        return result;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (Writer is not null && Database.CurrentTransaction is null) return SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();
        var autoDetect = DetectChangesOnce();
        try
        {
            OnSaving();
            var result = base.SaveChanges(acceptAllChangesOnSuccess);
            OnSaved();
            return result;
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>
    /// Change detection once per save (it walks every tracked entity): OnSaving, HasChanges and SaveChanges would each
    /// repeat it. Turns it off for the rest of the save; returns the setting the save restores at its end.
    /// </summary>
    private bool DetectChangesOnce()
    {
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        if (autoDetect) ChangeTracker.DetectChanges();
        ChangeTracker.AutoDetectChangesEnabled = false;
        return autoDetect;
    }

    /// <summary>
    /// Called by every save once changes are detected, before anything is written: a module derives stored values here
    /// (a lead's search text). Change detection has already run and does not run again; an entity changed here must be
    /// rescanned with <c>entry.DetectChanges()</c> (that entity only) when it is <see cref="EntityState.Modified"/>,
    /// so that the new values are saved. An added entity is written with whatever it holds.
    /// </summary>
    protected virtual void OnSaving()
    {
    }

    /// <summary>
    /// Called after a save succeeded (committed, unless the caller holds an explicit transaction): a module drops what it
    /// keeps in memory of the rows just changed (Content's forms, <c>FormCache</c>). Not called when the save failed.
    /// </summary>
    protected virtual void OnSaved()
    {
    }

    /// <summary>
    /// Runs set-based statements (<c>ExecuteUpdateAsync</c>, <c>ExecuteDeleteAsync</c>, raw SQL, bulk inserts) of this context
    /// inside the module's next group transaction and returns after its commit. Use it for every write that does not go
    /// through SaveChanges, so that it does not wait behind the writer for the database's write lock.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Writer is { } writer && Database.CurrentTransaction is null
            ? writer.RunAsync(this, work, cancellationToken)
            : work(cancellationToken);

    /// <summary>
    /// The quoted, schema-qualified name of <typeparamref name="TEntity"/>'s table (<c>"content"."Submissions"</c> on
    /// PostgreSQL, <c>"Submissions"</c> on SQLite), for raw SQL. It comes from the model, never from input.
    /// </summary>
    public string QuotedTable<TEntity>() where TEntity : class
    {
        var entity = Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not an entity of {GetType().Name}.");
        return Quoted(entity.GetSchema(), entity.GetTableName()!);
    }

    /// <summary>A quoted name, qualified by its schema when it has one (a table, or an index on PostgreSQL), for raw SQL.</summary>
    public static string Quoted(string? schema, string name) => schema is null ? $"\"{name}\"" : $"\"{schema}\".\"{name}\"";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite has no native DateTimeOffset: store sortable binary so ordering and comparisons translate.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        if (Database.IsNpgsql()) modelBuilder.HasDefaultSchema(Module.ToLowerInvariant());

        modelBuilder.Entity<OutboxMessage>(b =>
        {
            b.ToTable("OutboxMessages");
            b.HasKey(m => m.Id);
            b.Property(m => m.Type).HasMaxLength(300);
            b.Property(m => m.LockedBy).HasMaxLength(100);
            b.Property(m => m.LastError).HasMaxLength(2000);
            b.HasIndex(m => new { m.ProcessedAt, m.NextAttemptAt });
        });
        modelBuilder.Entity<InboxMessage>(b =>
        {
            b.ToTable("InboxMessages");
            b.HasKey(m => new { m.MessageId, m.Consumer });
            b.Property(m => m.Consumer).HasMaxLength(200);
            // The purge's search (Outbox.PurgeAsync): without it the hourly delete scanned every row of the week it keeps,
            // holding the module's writer meanwhile. Inserts append to its end, which costs little.
            b.HasIndex(m => m.ProcessedAt);
        });
        OnModuleModelCreating(modelBuilder);
    }

    /// <summary>The module's own entities.</summary>
    protected abstract void OnModuleModelCreating(ModelBuilder modelBuilder);
}
