using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Meetings;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Timeline;

internal sealed class GetOutreachTimelineValidator : IValidator<GetOutreachTimeline>
{
    public void Validate(GetOutreachTimeline m, ValidationErrors errors) =>
        errors.Required("prospectId", m.ProspectId).SingleLine("prospectId", m.ProspectId, Limits.Id);
}

/// <summary>Four queries by the indexed prospect id (enrolments, touches, tasks, meetings), merged by time. An unknown prospect has an empty part.</summary>
internal sealed class GetOutreachTimelineHandler(OutreachDbContext db) : IQueryHandler<GetOutreachTimeline, IReadOnlyList<OutreachTimelineEntry>>
{
    /// <summary>A prospect worked for years stays readable: the newest entries of each kind.</summary>
    private const int MaxPerKind = 500;

    public async ValueTask<IReadOnlyList<OutreachTimelineEntry>> Handle(GetOutreachTimeline query, CancellationToken cancellationToken)
    {
        var id = query.ProspectId;
        var entries = new List<OutreachTimelineEntry>();
        var enrollments = await db.Enrollments.AsNoTracking().Where(e => e.ProspectId == id)
            .Select(e => new { e.Id, e.SequenceId, e.Status, e.StopReason, e.Owner, e.CreatedAt }).ToListAsync(cancellationToken);
        if (enrollments.Count > 0)
        {
            var sequenceIds = enrollments.Select(e => e.SequenceId).Distinct().ToList();
            var names = await db.Sequences.AsNoTracking().Where(s => sequenceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
            entries.AddRange(enrollments.Select(e => new OutreachTimelineEntry(e.CreatedAt, OutreachTimelineTypes.Enrolment,
                names.GetValueOrDefault(e.SequenceId) ?? e.SequenceId, e.StopReason ?? e.Status, e.Owner, null, e.Id)));
        }
        entries.AddRange((await db.Activities.AsNoTracking().Where(a => a.ProspectId == id).OrderByDescending(a => a.OccurredAt).Take(MaxPerKind)
                .ToListAsync(cancellationToken))
            .Select(a => new OutreachTimelineEntry(a.OccurredAt, OutreachTimelineTypes.Touch, a.Channel == a.Kind ? a.Kind : $"{a.Channel}/{a.Kind}",
                a.Outcome, a.Owner, a.Notes, a.Id)));
        entries.AddRange((await db.Tasks.AsNoTracking().Where(t => t.ProspectId == id).OrderByDescending(t => t.CreatedAt).Take(MaxPerKind)
                .ToListAsync(cancellationToken))
            .Select(t => new OutreachTimelineEntry(t.CompletedAt ?? t.DueAt, OutreachTimelineTypes.Task, t.Kind, t.Outcome ?? t.Status, t.Owner, t.Notes, t.Id)));
        entries.AddRange((await db.Set<Meeting>().AsNoTracking().Where(m => m.ProspectId == id).OrderByDescending(m => m.StartsAt).Take(MaxPerKind)
                .ToListAsync(cancellationToken))
            .Select(m => new OutreachTimelineEntry(m.StartsAt, OutreachTimelineTypes.Meeting, m.Source, m.Status, m.Owner, m.Notes, m.Id)));
        return entries.OrderBy(e => e.At).ToList();
    }
}
