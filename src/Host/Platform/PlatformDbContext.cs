using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Host.Platform;

/// <summary>An API key: only its SHA-256 hash is stored; the key itself is shown once at creation.</summary>
internal sealed class ApiKey
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public required string Hash { get; init; }
    /// <summary>The first characters, so that a person can tell keys apart.</summary>
    public required string Prefix { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>When the key last authenticated a request, to the minute (written at most once a minute per key and host).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>One value of a plugin's durable key/value state (<c>IPluginState</c>).</summary>
internal sealed class PluginStateEntry
{
    public required string PluginId { get; init; }
    public required string Key { get; init; }
    public required string Value { get; set; }
}

/// <summary>The host's own data (API keys, plugin state). Same conventions as a module: own file or schema, own migrations.</summary>
internal class PlatformDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string ModuleName = "Platform";
    public override string Module => ModuleName;

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<PluginStateEntry> PluginStates => Set<PluginStateEntry>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ApiKey>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.Hash).IsUnique();
            b.Property(x => x.Hash).HasMaxLength(64);
            b.Property(x => x.Name).HasMaxLength(100);
            b.Property(x => x.Role).HasMaxLength(20);
        });
        modelBuilder.Entity<PluginStateEntry>(b =>
        {
            b.ToTable("PluginStates");
            b.HasKey(x => new { x.PluginId, x.Key });
            b.Property(x => x.PluginId).HasMaxLength(63);
            b.Property(x => x.Key).HasMaxLength(200);
        });
        AuditEntry.Configure(modelBuilder);
    }
}

internal sealed class SqlitePlatformDbContext(DbContextOptions<SqlitePlatformDbContext> options) : PlatformDbContext(options);

internal sealed class PostgresPlatformDbContext(DbContextOptions<PostgresPlatformDbContext> options) : PlatformDbContext(options);

internal sealed class SqlitePlatformDesignFactory : SqliteDesignTimeFactory<SqlitePlatformDbContext>;

internal sealed class PostgresPlatformDesignFactory() : PostgresDesignTimeFactory<PostgresPlatformDbContext>("platform");
