using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Search;

internal sealed class GetLeadCardsValidator : IValidator<GetLeadCards>
{
    public void Validate(GetLeadCards m, ValidationErrors errors)
    {
        if (m.Ids is null) { errors.Add("ids", "This field is required."); return; }
        errors.MaxCount("ids", m.Ids, 200);
        for (var i = 0; i < m.Ids.Count; i++) errors.Required($"ids[{i}]", m.Ids[i]).SingleLine($"ids[{i}]", m.Ids[i], Limits.Id);
    }
}

/// <summary>One query by primary key for the whole page of cards.</summary>
internal sealed class GetLeadCardsHandler(LeadsDbContext db) : IQueryHandler<GetLeadCards, IReadOnlyList<LeadCard>>
{
    public async ValueTask<IReadOnlyList<LeadCard>> Handle(GetLeadCards query, CancellationToken cancellationToken)
    {
        if (query.Ids.Count == 0) return [];
        var ids = query.Ids.Distinct(StringComparer.Ordinal).ToList();
        return await db.Leads.AsNoTracking().Where(l => ids.Contains(l.Id))
            .Select(l => new LeadCard(l.Id, l.FirstName, l.LastName, l.Company, l.JobTitle))
            .ToListAsync(cancellationToken);
    }
}
