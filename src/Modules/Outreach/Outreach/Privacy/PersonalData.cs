using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Compliance;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Outreach.Privacy;

/// <summary>The enrolments of the people named by lead, prospect, email or phone (the addresses as stored: lower-case email, E.164).</summary>
internal static class PersonalDataScope
{
    public static IQueryable<Enrollment> Enrollments(OutreachDbContext db, IReadOnlyList<string> prospectIds, IReadOnlyList<string> emails, IReadOnlyList<string> phones) =>
        db.Enrollments.Where(e => prospectIds.Contains(e.ProspectId) || (e.Email != null && emails.Contains(e.Email)) || (e.Phone != null && phones.Contains(e.Phone)));
}

/// <summary>Outreach's part of a data-subject export: enrolments with their steps, touches, tasks, recorded emails, suppression entries.</summary>
internal sealed class ExportOutreachPersonalDataHandler(OutreachDbContext db, ISender sender) : IQueryHandler<ExportOutreachPersonalData, OutreachPersonalData>
{
    public async ValueTask<OutreachPersonalData> Handle(ExportOutreachPersonalData query, CancellationToken cancellationToken)
    {
        var (leadIds, emails, phones) = (query.LeadIds, query.Emails, query.Phones);
        var enrollmentRows = await PersonalDataScope.Enrollments(db, query.ProspectIds, emails, phones).AsNoTracking()
            .Select(e => new { e.Id, e.ProspectId }).ToListAsync(cancellationToken);
        var enrollmentIds = enrollmentRows.Select(e => e.Id).ToList();
        var prospectIds = query.ProspectIds.Concat(enrollmentRows.Select(e => e.ProspectId)).Distinct().ToList();
        var enrollments = new List<EnrollmentDetails>(enrollmentIds.Count);
        foreach (var id in enrollmentIds) enrollments.Add(await sender.Send(new GetEnrollment(id), cancellationToken));
        var activities = await db.Activities.AsNoTracking()
            .Where(a => (a.ProspectId != null && prospectIds.Contains(a.ProspectId)) || (a.LeadId != null && leadIds.Contains(a.LeadId))
                        || (a.EnrollmentId != null && enrollmentIds.Contains(a.EnrollmentId)))
            .OrderBy(a => a.OccurredAt)
            .Select(a => new PersonalActivity(a.Id, a.ProspectId, a.LeadId, a.Channel, a.Kind, a.Outcome, a.Owner, a.Notes, a.DurationSeconds, a.OccurredAt))
            .ToListAsync(cancellationToken);
        var tasks = await db.Tasks.AsNoTracking().Where(t => prospectIds.Contains(t.ProspectId) || enrollmentIds.Contains(t.EnrollmentId))
            .Select(t => new PersonalTask(t.Id, t.Kind, t.ProspectId, t.Status, t.Outcome, t.Notes, t.Owner, t.DueAt, t.CompletedAt))
            .ToListAsync(cancellationToken);
        var recipients = emails.Concat(phones).ToList();
        var messages = await db.RecordedMessages.AsNoTracking().Where(m => recipients.Contains(m.Recipient))
            .Select(m => new PersonalMessage(m.MessageId, m.Recipient, m.Subject, m.Body, m.RecordedAt)).ToListAsync(cancellationToken);
        var hashes = emails.SelectMany(e => SuppressionList.HashesOf(e, null)).Concat(phones.SelectMany(p => SuppressionList.HashesOf(null, p))).ToList();
        var suppressions = await db.Suppressions.AsNoTracking().Where(s => hashes.Contains(s.Hash))
            .Select(s => new PersonalSuppression(s.Kind, s.Value, s.Reason, s.CreatedAt)).ToListAsync(cancellationToken);
        return new OutreachPersonalData(enrollments, activities, tasks, messages, suppressions);
    }
}

/// <summary>
/// Erases what Outreach holds about the people (set-based deletes, any number of people at once) and leaves their email
/// and phone on the suppression list as hashes only (existing clear entries lose their value): never contacted again.
/// </summary>
internal sealed class EraseOutreachPersonalDataHandler(OutreachDbContext db, TimeProvider clock) : ICommandHandler<EraseOutreachPersonalData, OutreachPersonalDataErased>
{
    public async ValueTask<OutreachPersonalDataErased> Handle(EraseOutreachPersonalData command, CancellationToken cancellationToken)
    {
        var (leadIds, emails, phones) = (command.LeadIds, command.Emails, command.Phones);
        var enrollmentRows = await PersonalDataScope.Enrollments(db, command.ProspectIds, emails, phones).AsNoTracking()
            .Select(e => new { e.Id, e.ProspectId }).ToListAsync(cancellationToken);
        var enrollmentIds = enrollmentRows.Select(e => e.Id).ToList();
        var prospectIds = command.ProspectIds.Concat(enrollmentRows.Select(e => e.ProspectId)).Distinct().ToList();
        var recipients = emails.Concat(phones).ToList();
        var deleted = await db.WriteAsync(async ct =>
        {
            var n = await db.Activities.Where(a => (a.ProspectId != null && prospectIds.Contains(a.ProspectId)) || (a.LeadId != null && leadIds.Contains(a.LeadId))
                                                  || (a.EnrollmentId != null && enrollmentIds.Contains(a.EnrollmentId))).ExecuteDeleteAsync(ct);
            n += await db.Tasks.Where(t => prospectIds.Contains(t.ProspectId) || enrollmentIds.Contains(t.EnrollmentId)).ExecuteDeleteAsync(ct);
            n += await db.Steps.Where(s => enrollmentIds.Contains(s.EnrollmentId) || prospectIds.Contains(s.ProspectId)).ExecuteDeleteAsync(ct);
            n += await db.Enrollments.Where(e => enrollmentIds.Contains(e.Id)).ExecuteDeleteAsync(ct);
            n += await db.RecordedMessages.Where(m => recipients.Contains(m.Recipient)).ExecuteDeleteAsync(ct);
            return n;
        }, cancellationToken);
        var entries = emails.Select(e => (PersonalDataHash.Email, e)).Concat(phones.Select(p => (PersonalDataHash.Phone, p))).ToList();
        if (!command.Suppress)
        {
            // Retention: no new entry, but those already there (an objection) stay, hashed.
            var hashes = entries.Select(e => PersonalDataHash.Of(e.Item1, e.Item2)).ToList();
            entries = await db.Suppressions.Where(s => hashes.Contains(s.Hash)).Select(s => new { s.Kind, s.Hash }).ToListAsync(cancellationToken) is { Count: > 0 } listed
                ? entries.Where(e => listed.Any(l => l.Hash == PersonalDataHash.Of(e.Item1, e.Item2))).ToList()
                : [];
        }
        var (added, present) = await SuppressionList.AddAsync(db, entries, command.Reason, "erasure", hashedOnly: true, clock.GetUtcNow(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return new OutreachPersonalDataErased(deleted, added + present);
    }
}

/// <summary>The retention purge's check on Outreach's side: touches since the cut-off that are interactions (opens and deliveries are not).</summary>
internal sealed class FindLeadsTouchedSinceHandler(OutreachDbContext db) : IQueryHandler<FindLeadsTouchedSince, LeadsTouched>
{
    private static readonly string[] NotInteractions = [ChannelEventKinds.Opened, ChannelEventKinds.Delivered];

    public async ValueTask<LeadsTouched> Handle(FindLeadsTouchedSince query, CancellationToken cancellationToken)
    {
        var touched = new List<string>();
        foreach (var chunk in query.LeadIds.Chunk(1000))
            touched.AddRange(await db.Activities.AsNoTracking()
                .Where(a => a.LeadId != null && chunk.Contains(a.LeadId) && a.OccurredAt >= query.Since && !NotInteractions.Contains(a.Kind))
                .Select(a => a.LeadId!).Distinct().ToListAsync(cancellationToken));
        return new LeadsTouched(touched);
    }
}
