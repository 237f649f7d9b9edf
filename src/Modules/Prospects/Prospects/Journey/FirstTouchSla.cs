using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Prospects.Journey;

/// <summary>
/// The ownership SLA: a new prospect gets its first touch within <see cref="Hours"/> business hours — Monday to Friday,
/// (<c>WorkingDays</c>) <see cref="DayStart"/> to <see cref="DayEnd"/> in <see cref="TimeZone"/> (<c>Tandem:Prospects:Sla:*</c>; public holidays
/// are not known yet).
/// </summary>
internal sealed class FirstTouchSla(double hours, TimeSpan dayStart, TimeSpan dayEnd, TimeZoneInfo timeZone, IReadOnlySet<DayOfWeek> workingDays)
{
    public double Hours => hours;
    public TimeSpan DayStart => dayStart;
    public TimeSpan DayEnd => dayEnd;
    public TimeZoneInfo TimeZone => timeZone;

    public static FirstTouchSla FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Tandem:Prospects:Sla");
        var hours = section.GetValue("FirstTouchHours", 4.0);
        var start = TimeSpan.FromHours(section.GetValue("DayStartHour", 9));
        var end = TimeSpan.FromHours(section.GetValue("DayEndHour", 18));
        var days = section.GetSection("WorkingDays").Get<DayOfWeek[]>() is { Length: > 0 } configured
            ? configured.ToHashSet() : [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
        if (hours <= 0 || end <= start || end > TimeSpan.FromHours(24))
            throw new InvalidOperationException("Tandem:Prospects:Sla: FirstTouchHours > 0 and 0 ≤ DayStartHour < DayEndHour ≤ 24.");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(section["TimeZone"] ?? "Europe/Paris");
        return new FirstTouchSla(hours, start, end, zone, days);
    }

    /// <summary>When <paramref name="from"/> plus the SLA's business hours falls.</summary>
    public DateTimeOffset DeadlineFrom(DateTimeOffset from)
    {
        var local = TimeZoneInfo.ConvertTime(from, timeZone).DateTime;
        var left = TimeSpan.FromHours(hours);
        while (true)
        {
            if (!workingDays.Contains(local.DayOfWeek) || local.TimeOfDay >= dayEnd)
            {
                local = local.Date.AddDays(1) + dayStart;
                continue;
            }
            if (local.TimeOfDay < dayStart) local = local.Date + dayStart;
            var today = local.Date + dayEnd - local;
            if (left <= today) return ToUtc(local + left);
            left -= today;
            local = local.Date.AddDays(1) + dayStart;
        }
    }

    private DateTimeOffset ToUtc(DateTime local) =>
        new(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), timeZone), TimeSpan.Zero);
}

internal sealed class ListOverdueProspectsValidator : IValidator<ListOverdueProspects>
{
    public void Validate(ListOverdueProspects m, ValidationErrors errors) => errors.MaxLength("owner", m.Owner, Limits.Name);
}

/// <summary>
/// Open prospects without a first touch whose SLA deadline has passed, most overdue first. One query: every business
/// deadline is at least the SLA's hours after creation, so only prospects older than that are read.
/// </summary>
internal sealed class ListOverdueProspectsHandler(ProspectsDbContext db, FirstTouchSla sla, TimeProvider clock)
    : IQueryHandler<ListOverdueProspects, IReadOnlyList<OverdueProspect>>
{
    private const int Shown = 500;

    public async ValueTask<IReadOnlyList<OverdueProspect>> Handle(ListOverdueProspects query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var oldEnough = now - TimeSpan.FromHours(sla.Hours);
        IQueryable<Prospect> candidates = db.Prospects.AsNoTracking()
            .Where(p => p.FirstTouchAt == null && p.Outcome == ProspectOutcomes.Open && p.CreatedAt <= oldEnough);
        if (query.Owner is not null) candidates = candidates.Where(p => p.Owner == query.Owner);
        var rows = await candidates.Select(p => new { p.Id, p.LeadId, p.Owner, p.CreatedAt, p.FitScore }).ToListAsync(cancellationToken);
        return rows.Select(p => new OverdueProspect(p.Id, p.LeadId, p.Owner, p.FitScore, p.CreatedAt, sla.DeadlineFrom(p.CreatedAt)))
            .Where(p => p.DueBy <= now).OrderBy(p => p.DueBy).ThenBy(p => p.Id).Take(Shown).ToList();
    }
}
