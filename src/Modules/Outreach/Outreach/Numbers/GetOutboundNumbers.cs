using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
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
/// replies, meetings booked (any touch with outcome meeting-booked); prospects, won and lost come from Prospects.
/// Response rate = replies / emails sent; win rate = won / (won + lost); both 0 when the divisor is 0.
/// </summary>
internal sealed class GetOutboundNumbersHandler(OutreachDbContext db, ISender sender) : IQueryHandler<GetOutboundNumbers, OutboundNumbers>
{
    public async ValueTask<OutboundNumbers> Handle(GetOutboundNumbers query, CancellationToken cancellationToken)
    {
        var touches = db.Activities.AsNoTracking().Where(a => a.OccurredAt >= query.From && a.OccurredAt < query.To);
        if (query.Owner is not null) touches = touches.Where(a => a.Owner == query.Owner);
        var counts = await touches.GroupBy(a => new { a.Channel, a.Kind, Meeting = a.Outcome == TaskOutcomes.MeetingBooked })
            .Select(g => new { g.Key.Channel, g.Key.Kind, g.Key.Meeting, Count = g.Count() }).ToListAsync(cancellationToken);
        var calls = counts.Where(c => c.Kind == "call").Sum(c => c.Count);
        var emails = counts.Where(c => c.Channel == StepKinds.Email && c.Kind == "sent").Sum(c => c.Count);
        var replies = counts.Where(c => c.Kind == "replied").Sum(c => c.Count);
        var meetings = counts.Where(c => c.Meeting).Sum(c => c.Count);
        var prospects = await sender.Send(new GetProspectNumbers(query.From, query.To, query.Owner), cancellationToken);
        return new OutboundNumbers(prospects.Prospects, calls, emails, replies, emails == 0 ? 0 : (double)replies / emails, meetings,
            prospects.Won, prospects.Lost, prospects.Won + prospects.Lost == 0 ? 0 : (double)prospects.Won / (prospects.Won + prospects.Lost));
    }
}
