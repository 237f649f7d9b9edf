using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Numbers;

internal sealed class GetOutboundNumbersValidator : IValidator<GetOutboundNumbers>
{
    public void Validate(GetOutboundNumbers m, ValidationErrors errors)
    {
        if (m.To <= m.From) errors.Add("to", "Must be after from.");
        errors.SingleLine("owner", m.Owner, Limits.Name);
    }
}

/// <summary>
/// Counts touches in [From, To) by when they happened: calls made (call touches, whatever the outcome), emails sent,
/// replies, meetings booked (any touch with outcome meeting-booked), no-shows (meeting touches with outcome no-show);
/// prospects, won and lost come from Prospects. Response rate = replies / emails sent; win rate = won / (won + lost); at the
/// top level both 0 when the divisor is 0, in the breakdowns null.
/// Breakdowns (docs/outbound.md, "Numbers"): per owner (the touch's owner, the prospect's owner); per sequence and step, a
/// touch made by an enrolment counts for its sequence and the step that made it; a touch logged outside a sequence
/// (a meeting booked by phone, a no-show) and a prospect won or lost count for the prospect's latest enrolment and the
/// furthest step it ran. Prospects: per owner, created in the period; per sequence, enrolled in it; per step, whose step
/// ran in it. One grouped query per source, whatever the number of touches.
/// </summary>
internal sealed class GetOutboundNumbersHandler(OutreachDbContext db, ISender sender, SequenceCache sequences) : IQueryHandler<GetOutboundNumbers, OutboundNumbers>
{
    private const int Chunk = 500;

    public async ValueTask<OutboundNumbers> Handle(GetOutboundNumbers query, CancellationToken cancellationToken)
    {
        var touches = db.Activities.AsNoTracking().Where(a => a.OccurredAt >= query.From && a.OccurredAt < query.To);
        if (query.Owner is not null) touches = touches.Where(a => a.Owner == query.Owner);
        var counts = await (
            from a in touches
            join e in db.Enrollments on a.EnrollmentId equals e.Id into enrolled
            from e in enrolled.DefaultIfEmpty()
            join s in db.Steps on a.StepId equals s.Id into stepped
            from s in stepped.DefaultIfEmpty()
            group a by new
            {
                a.Owner, a.Channel, a.Kind, a.Outcome,
                SequenceId = e == null ? null : e.SequenceId,
                StepIndex = s == null ? (int?)null : s.StepIndex,
                // Outside a sequence: credited through the prospect (few such touches: logged by hand, meetings).
                ProspectId = a.EnrollmentId == null ? a.ProspectId : null,
            } into g
            select new TouchCount(g.Key.Owner, g.Key.Channel, g.Key.Kind, g.Key.Outcome, g.Key.SequenceId, g.Key.StepIndex, g.Key.ProspectId, g.Count()))
            .ToListAsync(cancellationToken);
        var prospects = await sender.Send(new GetProspectNumbers(query.From, query.To, query.Owner), cancellationToken);

        var total = new Tally();
        var byOwner = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        var bySequence = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var byStep = new Dictionary<(string Sequence, int Step), Tally>();
        Tally Owner(string? owner) => Get(byOwner, owner ?? "");
        Tally Sequence(string id) => Get(bySequence, id);
        Tally Step(string id, int step) => Get(byStep, (id, step));

        // Touches outside a sequence and decided prospects are credited to the prospect's latest enrolment and furthest step.
        var credited = await LatestEnrolmentsAsync(
            counts.Where(c => c.ProspectId is not null).Select(c => c.ProspectId!).Concat((prospects.Decided ?? []).Select(d => d.ProspectId)).Distinct().ToList(),
            cancellationToken);
        foreach (var c in counts)
        {
            var (sequenceId, stepIndex) = (c.SequenceId, c.StepIndex);
            if (sequenceId is null && c.ProspectId is not null && credited.TryGetValue(c.ProspectId, out var latest)) (sequenceId, stepIndex) = latest;
            foreach (var tally in Targets(total, Owner(c.Owner), sequenceId is null ? null : Sequence(sequenceId),
                         sequenceId is null || stepIndex is null ? null : Step(sequenceId, stepIndex.Value)))
                tally.Add(c);
        }
        foreach (var created in prospects.CreatedByOwner ?? []) Owner(created.Owner).Prospects += created.Prospects;
        foreach (var decided in prospects.Decided ?? [])
        {
            var latest = credited.GetValueOrDefault(decided.ProspectId);
            foreach (var tally in Targets(null, Owner(decided.Owner), latest.Sequence is null ? null : Sequence(latest.Sequence),
                         latest.Sequence is null || latest.Step is null ? null : Step(latest.Sequence, latest.Step.Value)))
                tally.Decide(decided.Outcome);
        }
        await CountProspectsPerSequenceAndStepAsync(query, bySequence, byStep, cancellationToken);

        var sequenceRows = new List<SequenceNumbers>();
        foreach (var (id, t) in bySequence)
        {
            var sequence = await sequences.GetAsync(db, id, cancellationToken);
            sequenceRows.Add(new SequenceNumbers(id, sequence.Name, t.Prospects, t.Calls, t.Emails, t.Replies, t.ResponseRate, t.Meetings, t.NoShows,
                t.Won, t.Lost, t.WinRate));
        }
        var stepRows = new List<StepNumbers>();
        foreach (var ((id, index), t) in byStep.OrderBy(x => x.Key.Sequence, StringComparer.Ordinal).ThenBy(x => x.Key.Step))
        {
            var sequence = await sequences.GetAsync(db, id, cancellationToken);
            var kind = index < sequence.Steps.Count ? sequence.Steps[index].Kind : "";
            stepRows.Add(new StepNumbers(id, index, kind, t.Prospects, t.Calls, t.Emails, t.Replies, t.ResponseRate, t.Meetings, t.NoShows,
                t.Won, t.Lost, t.WinRate));
        }
        var emails = total.Emails;
        return new OutboundNumbers(prospects.Prospects, total.Calls, emails, total.Replies, emails == 0 ? 0 : (double)total.Replies / emails, total.Meetings,
            prospects.Won, prospects.Lost, prospects.Won + prospects.Lost == 0 ? 0 : (double)prospects.Won / (prospects.Won + prospects.Lost), total.NoShows,
            byOwner.Select(x => new OwnerNumbers(x.Key.Length == 0 ? null : x.Key, x.Value.Prospects, x.Value.Calls, x.Value.Emails, x.Value.Replies,
                x.Value.ResponseRate, x.Value.Meetings, x.Value.NoShows, x.Value.Won, x.Value.Lost, x.Value.WinRate)).ToList(),
            sequenceRows.OrderBy(r => r.SequenceName, StringComparer.Ordinal).ThenBy(r => r.SequenceId, StringComparer.Ordinal).ToList(),
            stepRows);
    }

    private static IEnumerable<Tally> Targets(params Tally?[] tallies) => tallies.OfType<Tally>();

    private static Tally Get<TKey>(IDictionary<TKey, Tally> tallies, TKey key) where TKey : notnull
    {
        if (!tallies.TryGetValue(key, out var t)) tallies[key] = t = new Tally();
        return t;
    }

    /// <summary>Per prospect: the sequence of its latest enrolment and the furthest step that enrolment ran (null: none yet).</summary>
    private async Task<Dictionary<string, (string? Sequence, int? Step)>> LatestEnrolmentsAsync(List<string> prospectIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (string? Sequence, int? Step)>(StringComparer.Ordinal);
        foreach (var chunk in prospectIds.Chunk(Chunk))
        {
            var enrolments = await db.Enrollments.AsNoTracking().Where(e => chunk.Contains(e.ProspectId))
                .Select(e => new { e.Id, e.ProspectId, e.SequenceId, e.CreatedAt }).ToListAsync(cancellationToken);
            var latest = enrolments.GroupBy(e => e.ProspectId).Select(g => g.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id, StringComparer.Ordinal).First()).ToList();
            var ids = latest.Select(e => e.Id).ToList();
            var furthest = await db.Steps.AsNoTracking().Where(s => ids.Contains(s.EnrollmentId) && s.Status == StepStatuses.Done)
                .GroupBy(s => s.EnrollmentId).Select(g => new { g.Key, Step = g.Max(s => s.StepIndex) }).ToDictionaryAsync(x => x.Key, x => x.Step, cancellationToken);
            foreach (var e in latest) result[e.ProspectId] = (e.SequenceId, furthest.TryGetValue(e.Id, out var step) ? step : null);
        }
        return result;
    }

    private async Task CountProspectsPerSequenceAndStepAsync(GetOutboundNumbers query, Dictionary<string, Tally> bySequence,
        Dictionary<(string, int), Tally> byStep, CancellationToken cancellationToken)
    {
        var enrolments = db.Enrollments.AsNoTracking().Where(e => e.CreatedAt >= query.From && e.CreatedAt < query.To);
        if (query.Owner is not null) enrolments = enrolments.Where(e => e.Owner == query.Owner);
        foreach (var row in await enrolments.GroupBy(e => e.SequenceId).Select(g => new { g.Key, Count = g.Select(e => e.ProspectId).Distinct().Count() })
                     .ToListAsync(cancellationToken))
            Get(bySequence, row.Key).Prospects = row.Count;
        long fromMs = query.From.ToUnixTimeMilliseconds(), toMs = query.To.ToUnixTimeMilliseconds();
        var ran = from s in db.Steps.AsNoTracking()
                  where s.Status == StepStatuses.Done && s.DoneAt >= fromMs && s.DoneAt < toMs
                  join e in db.Enrollments on s.EnrollmentId equals e.Id
                  where query.Owner == null || e.Owner == query.Owner
                  group s by new { e.SequenceId, s.StepIndex } into g
                  select new { g.Key.SequenceId, g.Key.StepIndex, Count = g.Count() };
        foreach (var row in await ran.ToListAsync(cancellationToken)) Get(byStep, (row.SequenceId, row.StepIndex)).Prospects = row.Count;
    }

    private sealed record TouchCount(string? Owner, string Channel, string Kind, string? Outcome, string? SequenceId, int? StepIndex, string? ProspectId, int Count);

    private sealed class Tally
    {
        public int Prospects { get; set; }
        public int Calls { get; private set; }
        public int Emails { get; private set; }
        public int Replies { get; private set; }
        public int Meetings { get; private set; }
        public int NoShows { get; private set; }
        public int Won { get; private set; }
        public int Lost { get; private set; }
        public double? ResponseRate => Emails == 0 ? null : Math.Round((double)Replies / Emails, 4);
        public double? WinRate => Won + Lost == 0 ? null : Math.Round((double)Won / (Won + Lost), 4);

        public void Add(TouchCount c)
        {
            if (c.Kind == "call") Calls += c.Count;
            if (c.Channel == StepKinds.Email && c.Kind == "sent") Emails += c.Count;
            if (c.Kind == "replied") Replies += c.Count;
            if (c.Outcome == TaskOutcomes.MeetingBooked) Meetings += c.Count;
            if (c.Kind == "meeting" && c.Outcome == MeetingStatuses.NoShow) NoShows += c.Count;
        }

        public void Decide(string outcome)
        {
            if (outcome == ProspectOutcomes.Won) Won++;
            else if (outcome == ProspectOutcomes.Lost) Lost++;
        }
    }
}
