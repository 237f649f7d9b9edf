using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Leads.Data;

internal sealed class Lead
{
    public required string Id { get; init; }
    /// <summary>Normalised: trimmed, lower case.</summary>
    public string? Email { get; set; }
    /// <summary>E.164.</summary>
    public string? Phone { get; set; }
    /// <summary>The LinkedIn profile, normalised (https://www.linkedin.com/in/&lt;slug&gt;): a third identity.</summary>
    public string? LinkedInUrl { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Company { get; set; }
    public string? JobTitle { get; set; }
    public string? PostalCode { get; set; }
    /// <summary>The phone number as typed when it is not a valid number (then <see cref="Phone"/> is null): kept, flagged.</summary>
    public string? PhoneAsTyped { get; set; }
    /// <summary>The company folded without legal form, for likely-duplicate proposals.</summary>
    public string? CompanyKey { get; set; }
    public required string Kind { get; set; }
    public required string Status { get; set; }
    /// <summary>The score (decayed) when last evaluated.</summary>
    public int Score { get; set; }
    public string JourneyStage { get; set; } = Contracts.JourneyStage.Awareness;
    /// <summary>Fields a rep edited, comma-separated: a merge never overwrites them, an unmerge never empties them.</summary>
    public string? EditedFields { get; set; }
    /// <summary>First touch: the channel and campaign the lead was created from (the source its numbers count under).</summary>
    public string? Channel { get; set; }
    public string? CampaignId { get; set; }
    public DateTimeOffset? QualifiedAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? RejectedAt { get; set; }
    public string? RejectionReason { get; set; }
    public DateTimeOffset? CustomerAt { get; set; }
    public DateTimeOffset? CallbackRequestedAt { get; set; }
    /// <summary>Names, company and email folded for search (lower case, no accents); kept up to date on every save.</summary>
    public string? SearchText { get; set; }
    /// <summary>Last name then first name, folded like <see cref="SearchText"/>: the indexed key of a last-name prefix search.</summary>
    public string? NameKey { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<LeadSourceEntry> Sources { get; init; } = [];
    public List<LeadConsentEntry> Consents { get; init; } = [];
    public List<ScoreEntry> ScoreEntries { get; init; } = [];

    /// <summary>A copy of the scalar fields (the lists are shared): what a bulk path changes without touching the original.</summary>
    public Lead Copy() => (Lead)MemberwiseClone();

    public bool IsEdited(string field) => EditedFields is { } edited && edited.Split(',').Contains(field);

    public void MarkEdited(string field)
    {
        if (!IsEdited(field)) EditedFields = EditedFields is null ? field : EditedFields + "," + field;
    }
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
    /// <summary>The merge that brought this touch (an unmerge moves it to the re-created lead).</summary>
    public string? MergeId { get; set; }
    /// <summary>A referral: the lead who referred this person.</summary>
    public string? ReferredBy { get; init; }
}

internal sealed class LeadConsentEntry
{
    public long Id { get; init; }
    public required string LeadId { get; init; }
    /// <summary>The channel the consent covers (email, phone, sms, post, any).</summary>
    public string Channel { get; init; } = ConsentChannel.Any;
    /// <summary>The person's kind when they gave or withdrew it (consumer or professional).</summary>
    public string Kind { get; init; } = LeadKind.Consumer;
    public string? MergeId { get; set; }
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
    /// <summary>The points the rule gave when it fired (the score itself uses the definition in force).</summary>
    public int Points { get; init; }
    public DateTimeOffset At { get; init; }
    /// <summary>What was done (form id, page id, asset id, email): the same rule and action score once per repeat window.</summary>
    public string? ActionKey { get; init; }
    public string? Interest { get; init; }
    public string? Detail { get; init; }
    public string? MergeId { get; set; }
}

/// <summary>A recorded merge of a capture into an existing lead, undoable.</summary>
internal sealed class LeadMerge
{
    public required string Id { get; init; }
    public required string LeadId { get; init; }
    public required string MatchedOn { get; init; }
    /// <summary>Fields this merge filled on the lead (comma-separated).</summary>
    public string? FilledFields { get; set; }
    /// <summary>What the capture carried (JSON of <see cref="CapturedContact"/>): the re-created lead is made from it.</summary>
    public required string Captured { get; init; }
    public string? Reference { get; init; }
    public DateTimeOffset At { get; init; }
    public DateTimeOffset? UndoneAt { get; set; }
    public string? UndoneBy { get; set; }
    public string? RecreatedLeadId { get; set; }
}

/// <summary>The contact fields of one capture, normalised.</summary>
internal sealed record CapturedContact(
    string? Email, string? Phone, string? PhoneAsTyped, string? FirstName, string? LastName, string? Company, string? JobTitle,
    string? PostalCode, string Kind, string? Channel, string? CampaignId, string? LinkedInUrl = null);

/// <summary>A status change, with who and why.</summary>
internal sealed class LeadStatusEntry
{
    public long Id { get; init; }
    public required string LeadId { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public string? Reason { get; init; }
    public string? By { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>One version of the shared MQL definition.</summary>
internal sealed class MqlDefinitionEntry
{
    public int Version { get; init; }
    /// <summary>The definition as JSON.</summary>
    public required string Definition { get; init; }
    public required string ChangedBy { get; init; }
    public DateTimeOffset ChangedAt { get; init; }
}

/// <summary>A CSV import: a background job that commits its rows in batches together with <see cref="CommittedRow"/>.</summary>
internal sealed class LeadImport
{
    public required string Id { get; init; }
    public required string Status { get; set; }
    public string? FileName { get; init; }
    public required string StagedFile { get; init; }
    public required string Source { get; init; }
    public required string Kind { get; init; }
    public string? CreatedBy { get; init; }
    /// <summary>The last row (spreadsheet numbering, header = 1) whose effects are committed: a resumed import starts after it.</summary>
    public int CommittedRow { get; set; }
    public int Rows { get; set; }
    public int Created { get; set; }
    public int Merged { get; set; }
    public int Rejected { get; set; }
    public string? Encoding { get; set; }
    public string? Delimiter { get; set; }
    public string? Failure { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
}

internal sealed class LeadImportError
{
    public long Id { get; init; }
    public required string ImportId { get; init; }
    public int Row { get; init; }
    public required string Message { get; init; }
}

internal class LeadsDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public override string Module => LeadsModule.ModuleName;

    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<LeadSourceEntry> Sources => Set<LeadSourceEntry>();
    public DbSet<LeadConsentEntry> Consents => Set<LeadConsentEntry>();
    public DbSet<ScoreEntry> ScoreEntries => Set<ScoreEntry>();
    public DbSet<LeadMerge> Merges => Set<LeadMerge>();
    public DbSet<LeadStatusEntry> StatusChanges => Set<LeadStatusEntry>();
    public DbSet<MqlDefinitionEntry> MqlDefinitions => Set<MqlDefinitionEntry>();
    public DbSet<LeadImport> Imports => Set<LeadImport>();
    public DbSet<LeadImportError> ImportErrors => Set<LeadImportError>();
    public DbSet<Privacy.ErasedIdentifier> ErasedIdentifiers => Set<Privacy.ErasedIdentifier>();

    /// <summary>Whatever changed a lead's names (a capture, a merge, a future edit), its search text follows.</summary>
    protected override void OnSaving()
    {
        // Changes were detected by the save (once, for every tracked entity); a modified lead is rescanned alone.
        foreach (var entry in ChangeTracker.Entries<Lead>())
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                entry.Entity.SearchText = LeadSearch.TextOf(entry.Entity);
                entry.Entity.NameKey = LeadSearch.NameKeyOf(entry.Entity);
                entry.Entity.CompanyKey = Normalisation.ContactNormalizer.CompanyKey(entry.Entity.Company);
                if (entry.State == EntityState.Modified) entry.DetectChanges();
            }
    }

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Lead>(b =>
        {
            b.HasKey(x => x.Id);
            // Unique: two concurrent captures of one person cannot both create; the loser retries and merges.
            b.HasIndex(x => x.Email).IsUnique();
            b.HasIndex(x => x.Phone).IsUnique();
            b.HasIndex(x => x.LinkedInUrl).IsUnique();
            b.Property(x => x.LinkedInUrl).HasMaxLength(Capture.LinkedInProfiles.MaxLength);
            // (Status, Id): a status filter reads its first page in id order from the index, without sorting every match.
            b.HasIndex(x => new { x.Status, x.Id });
            // Prefix search (ListLeads): first name first, last name first, company key and email are each an indexed range,
            // each index carrying the id, so that a search's matches are ordered by id from the indexes alone.
            b.HasIndex(x => new { x.SearchText, x.Id });
            b.HasIndex(x => new { x.NameKey, x.Id });
            b.HasIndex(x => new { x.CompanyKey, x.Id });
            // The email prefix reads the unique Email index (a second (Email, Id) index cost every insert a fifth B-tree
            // keyed at random, docs/performance.md "Lead import").
            b.HasIndex(x => x.PostalCode);
            b.HasIndex(x => x.CreatedAt);
            // Partial: most leads never get these dates; an index of NULLs is written by every insert and read by no query
            // (the numbers ask for a range, which implies NOT NULL on both providers).
            b.HasIndex(x => x.QualifiedAt).HasFilter("\"QualifiedAt\" IS NOT NULL");
            b.HasIndex(x => x.RejectedAt).HasFilter("\"RejectedAt\" IS NOT NULL");
            b.HasIndex(x => x.CustomerAt).HasFilter("\"CustomerAt\" IS NOT NULL");
            b.Property(x => x.Email).HasMaxLength(254);
            b.Property(x => x.PhoneAsTyped).HasMaxLength(32);
            b.Property(x => x.JourneyStage).HasMaxLength(20);
            b.Property(x => x.Channel).HasMaxLength(20);
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
            // Partial: only a merge's or a referral's entries carry these, and they are only ever looked up by value.
            b.HasIndex(x => x.MergeId).HasFilter("\"MergeId\" IS NOT NULL");
            b.Property(x => x.ReferredBy).HasMaxLength(Tandem.Modules.Shared.Errors.Limits.Id);
            b.HasIndex(x => x.ReferredBy).HasFilter("\"ReferredBy\" IS NOT NULL");
        });
        modelBuilder.Entity<LeadConsentEntry>(b =>
        {
            b.ToTable("LeadConsentEntry"); // the table's name from before it had a DbSet
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.MergeId);
            b.Property(x => x.Channel).HasMaxLength(20);
            b.Property(x => x.Kind).HasMaxLength(20);
        });
        modelBuilder.Entity<ScoreEntry>(b =>
        {
            b.ToTable("ScoreEntry");
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.MergeId);
        });
        modelBuilder.Entity<LeadMerge>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.LeadId);
        });
        modelBuilder.Entity<LeadStatusEntry>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.LeadId);
        });
        modelBuilder.Entity<MqlDefinitionEntry>(b =>
        {
            b.HasKey(x => x.Version);
            b.Property(x => x.Version).ValueGeneratedNever();
        });
        modelBuilder.Entity<LeadImport>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.Status);
        });
        modelBuilder.Entity<LeadImportError>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => new { x.ImportId, x.Row });
        });
        Privacy.ErasedIdentifier.Configure(modelBuilder);
    }
}

internal sealed class SqliteLeadsDbContext(DbContextOptions<SqliteLeadsDbContext> options) : LeadsDbContext(options);

internal sealed class PostgresLeadsDbContext(DbContextOptions<PostgresLeadsDbContext> options) : LeadsDbContext(options);

internal sealed class SqliteLeadsDesignFactory : SqliteDesignTimeFactory<SqliteLeadsDbContext>;

internal sealed class PostgresLeadsDesignFactory() : PostgresDesignTimeFactory<PostgresLeadsDbContext>("leads");
