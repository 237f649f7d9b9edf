using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Leads.Data;

internal sealed class Lead
{
    public required string Id { get; init; }
    /// <summary>Normalised: trimmed, lower case.</summary>
    public string? Email { get; set; }
    /// <summary>E.164.</summary>
    public string? Phone { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Company { get; set; }
    public string? JobTitle { get; set; }
    public string? PostalCode { get; set; }
    public required string Kind { get; set; }
    public required string Status { get; set; }
    public int Score { get; set; }
    public DateTimeOffset? CallbackRequestedAt { get; set; }
    /// <summary>Names, company and email folded for search (lower case, no accents); kept up to date on every save.</summary>
    public string? SearchText { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<LeadSourceEntry> Sources { get; init; } = [];
    public List<LeadConsentEntry> Consents { get; init; } = [];
    public List<ScoreEntry> ScoreEntries { get; init; } = [];
}

internal sealed class LeadSourceEntry
{
    public long Id { get; init; }
    public required string LeadId { get; init; }
    public required string Channel { get; init; }
    public string? CampaignId { get; init; }
    public string? AssetId { get; init; }
    public string? Detail { get; init; }
    /// <summary>What the capture came from (a form submission id, an import row, a plugin's external id).</summary>
    public string? Reference { get; init; }
    public DateTimeOffset At { get; init; }
}

internal sealed class LeadConsentEntry
{
    public long Id { get; init; }
    public required string LeadId { get; init; }
    public required string Purpose { get; init; }
    public bool Granted { get; init; }
    public string? Text { get; init; }
    /// <summary>Where the consent came from (form id, IP, user agent, API caller).</summary>
    public string? Proof { get; init; }
    public DateTimeOffset At { get; init; }
}

internal sealed class ScoreEntry
{
    public long Id { get; init; }
    public required string LeadId { get; init; }
    public required string Rule { get; init; }
    public int Points { get; init; }
    public DateTimeOffset At { get; init; }
}

internal class LeadsDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public override string Module => LeadsModule.ModuleName;

    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<LeadSourceEntry> Sources => Set<LeadSourceEntry>();

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefreshSearchText();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefreshSearchText();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>Whatever changed a lead's names (a capture, a merge, a future edit), its search text follows.</summary>
    private void RefreshSearchText()
    {
        foreach (var entry in ChangeTracker.Entries<Lead>())
            if (entry.State is EntityState.Added or EntityState.Modified)
                entry.Entity.SearchText = LeadSearch.TextOf(entry.Entity);
    }

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Lead>(b =>
        {
            b.HasKey(x => x.Id);
            // Unique: two concurrent captures of one person cannot both create; the loser retries and merges.
            b.HasIndex(x => x.Email).IsUnique();
            b.HasIndex(x => x.Phone).IsUnique();
            b.HasIndex(x => x.Status);
            b.Property(x => x.Email).HasMaxLength(254);
            b.Property(x => x.Phone).HasMaxLength(20);
            b.Property(x => x.Kind).HasMaxLength(20);
            b.Property(x => x.Status).HasMaxLength(20);
            b.HasMany(x => x.Sources).WithOne().HasForeignKey(s => s.LeadId);
            b.HasMany(x => x.Consents).WithOne().HasForeignKey(s => s.LeadId);
            b.HasMany(x => x.ScoreEntries).WithOne().HasForeignKey(s => s.LeadId);
        });
        modelBuilder.Entity<LeadSourceEntry>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.Reference);
        });
        modelBuilder.Entity<LeadConsentEntry>().HasKey(x => x.Id);
        modelBuilder.Entity<ScoreEntry>().HasKey(x => x.Id);
    }
}

internal sealed class SqliteLeadsDbContext(DbContextOptions<SqliteLeadsDbContext> options) : LeadsDbContext(options);

internal sealed class PostgresLeadsDbContext(DbContextOptions<PostgresLeadsDbContext> options) : LeadsDbContext(options);

internal sealed class SqliteLeadsDesignFactory : SqliteDesignTimeFactory<SqliteLeadsDbContext>;

internal sealed class PostgresLeadsDesignFactory() : PostgresDesignTimeFactory<PostgresLeadsDbContext>("leads");
