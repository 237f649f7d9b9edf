using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Outreach.Data;

internal sealed record SequenceStep(string Kind, int WaitDays, string? Subject = null, string? Body = null, string? Instructions = null);

internal sealed class Sequence
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required List<SequenceStep> Steps { get; set; }
    public bool StopOnReply { get; set; } = true;
    /// <summary>The sequence new prospects are enrolled in automatically.</summary>
    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed record StepState(int Index, string Kind, string Status, DateTimeOffset? DueAt, string? BlockedReason);

internal sealed class Enrollment
{
    public required string Id { get; init; }
    public required string ProspectId { get; init; }
    public required string SequenceId { get; init; }
    public required string Status { get; set; }
    public string? StopReason { get; set; }
    public required List<StepState> Steps { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class RepTaskEntity
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string ProspectId { get; init; }
    public required string EnrollmentId { get; init; }
    public int StepIndex { get; init; }
    public string? Owner { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public string? Instructions { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

internal class OutreachDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string DefaultSequenceId = "default-callback";

    public override string Module => OutreachModule.ModuleName;

    public DbSet<Sequence> Sequences => Set<Sequence>();
    public DbSet<Enrollment> Enrollments => Set<Enrollment>();
    public DbSet<RepTaskEntity> Tasks => Set<RepTaskEntity>();

    protected override void OnModuleModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Sequence>(b =>
        {
            b.HasKey(x => x.Id);
            b.Property(x => x.Steps).HasJsonConversion();
            b.HasData(new Sequence
            {
                Id = DefaultSequenceId,
                Name = "Rappel puis étude énergétique gratuite / Callback, then free energy study",
                IsDefault = true,
                StopOnReply = true,
                CreatedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
                Steps =
                [
                    new SequenceStep("call", 0, Instructions: "Call back: the person asked to be called. Offer a free energy study and book it."),
                    new SequenceStep("email", 2, Subject: "Votre étude énergétique gratuite",
                        Body: "Bonjour, suite à votre demande, nous vous proposons une étude énergétique gratuite de votre logement."),
                ],
            });
        });
        modelBuilder.Entity<Enrollment>(b =>
        {
            b.HasKey(x => x.Id);
            // A prospect is enrolled once per sequence, however often the announcement is delivered.
            b.HasIndex(x => new { x.ProspectId, x.SequenceId }).IsUnique();
            b.Property(x => x.Steps).HasJsonConversion();
        });
        modelBuilder.Entity<RepTaskEntity>(b =>
        {
            b.ToTable("Tasks");
            b.HasKey(x => x.Id);
            b.HasIndex(x => new { x.Status, x.Owner, x.DueAt });
        });
    }
}

internal sealed class SqliteOutreachDbContext(DbContextOptions<SqliteOutreachDbContext> options) : OutreachDbContext(options);

internal sealed class PostgresOutreachDbContext(DbContextOptions<PostgresOutreachDbContext> options) : OutreachDbContext(options);

internal sealed class SqliteOutreachDesignFactory : SqliteDesignTimeFactory<SqliteOutreachDbContext>;

internal sealed class PostgresOutreachDesignFactory() : PostgresDesignTimeFactory<PostgresOutreachDbContext>("outreach");
