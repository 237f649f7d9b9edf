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
/// Per A/B variant (docs/outbound.md, "A/B variants"): the variant's step's own sends, opens and clicks; the replies and meetings of
/// the enrolments that received it, from its step on; the won and lost credited to those enrolments.
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
                Variant = s == null ? null : s.Variant,
                // Replies and meetings (few) keep their enrolment: they count for every A/B variant it received up to that step.
                Enrollment = a.Kind == "replied" || a.Outcome == TaskOutcomes.MeetingBooked ? a.EnrollmentId : null,
                // Outside a sequence: credited through the prospect (few such touches: logged by hand, meetings).
                ProspectId = a.EnrollmentId == null ? a.ProspectId : null,
            } into g
            select new TouchCount(g.Key.Owner, g.Key.Channel, g.Key.Kind, g.Key.Outcome, g.Key.SequenceId, g.Key.StepIndex, g.Key.ProspectId,
                g.Key.Variant, g.Key.Enrollment, g.Count()))
            .ToListAsync(cancellationToken);
        var prospects = await sender.Send(new GetProspectNumbers(query.From, query.To, query.Owner), cancellationToken);

        var total = new Tally();
        var byOwner = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        var bySequence = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var byStep = new Dictionary<(string Sequence, int Step), Tally>();
        Tally Owner(string? owner) => Get(byOwner, owner ?? "");
        Tally Sequence(string id) => Get(bySequence, id);
        Tally Step(string id, int step) => Get(byStep, (id, step));
        var byVariant = new Dictionary<(string Sequence, int Step, string Variant), Tally>();
        Tally Variant(string id, int step, string variant) => Get(byVariant, (id, step, variant));

        // Touches outside a sequence and decided prospects are credited to the prospect's latest enrolment and furthest step.
        var credited = await LatestEnrolmentsAsync(
            counts.Where(c => c.ProspectId is not null).Select(c => c.ProspectId!).Concat((prospects.Decided ?? []).Select(d => d.ProspectId)).Distinct().ToList(),
            cancellationToken);
        foreach (var c in counts)
        {
            var (sequenceId, stepIndex) = (c.SequenceId, c.StepIndex);
            if (sequenceId is null && c.ProspectId is not null && credited.TryGetValue(c.ProspectId, out var latest)) (sequenceId, stepIndex) = (latest.Sequence, latest.Step);
            foreach (var tally in Targets(total, Owner(c.Owner), sequenceId is null ? null : Sequence(sequenceId),
                         sequenceId is null || stepIndex is null ? null : Step(sequenceId, stepIndex.Value)))
                tally.Add(c);
            // A/B: the variant's own touches (sent, opened, clicked); replies and meetings are counted per enrolment below.
            if (c.Variant is not null && c.SequenceId is not null && c.StepIndex is not null) Variant(c.SequenceId, c.StepIndex.Value, c.Variant).AddOwn(c);
        }
        // A/B: replies and meetings booked by an enrolment, from each variant's step on, and the won and lost credited to it.
        var variantEnrollments = counts.Where(c => c.Enrollment is not null).Select(c => c.Enrollment!)
            .Concat(credited.Values.Where(x => x.Enrollment is not null).Select(x => x.Enrollment!)).Distinct(StringComparer.Ordinal).ToList();
        var variantsOf = await VariantsRunAsync(variantEnrollments, cancellationToken);
        void Credit(string? enrollment, string? sequenceId, int? upTo, Action<Tally> add)
        {
            if (enrollment is null || sequenceId is null || !variantsOf.TryGetValue(enrollment, out var ran)) return;
            foreach (var (step, variant) in ran)
                if (upTo is null || step <= upTo) add(Variant(sequenceId, step, variant));
        }
        foreach (var c in counts.Where(c => c.Enrollment is not null)) Credit(c.Enrollment, c.SequenceId, c.StepIndex, t => t.AddResult(c));
        foreach (var c in counts.Where(c => c.ProspectId is not null && (c.Kind == "replied" || c.Outcome == TaskOutcomes.MeetingBooked)))
            if (credited.TryGetValue(c.ProspectId!, out var latest)) Credit(latest.Enrollment, latest.Sequence, latest.Step, t => t.AddResult(c));
        foreach (var created in prospects.CreatedByOwner ?? []) Owner(created.Owner).Prospects += created.Prospects;
        foreach (var decided in prospects.Decided ?? [])
        {
            var latest = credited.TryGetValue(decided.ProspectId, out var l) ? l : default;
            foreach (var tally in Targets(null, Owner(decided.Owner), latest.Sequence is null ? null : Sequence(latest.Sequence),
                         latest.Sequence is null || latest.Step is null ? null : Step(latest.Sequence, latest.Step.Value)))
                tally.Decide(decided.Outcome);
            Credit(latest.Enrollment, latest.Sequence, latest.Step, t => t.Decide(decided.Outcome));
        }
        await CountProspectsPerSequenceAndStepAsync(query, bySequence, byStep, byVariant, cancellationToken);

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
        var variantRows = byVariant.OrderBy(x => x.Key.Sequence, StringComparer.Ordinal).ThenBy(x => x.Key.Step).ThenBy(x => x.Key.Variant, StringComparer.Ordinal)
            .Select(x => new VariantNumbers(x.Key.Sequence, x.Key.Step, x.Key.Variant, x.Value.Prospects, x.Value.Emails, x.Value.Opened, x.Value.Clicked,
                x.Value.Replies, x.Value.ResponseRate, x.Value.Meetings, x.Value.Won, x.Value.Lost, x.Value.WinRate)).ToList();
        var emails = total.Emails;
        return new OutboundNumbers(prospects.Prospects, total.Calls, emails, total.Replies, emails == 0 ? 0 : (double)total.Replies / emails, total.Meetings,
            prospects.Won, prospects.Lost, prospects.Won + prospects.Lost == 0 ? 0 : (double)prospects.Won / (prospects.Won + prospects.Lost), total.NoShows,
            byOwner.Select(x => new OwnerNumbers(x.Key.Length == 0 ? null : x.Key, x.Value.Prospects, x.Value.Calls, x.Value.Emails, x.Value.Replies,
                x.Value.ResponseRate, x.Value.Meetings, x.Value.NoShows, x.Value.Won, x.Value.Lost, x.Value.WinRate)).ToList(),
            sequenceRows.OrderBy(r => r.SequenceName, StringComparer.Ordinal).ThenBy(r => r.SequenceId, StringComparer.Ordinal).ToList(),
            stepRows, variantRows);
    }

    private static IEnumerable<Tally> Targets(params Tally?[] tallies) => tallies.OfType<Tally>();

    private static Tally Get<TKey>(IDictionary<TKey, Tally> tallies, TKey key) where TKey : notnull
    {
        if (!tallies.TryGetValue(key, out var t)) tallies[key] = t = new Tally();
        return t;
    }

    /// <summary>Per prospect: the sequence of its latest enrolment and the furthest step that enrolment ran (null: none yet).</summary>
    private async Task<Dictionary<string, (string? Sequence, int? Step, string? Enrollment)>> LatestEnrolmentsAsync(List<string> prospectIds,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (string? Sequence, int? Step, string? Enrollment)>(StringComparer.Ordinal);
        foreach (var chunk in prospectIds.Chunk(Chunk))
        {
            var enrolments = await db.Enrollments.AsNoTracking().Where(e => chunk.Contains(e.ProspectId))
                .Select(e => new { e.Id, e.ProspectId, e.SequenceId, e.CreatedAt }).ToListAsync(cancellationToken);
            var latest = enrolments.GroupBy(e => e.ProspectId).Select(g => g.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id, StringComparer.Ordinal).First()).ToList();
            var ids = latest.Select(e => e.Id).ToList();
            var furthest = await db.Steps.AsNoTracking().Where(s => ids.Contains(s.EnrollmentId) && s.Status == StepStatuses.Done)
                .GroupBy(s => s.EnrollmentId).Select(g => new { g.Key, Step = g.Max(s => s.StepIndex) }).ToDictionaryAsync(x => x.Key, x => x.Step, cancellationToken);
            foreach (var e in latest) result[e.ProspectId] = (e.SequenceId, furthest.TryGetValue(e.Id, out var step) ? step : null, e.Id);
        }
        return result;
    }

    /// <summary>Per enrolment: the steps it ran with an A/B variant (index, variant name), by chunks.</summary>
    private async Task<Dictionary<string, List<(int Step, string Variant)>>> VariantsRunAsync(List<string> enrollmentIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, List<(int, string)>>(StringComparer.Ordinal);
        foreach (var chunk in enrollmentIds.Chunk(Chunk))
        {
            var rows = await db.Steps.AsNoTracking().Where(s => chunk.Contains(s.EnrollmentId) && s.Variant != null && s.Status == StepStatuses.Done)
                .Select(s => new { s.EnrollmentId, s.StepIndex, s.Variant }).ToListAsync(cancellationToken);
            foreach (var r in rows)
            {
                if (!result.TryGetValue(r.EnrollmentId, out var list)) result[r.EnrollmentId] = list = [];
                list.Add((r.StepIndex, r.Variant!));
            }
        }
        return result;
    }

    private async Task CountProspectsPerSequenceAndStepAsync(GetOutboundNumbers query, Dictionary<string, Tally> bySequence,
        Dictionary<(string, int), Tally> byStep, Dictionary<(string, int, string), Tally> byVariant, CancellationToken cancellationToken)
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
                  group s by new { e.SequenceId, s.StepIndex, s.Variant } into g
                  select new { g.Key.SequenceId, g.Key.StepIndex, g.Key.Variant, Count = g.Count() };
        foreach (var row in await ran.ToListAsync(cancellationToken))
        {
            Get(byStep, (row.SequenceId, row.StepIndex)).Prospects += row.Count;
            if (row.Variant is not null) Get(byVariant, (row.SequenceId, row.StepIndex, row.Variant)).Prospects += row.Count;
        }
    }

    private sealed record TouchCount(string? Owner, string Channel, string Kind, string? Outcome, string? SequenceId, int? StepIndex, string? ProspectId,
        string? Variant, string? Enrollment, int Count);

    private sealed class Tally
    {
        public int Prospects { get; set; }
        public int Calls { get; private set; }
        public int Emails { get; private set; }
        public int Replies { get; private set; }
        public int Meetings { get; private set; }
        public int NoShows { get; private set; }
        public int Opened { get; private set; }
        public int Clicked { get; private set; }
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

        /// <summary>An A/B variant's own touches: the emails its step sent and the opens and clicks reported for them.</summary>
        public void AddOwn(TouchCount c)
        {
            if (c.Channel == StepKinds.Email && c.Kind == "sent") Emails += c.Count;
            if (c.Kind == ChannelEventKinds.Opened) Opened += c.Count;
            if (c.Kind == ChannelEventKinds.Clicked) Clicked += c.Count;
        }

        /// <summary>An A/B variant's results: the enrolment's replies and meetings booked from the variant's step on.</summary>
        public void AddResult(TouchCount c)
        {
            if (c.Kind == "replied") Replies += c.Count;
            if (c.Outcome == TaskOutcomes.MeetingBooked) Meetings += c.Count;
        }

        public void Decide(string outcome)
        {
            if (outcome == ProspectOutcomes.Won) Won++;
            else if (outcome == ProspectOutcomes.Lost) Lost++;
        }
    }
}
