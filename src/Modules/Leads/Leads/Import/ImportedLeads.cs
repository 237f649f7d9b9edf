using System.Globalization;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;

namespace Tandem.Modules.Leads.Import;

/// <summary>
/// Every row of an import with its lead, in one query: each row left a source entry whose reference is
/// <c>import:{id}:{row}</c> (what another module needs to continue from an import, e.g. Prospects' outbound lists).
/// </summary>
internal sealed class GetImportedLeadsHandler(LeadsDbContext db) : IQueryHandler<GetImportedLeads, IReadOnlyList<ImportedLead>>
{
    public async ValueTask<IReadOnlyList<ImportedLead>> Handle(GetImportedLeads query, CancellationToken cancellationToken)
    {
        var detail = $"import:{query.ImportId}";
        var rows = await db.Sources.AsNoTracking().Where(s => s.Detail == detail && s.Reference != null)
            .Select(s => new { s.Reference, s.LeadId }).ToListAsync(cancellationToken);
        var result = new List<ImportedLead>(rows.Count);
        foreach (var r in rows)
            if (int.TryParse(r.Reference.AsSpan(r.Reference!.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var row))
                result.Add(new ImportedLead(row, r.LeadId));
        return result;
    }
}
