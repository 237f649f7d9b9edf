using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Outreach.Data;

internal sealed record SequenceStep(string Kind, int WaitDays, string? Subject = null, string? Body = null, string? Instructions = null,
    List<SequenceBranch>? Branches = null, List<StepVariant>? Variants = null)
{
    /// <summary>The subject and body this step sends with <paramref name="variant"/> (a variant's own, else the step's).</summary>
    public (string? Subject, string? Body) Templates(StepVariant? variant) => (variant?.Subject ?? Subject, variant?.Body ?? Body);
}

/// <summary>An A/B variant of a step's templates (stored with the sequence's steps, as JSON).</summary>
internal sealed record StepVariant(string Name, int Weight, string? Subject = null, string? Body = null);

internal sealed class Sequence
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required List<SequenceStep> Steps { get; set; }
    public bool StopOnReply { get; set; } = true;
    /// <summary>New prospects are enrolled in it automatically (the newest such sequence wins).</summary>
    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What outreach knows of the person, taken from Prospects at enrolment (steps run without asking other modules).</summary>
internal sealed record ContactSnapshot(string? LeadId, string? Email, string? Phone, string? FirstName, string? LastName, string? Company, string? JobTitle,
    int FitScore, List<string> FitReasons, string? PersonaName, string? CallScript, string? TemplateVariant, bool PhoneUnusable = false,
    string? LinkedInUrl = null);

internal sealed class Enrollment
{
    public required string Id { get; init; }
    public required string ProspectId { get; init; }
    public required string SequenceId { get; init; }
    public required string Status { get; set; }
    public string? StopReason { get; set; }
    public string? Owner { get; set; }
    /// <summary>Lower-case email and E.164 phone, so that a channel event naming an address finds the enrolment.</summary>
    public string? Email { get; init; }
    public string? Phone { get; init; }
    /// <summary>
    /// The person's account (company), as a key: the company name without case, accents, spaces or punctuation — the way
    /// Prospects finds an account by name. A reply or a meeting at the account stops the others' sequences.
    /// </summary>
    public string? Account { get; init; }
    public required ContactSnapshot Contact { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    public static string? AccountKey(string? company)
    {
        if (string.IsNullOrWhiteSpace(company)) return null;
        var sb = new System.Text.StringBuilder(company.Length);
        foreach (var ch in company.Normalize(System.Text.NormalizationForm.FormD))
            if (char.IsLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
        return sb.Length == 0 ? null : sb.ToString()[..Math.Min(sb.Length, 200)];
    }

    public void Stop(string reason)
    {
        Status = EnrollmentStatuses.Stopped;
        StopReason = reason;
    }
}

/// <summary>
/// One step of one enrolment, stored when it becomes due: the scheduler claims these (lease: <see cref="LockedBy"/> and
/// <see cref="LockedUntil"/>), and its <see cref="Id"/> is the idempotency key of what it sends. Times are Unix
/// milliseconds so that the raw claim statement compares numbers on both providers.
/// </summary>
internal sealed class ScheduledStep
{
    public required string Id { get; init; }
    public required string EnrollmentId { get; init; }
    public required string ProspectId { get; init; }
    public int StepIndex { get; init; }
    public required string Kind { get; init; }
    /// <summary><see cref="StepStatuses"/>, or <c>waiting</c>: a rep task is open (shown as due).</summary>
    public required string Status { get; set; }
    public long DueAt { get; set; }
    public string? LockedBy { get; set; }
    public long? LockedUntil { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public string? BlockedReason { get; set; }
    public string? Outcome { get; set; }
    public long? DoneAt { get; set; }
    /// <summary>The A/B variant the step ran with (its name in the sequence's step), so that its results attach to it.</summary>
    public string? Variant { get; set; }

    public const string Waiting = "waiting";
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
    public string? Outcome { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One touch: a message sent or reported, a call, a meeting, a note.</summary>
internal sealed class Activity
{
    public required string Id { get; init; }
    public string? ProspectId { get; init; }
    public string? LeadId { get; init; }
    public string? EnrollmentId { get; init; }
    public string? StepId { get; init; }
    /// <summary>email, call, linkedin, meeting, note, task.</summary>
    public required string Channel { get; init; }
    /// <summary>sent, delivered, opened, clicked, replied, bounced, unsubscribed, call, meeting, note, task.</summary>
    public required string Kind { get; init; }
    public string? Outcome { get; init; }
    public int? DurationSeconds { get; init; }
    public string? Owner { get; init; }
    public string? Notes { get; init; }
    public string? ProviderMessageId { get; init; }
    /// <summary>The channel's event id: the same event reported twice is recorded once (unique).</summary>
    public string? EventId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>What the built-in record-only email channel would have sent (one row per idempotency key).</summary>
internal sealed class RecordedMessage
{
    public required string MessageId { get; init; }
    public required string Channel { get; init; }
    public required string Recipient { get; init; }
    public string? Subject { get; init; }
    public string? Body { get; init; }
    /// <summary>How many times the scheduler asked to send it (more than 1 after a crash: absorbed by the key).</summary>
    public int Requests { get; set; }
    public DateTimeOffset RecordedAt { get; init; }
    /// <summary>The recipient's one-click unsubscribe link the message carried (RFC 8058 headers).</summary>
    public string? UnsubscribeUrl { get; init; }
}

internal class OutreachDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public const string DefaultSequenceId = "default-callback";

    public override string Module => OutreachModule.ModuleName;

    public DbSet<Sequence> Sequences => Set<Sequence>();
    public DbSet<Enrollment> Enrollments => Set<Enrollment>();
    public DbSet<ScheduledStep> Steps => Set<ScheduledStep>();
    public DbSet<RepTaskEntity> Tasks => Set<RepTaskEntity>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<RecordedMessage> RecordedMessages => Set<RecordedMessage>();
    public DbSet<Privacy.SuppressionEntry> Suppressions => Set<Privacy.SuppressionEntry>();

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
            // A prospect is enrolled once per sequence, however often the announcement is delivered…
            b.HasIndex(x => new { x.ProspectId, x.SequenceId }).IsUnique();
            // …and has one active sequence at a time.
            b.HasIndex(x => x.ProspectId).IsUnique().HasFilter("\"Status\" = 'active'").HasDatabaseName("IX_Enrollments_ProspectId_Active");
            b.HasIndex(x => x.Email);
            b.HasIndex(x => x.Phone);
            b.HasIndex(x => new { x.Account, x.Status });
            b.Property(x => x.Contact).HasJsonConversion();
        });
        modelBuilder.Entity<ScheduledStep>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => new { x.EnrollmentId, x.StepIndex }).IsUnique();
            b.HasIndex(x => new { x.Status, x.DueAt });
        });
        modelBuilder.Entity<RepTaskEntity>(b =>
        {
            b.ToTable("Tasks");
            b.HasKey(x => x.Id);
            b.HasIndex(x => new { x.Status, x.Owner, x.DueAt });
            // Everyone's open tasks by due date (the manager's list): read in order, not sorted whole.
            b.HasIndex(x => new { x.Status, x.DueAt });
            b.HasIndex(x => x.ProspectId);
        });
        modelBuilder.Entity<Activity>(b =>
        {
            b.HasKey(x => x.Id);
            b.HasIndex(x => x.EventId).IsUnique();
            b.HasIndex(x => x.ProspectId);
            // The contact policy reads a batch's touches by lead too (a lead's history before it became a prospect).
            b.HasIndex(x => x.LeadId);
            b.HasIndex(x => x.OccurredAt);
            b.HasIndex(x => x.ProviderMessageId);
        });
        modelBuilder.Entity<RecordedMessage>(b => b.HasKey(x => x.MessageId));
        Privacy.SuppressionEntry.Configure(modelBuilder);
        Meetings.Meeting.Configure(modelBuilder);
        Meetings.BookingProfile.Configure(modelBuilder);
    }
}

internal sealed class SqliteOutreachDbContext(DbContextOptions<SqliteOutreachDbContext> options) : OutreachDbContext(options);

internal sealed class PostgresOutreachDbContext(DbContextOptions<PostgresOutreachDbContext> options) : OutreachDbContext(options);

internal sealed class SqliteOutreachDesignFactory : SqliteDesignTimeFactory<SqliteOutreachDbContext>;

internal sealed class PostgresOutreachDesignFactory() : PostgresDesignTimeFactory<PostgresOutreachDbContext>("outreach");
