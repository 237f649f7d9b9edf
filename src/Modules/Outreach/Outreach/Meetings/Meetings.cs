using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach.Meetings;

/// <summary>A meeting with a prospect: logged by a rep (booked on the phone) or picked on the rep's booking page.</summary>
internal sealed class Meeting
{
    public required string Id { get; init; }
    public string? ProspectId { get; init; }
    public string? LeadId { get; init; }
    public string? Owner { get; init; }
    public DateTimeOffset StartsAt { get; init; }
    public DateTimeOffset EndsAt { get; init; }
    public required string Status { get; set; }
    /// <summary><c>phone</c> or <c>booking-page</c>.</summary>
    public required string Source { get; init; }
    public string? AttendeeName { get; init; }
    public string? AttendeeEmail { get; init; }
    public string? Notes { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public MeetingDetails ToDetails() => new(Id, ProspectId, Owner, StartsAt, EndsAt, Status, Source, AttendeeName, Notes);

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<Meeting>(b =>
    {
        b.ToTable("Meetings");
        b.HasKey(x => x.Id);
        // A rep has one booked meeting at a given start: two people picking the same slot at once, one wins.
        b.HasIndex(x => new { x.Owner, x.StartsAt }).IsUnique().HasFilter("\"Status\" = 'booked'").HasDatabaseName("IX_Meetings_Owner_StartsAt_Booked");
        b.HasIndex(x => x.ProspectId);
    });
}

/// <summary>
/// Records a booked meeting the way every path does it: the meeting row, a <c>meeting</c> touch with outcome
/// <c>meeting-booked</c> (published: Prospects moves the prospect to decision), and the active sequence stopped with
/// reason <c>meeting-booked</c>. The caller saves.
/// </summary>
internal static class MeetingRecorder
{
    public static async Task RecordAsync(OutreachDbContext db, Meeting meeting, CancellationToken cancellationToken)
    {
        db.Set<Meeting>().Add(meeting);
        var flow = new StepFlow(db);
        flow.Log(new Activity
        {
            Id = Ids.New(), ProspectId = meeting.ProspectId, LeadId = meeting.LeadId, Channel = "meeting", Kind = "meeting", Outcome = TaskOutcomes.MeetingBooked,
            Owner = meeting.Owner, Notes = meeting.Notes, OccurredAt = meeting.CreatedAt, EventId = "meeting:" + meeting.Id,
        });
        if (meeting.ProspectId is { } prospectId)
            foreach (var e in await db.Enrollments.Where(e => e.ProspectId == prospectId && e.Status == EnrollmentStatuses.Active).ToListAsync(cancellationToken))
                await flow.StopAsync(e, StopReasons.MeetingBooked, cancellationToken);
    }
}

internal sealed class LogMeetingValidator : IValidator<LogMeeting>
{
    public void Validate(LogMeeting m, ValidationErrors errors)
    {
        errors.Required("prospectId", m.ProspectId).SingleLine("prospectId", m.ProspectId, Limits.Id).MultiLine("notes", m.Notes, Limits.Text);
        if (m.StartsAt == default) errors.Add("startsAt", "Give the meeting's start (ISO 8601).");
        if (m.DurationMinutes is < 5 or > 600) errors.Add("durationMinutes", "Between 5 and 600 minutes.");
    }
}

internal sealed class LogMeetingHandler(OutreachDbContext db, ISender sender, TimeProvider clock, BookingSettingsReader settings)
    : ICommandHandler<LogMeeting, MeetingDetails>
{
    public async ValueTask<MeetingDetails> Handle(LogMeeting command, CancellationToken cancellationToken)
    {
        ProspectDetails prospect;
        try
        {
            prospect = await sender.Send(new GetProspect(command.ProspectId), cancellationToken);
        }
        catch (NotFoundException)
        {
            throw ValidationFailedException.For("prospectId", $"No prospect has the id '{command.ProspectId}'.");
        }
        var minutes = command.DurationMinutes ?? (prospect.Owner is { } owner ? (await settings.ForAsync(owner, cancellationToken))?.MeetingMinutes : null) ?? 30;
        var meeting = new Meeting
        {
            Id = Ids.New(), ProspectId = prospect.Id, LeadId = prospect.LeadId, Owner = prospect.Owner, StartsAt = command.StartsAt.ToUniversalTime(),
            EndsAt = command.StartsAt.ToUniversalTime().AddMinutes(minutes), Status = MeetingStatuses.Booked, Source = "phone", Notes = command.Notes,
            CreatedAt = clock.GetUtcNow(),
        };
        await MeetingRecorder.RecordAsync(db, meeting, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("The owner already has a meeting at that time.", $"{meeting.Owner} has a booked meeting starting at {meeting.StartsAt:O}.");
        }
        return meeting.ToDetails();
    }
}

internal sealed class RecordNoShowHandler(OutreachDbContext db, TimeProvider clock) : ICommandHandler<RecordNoShow, MeetingDetails>
{
    public async ValueTask<MeetingDetails> Handle(RecordNoShow command, CancellationToken cancellationToken)
    {
        var meeting = await db.Set<Meeting>().FirstOrDefaultAsync(m => m.Id == command.MeetingId, cancellationToken)
                      ?? throw new NotFoundException("meeting", command.MeetingId);
        if (meeting.Status == MeetingStatuses.NoShow) return meeting.ToDetails();
        meeting.Status = MeetingStatuses.NoShow;
        new StepFlow(db).Log(new Activity
        {
            Id = Ids.New(), ProspectId = meeting.ProspectId, LeadId = meeting.LeadId, Channel = "meeting", Kind = "meeting", Outcome = MeetingStatuses.NoShow,
            Owner = meeting.Owner, OccurredAt = clock.GetUtcNow(), EventId = "no-show:" + meeting.Id,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Reported twice at once: the unique event id kept one.
            db.ChangeTracker.Clear();
        }
        return meeting.ToDetails();
    }
}

internal sealed class GetMeetingHandler(OutreachDbContext db) : IQueryHandler<GetMeeting, MeetingDetails>
{
    public async ValueTask<MeetingDetails> Handle(GetMeeting query, CancellationToken cancellationToken) =>
        (await db.Set<Meeting>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == query.Id, cancellationToken))?.ToDetails()
        ?? throw new NotFoundException("meeting", query.Id);
}
