using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Prospects.Data;

internal sealed class Prospect
{
    public required string Id { get; init; }
    public required string LeadId { get; init; }
    public required string Kind { get; set; }
    public int FitScore { get; set; }
    public required List<string> FitReasons { get; set; }
    public string? PersonaId { get; set; }
    public string? Owner { get; set; }
    public required string Stage { get; set; }
    public required string Outcome { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal class ProspectsDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public override string Module => ProspectsModule.ModuleName;

    public DbSet<Prospect> Prospects => Set<Prospect>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Prospect>(b =>
        {
            b.HasKey(x => x.Id);
            // One prospect per lead: a redelivered or concurrent qualification cannot create a second one.
            b.HasIndex(x => x.LeadId).IsUnique();
            b.HasIndex(x => new { x.Stage, x.Owner });
            b.Property(x => x.FitReasons).HasJsonConversion();
        });
}

internal sealed class SqliteProspectsDbContext(DbContextOptions<SqliteProspectsDbContext> options) : ProspectsDbContext(options);

internal sealed class PostgresProspectsDbContext(DbContextOptions<PostgresProspectsDbContext> options) : ProspectsDbContext(options);

internal sealed class SqliteProspectsDesignFactory : SqliteDesignTimeFactory<SqliteProspectsDbContext>;

internal sealed class PostgresProspectsDesignFactory() : PostgresDesignTimeFactory<PostgresProspectsDbContext>("prospects");
