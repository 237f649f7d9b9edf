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
    /// <summary>What the asset is about (solar, heat-pump…): scoring per interest in Leads.</summary>
    public string? Interest { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed record FormField(string Name, string Label, string Type, bool Required, IReadOnlyList<string>? Options = null);

internal sealed record FormConsent(string Purpose, string Text, bool Required);

internal sealed record FormConsentAnswer(string Purpose, string Text, bool Granted);

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
    public DateTimeOffset? UpdatedAt { get; set; }
}

internal sealed class LandingPage
{
    public required string Id { get; init; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public required string FormId { get; set; }
    public string? CampaignId { get; set; }
    /// <summary>fr or en; null: the configured default language.</summary>
    public string? Language { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One view of a landing page by an anonymous visitor (first-party cookie); stitched to a lead once known.</summary>
internal sealed class Visit
{
    public required string Id { get; init; }
    public required string LandingPageId { get; init; }
    public string? CampaignId { get; init; }
    public required string VisitorId { get; init; }
    /// <summary>The interest of the asset the page offered (scoring per interest).</summary>
    public string? Interest { get; init; }
    public DateTimeOffset At { get; init; }
    public string? LeadId { get; set; }
}

/// <summary>A visitor known to be a lead (their submission became it): later visits are announced for that lead at once.</summary>
internal sealed class VisitorLead
{
    public required string VisitorId { get; init; }
    public required string LeadId { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>One use of a signed asset link.</summary>
internal sealed class Download
{
    public required string Id { get; init; }
    public required string AssetId { get; init; }
    public required string SubmissionId { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>Module settings the module makes itself (the generated asset-link signing key).</summary>
internal sealed class ContentSetting
{
    public required string Key { get; init; }
    public required string Value { get; init; }
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
    /// <summary>Every consent box shown, with the exact text shown then: editing the form later never rewrites it.</summary>
    public List<FormConsentAnswer>? Consents { get; init; }
    public string? CampaignId { get; init; }
    public string? LandingPageId { get; init; }
    public string? AssetId { get; init; }
    public string? VisitorId { get; init; }
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
    public DbSet<Visit> Visits => Set<Visit>();
    public DbSet<VisitorLead> VisitorLeads => Set<VisitorLead>();
    public DbSet<Download> Downloads => Set<Download>();
    public DbSet<ContentSetting> Settings => Set<ContentSetting>();

    /// <summary>This save changes what a submission reads of its form (<see cref="FormCache"/>).</summary>
    private bool _formsChanged;

    protected override void OnSaving()
    {
        _formsChanged = false;
        foreach (var entry in ChangeTracker.Entries())
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Entity is Form or Asset or LandingPage or Campaign)
            {
                _formsChanged = true;
                return;
            }
    }

    protected override void OnSaved()
    {
        if (!_formsChanged) return;
        _formsChanged = false;
        AppService<FormCache>()?.Invalidate();
    }

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
            b.Property(x => x.Interest).HasMaxLength(64);
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
            b.Property(x => x.Language).HasMaxLength(2);
        });
        modelBuilder.Entity<Visit>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.VisitorId);
            b.HasIndex(x => x.At);
            b.HasIndex(x => x.LandingPageId);
            // The lead's timeline (GetContentTimeline): its visits, newest first.
            b.HasIndex(x => new { x.LeadId, x.At });
        });
        modelBuilder.Entity<VisitorLead>(b => b.HasKey(x => x.VisitorId));
        modelBuilder.Entity<Download>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.AssetId);
            b.HasIndex(x => x.SubmissionId);
        });
        modelBuilder.Entity<ContentSetting>(b => b.HasKey(x => x.Key));
        modelBuilder.Entity<Submission>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.FormId);
            b.Property(x => x.Fields).HasJsonConversion();
            b.Property(x => x.ConsentsGranted).HasJsonConversion();
            b.Property(x => x.Consents!).HasJsonConversion();
            b.HasIndex(x => x.SubmittedAt);
            b.HasIndex(x => x.LeadId);
        });
    }
}

internal sealed class SqliteContentDbContext(DbContextOptions<SqliteContentDbContext> options) : ContentDbContext(options);

internal sealed class PostgresContentDbContext(DbContextOptions<PostgresContentDbContext> options) : ContentDbContext(options);

internal sealed class SqliteContentDesignFactory : SqliteDesignTimeFactory<SqliteContentDbContext>;

internal sealed class PostgresContentDesignFactory() : PostgresDesignTimeFactory<PostgresContentDbContext>("content");
