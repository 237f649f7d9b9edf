using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
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

    private TimeProvider Clock => this.GetService<IDbContextOptions>()
        .FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService(typeof(TimeProvider)) as TimeProvider
        ?? TimeProvider.System;

    private T? AppService<T>() where T : class => this.GetService<IDbContextOptions>()
        .FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService(typeof(T)) as T;

    /// <summary>Queues a notification in this module's outbox; it is stored by the next SaveChanges, in the same transaction. Returns the message id.</summary>
    public Guid Publish<TNotification>(TNotification notification) where TNotification : INotification =>
        Enqueue(notification, inline: false);

    /// <summary>
    /// Like <see cref="Publish{TNotification}"/>, but reserved for the caller to publish right after commit with
    /// <see cref="IOutboxDispatcher.TryDispatchNowAsync"/> (the background dispatcher leaves it alone until the
    /// reservation expires, so a crash in between still delivers it).
    /// </summary>
    public Guid PublishInline<TNotification>(TNotification notification) where TNotification : INotification =>
        Enqueue(notification, inline: true);

    private Guid Enqueue<TNotification>(TNotification notification, bool inline) where TNotification : INotification
    {
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var id = Guid.CreateVersion7();
        OutboxMessages.Add(new OutboxMessage
        {
            Id = id,
            Type = typeof(TNotification).FullName!,
            Payload = JsonSerializer.Serialize(notification, PayloadJson),
            OccurredAt = now,
            NextAttemptAt = now,
            LockedBy = inline ? InlineOwner(id) : null,
            LockedUntil = inline ? now + (long)(AppService<IOutboxDispatcher>()?.InlineReservation ?? TimeSpan.FromSeconds(30)).TotalMilliseconds : null,
        });
        return id;
    }

    /// <summary>The lease owner of a message reserved for inline dispatch.</summary>
    public static string InlineOwner(Guid messageId) => "inline:" + messageId.ToString("N");

    /// <summary>
    /// Idempotent consumers call this first: false when the outbox message being handled was already processed
    /// by <paramref name="consumer"/>; otherwise records it (saved with the consumer's own changes) and returns true.
    /// </summary>
    public async ValueTask<bool> BeginConsumeAsync(string consumer, CancellationToken cancellationToken)
    {
        var messageId = AppService<MessageContext>()?.MessageId;
        if (messageId is null) return true;
        var id = messageId.Value;
        if (await InboxMessages.AnyAsync(m => m.MessageId == id && m.Consumer == consumer, cancellationToken))
            return false;
        InboxMessages.Add(new InboxMessage
        {
            MessageId = id,
            Consumer = consumer,
            ProcessedAt = Clock.GetUtcNow().ToUnixTimeMilliseconds(),
        });
        return true;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var announces = ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);
        var result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (announces) AppService<IOutboxSignal>()?.Notify(Module);
        return result;
    }

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
        });
        OnModuleModelCreating(modelBuilder);
    }

    /// <summary>The module's own entities.</summary>
    protected abstract void OnModuleModelCreating(ModelBuilder modelBuilder);
}
