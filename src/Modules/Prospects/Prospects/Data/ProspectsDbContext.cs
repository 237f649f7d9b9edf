using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Prospects.Data;

internal sealed class Prospect
{
    public required string Id { get; init; }
    public required string LeadId { get; init; }
    public required string Kind { get; set; }
    public int FitScore { get; set; }
    public required List<string> FitReasons { get; set; }
    public string? IcpId { get; set; }
    public string? PersonaId { get; set; }
    public string? Owner { get; set; }
    public required string Stage { get; set; }
    public required string Outcome { get; set; }
    public string? OutcomeReason { get; set; }
    public DateTimeOffset? OutcomeAt { get; set; }
    public DateTimeOffset? FirstTouchAt { get; set; }
    public DateTimeOffset? LastTouchAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    public void MoveTo(string stage) => Stage = stage;

    public void Close(string outcome, string? reason, DateTimeOffset at)
    {
        Outcome = outcome;
        OutcomeReason = reason;
        OutcomeAt = outcome == ProspectOutcomes.Open ? null : at;
    }

    public void Touched(DateTimeOffset at)
    {
        if (FirstTouchAt is null || at < FirstTouchAt) FirstTouchAt = at;
        if (LastTouchAt is null || at > LastTouchAt) LastTouchAt = at;
    }
}

internal sealed class Icp
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required List<IcpCriterion> Criteria { get; set; }
    public int MinFit { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class Persona
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required List<string> TitleKeywords { get; init; }
    public required List<string> Seniorities { get; init; }
    public string? Function { get; init; }
    public string? CallScript { get; init; }
    public string? TemplateVariant { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A company with its firmographics (from the outbound research or by hand).</summary>
internal sealed class Account
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    /// <summary>Lower case, accents and punctuation removed: how leads' company names find their account.</summary>
    public required string NormalizedName { get; set; }
    public string? Siren { get; set; }
    public string? NafCode { get; set; }
    public string? HeadcountBand { get; set; }
    public string? RevenueBand { get; set; }
    public string? Country { get; set; }
    public string? Departement { get; set; }
}

internal class ProspectsDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public override string Module => ProspectsModule.ModuleName;

    public DbSet<Prospect> Prospects => Set<Prospect>();
    public DbSet<Icp> Icps => Set<Icp>();
    public DbSet<Persona> Personas => Set<Persona>();
    public DbSet<Account> Accounts => Set<Account>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Prospect>(b =>
        {
            b.HasKey(x => x.Id);
            // One prospect per lead: a redelivered or concurrent qualification cannot create a second one.
            b.HasIndex(x => x.LeadId).IsUnique();
            // The lists (docs/outbound.md, "Indexes of the lists"): by stage, by owner, by both, each in the list's order (Id), and the
            // pipeline's open columns newest first, so that a page reads its rows in order instead of sorting the whole stage.
            b.HasIndex(x => new { x.Stage, x.Owner, x.Id });
            b.HasIndex(x => new { x.Stage, x.Id });
            b.HasIndex(x => new { x.Owner, x.Id });
            b.HasIndex(x => new { x.Stage, x.Outcome, x.CreatedAt, x.Id }).IsDescending(false, false, true, false);
            // By outcome (docs/outbound.md, "Indexes"): the pipeline's won and lost columns (Outcome = …, newest first: the index order,
            // no sort) and the SLA's open prospects created before a time; the numbers' won and lost decided in a period.
            b.HasIndex(x => new { x.Outcome, x.CreatedAt, x.Id }).IsDescending(false, true, false);
            b.HasIndex(x => new { x.Outcome, x.OutcomeAt });
            b.Property(x => x.FitReasons).HasJsonConversion();
        });
        modelBuilder.Entity<Icp>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.Name).IsUnique();
            b.Property(x => x.Criteria).HasJsonConversion();
        });
        modelBuilder.Entity<Persona>(b =>
        {
            b.HasKey(x => x.Id);
            b.Property(x => x.TitleKeywords).HasJsonConversion();
            b.Property(x => x.Seniorities).HasJsonConversion();
        });
        modelBuilder.Entity<Account>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.NormalizedName).IsUnique();
            b.HasIndex(x => x.Siren);
        });
    }
}

internal sealed class SqliteProspectsDbContext(DbContextOptions<SqliteProspectsDbContext> options) : ProspectsDbContext(options);

internal sealed class PostgresProspectsDbContext(DbContextOptions<PostgresProspectsDbContext> options) : ProspectsDbContext(options);

internal sealed class SqliteProspectsDesignFactory : SqliteDesignTimeFactory<SqliteProspectsDbContext>;

internal sealed class PostgresProspectsDesignFactory() : PostgresDesignTimeFactory<PostgresProspectsDbContext>("prospects");
