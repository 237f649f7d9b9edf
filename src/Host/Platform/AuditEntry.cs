using Microsoft.EntityFrameworkCore;

namespace Tandem.Host.Platform;

/// <summary>
/// One fact of the privacy audit log (docs/compliance.md, "Audit"): what happened (<c>PrivacyAuditKinds</c>), to whom (an
/// id or a hash, never an address), why, who did it, when, and which module reported it.
/// </summary>
internal sealed class AuditEntry
{
    public long Id { get; init; }
    public required string Kind { get; init; }
    public string? Subject { get; init; }
    public string? Detail { get; init; }
    public string? By { get; init; }
    public required string Module { get; init; }
    public DateTimeOffset At { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<AuditEntry>(b =>
    {
        b.ToTable("AuditEntries");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.At);
        b.HasIndex(x => new { x.Kind, x.At });
        b.Property(x => x.Kind).HasMaxLength(32);
        b.Property(x => x.Subject).HasMaxLength(100);
        b.Property(x => x.Detail).HasMaxLength(2000);
        b.Property(x => x.By).HasMaxLength(200);
        b.Property(x => x.Module).HasMaxLength(32);
    });
}
