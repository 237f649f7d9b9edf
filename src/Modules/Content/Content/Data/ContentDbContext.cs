using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Content.Data;

internal sealed class Campaign
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string Channel { get; set; }
    public decimal? CostAmount { get; set; }
    public string? CostCurrency { get; set; }
    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class Asset
{
    public required string Id { get; init; }
    public required string Title { get; set; }
    public required string Kind { get; set; }
    public required string JourneyStage { get; set; }
    public string? Url { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed record FormField(string Name, string Label, string Type, bool Required, IReadOnlyList<string>? Options = null);

internal sealed record FormConsent(string Purpose, string Text, bool Required);

internal sealed class Form
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? AssetId { get; set; }
    public string? CampaignId { get; set; }
    public required List<FormField> Fields { get; set; }
    public required List<FormConsent> Consents { get; set; }
    public bool OffersCallback { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class LandingPage
{
    public required string Id { get; init; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public required string FormId { get; set; }
    public string? CampaignId { get; set; }
    public long Visits { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class Submission
{
    public required string Id { get; init; }
    public required string FormId { get; init; }
    public required Dictionary<string, string> Fields { get; init; }
    public required List<string> ConsentsGranted { get; init; }
    public bool CallbackRequested { get; init; }
    public string? UtmSource { get; init; }
    public string? UtmMedium { get; init; }
    public string? UtmCampaign { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    /// <summary>The lead Leads captured this submission into (visitor→lead conversion per form and campaign).</summary>
    public string? LeadId { get; set; }
}

internal class ContentDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public override string Module => ContentModule.ModuleName;

    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<Form> Forms => Set<Form>();
    public DbSet<LandingPage> LandingPages => Set<LandingPage>();
    public DbSet<Submission> Submissions => Set<Submission>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Campaign>(b =>
        {
            b.HasKey(x => x.Id);
            b.Property(x => x.Name).HasMaxLength(200);
            b.Property(x => x.Channel).HasMaxLength(40);
            b.Property(x => x.CostCurrency).HasMaxLength(3);
            b.Property(x => x.CostAmount).HasPrecision(18, 2);
        });
        modelBuilder.Entity<Asset>(b =>
        {
            b.HasKey(x => x.Id);
            b.Property(x => x.Title).HasMaxLength(300);
        });
        modelBuilder.Entity<Form>(b =>
        {
            b.HasKey(x => x.Id);
            b.Property(x => x.Fields).HasJsonConversion();
            b.Property(x => x.Consents).HasJsonConversion();
        });
        modelBuilder.Entity<LandingPage>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.Slug).IsUnique();
            b.Property(x => x.Slug).HasMaxLength(120);
        });
        modelBuilder.Entity<Submission>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.FormId);
            b.Property(x => x.Fields).HasJsonConversion();
            b.Property(x => x.ConsentsGranted).HasJsonConversion();
        });
    }
}

internal sealed class SqliteContentDbContext(DbContextOptions<SqliteContentDbContext> options) : ContentDbContext(options);

internal sealed class PostgresContentDbContext(DbContextOptions<PostgresContentDbContext> options) : ContentDbContext(options);

internal sealed class SqliteContentDesignFactory : SqliteDesignTimeFactory<SqliteContentDbContext>;

internal sealed class PostgresContentDesignFactory() : PostgresDesignTimeFactory<PostgresContentDbContext>("content");
