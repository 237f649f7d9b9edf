using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Prospects.Journey;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Prospects.Privacy;

/// <summary>Prospects' part of a data-subject export: the prospects of the person's leads (docs/compliance.md).</summary>
internal sealed class ExportProspectsPersonalDataHandler(ProspectsDbContext db) : IQueryHandler<ExportProspectsPersonalData, ProspectsPersonalData>
{
    public async ValueTask<ProspectsPersonalData> Handle(ExportProspectsPersonalData query, CancellationToken cancellationToken)
    {
        var leadIds = query.LeadIds;
        var prospects = await db.Prospects.AsNoTracking().Where(p => leadIds.Contains(p.LeadId)).ToListAsync(cancellationToken);
        return new ProspectsPersonalData(prospects.Select(p => p.ToDetails()).ToList());
    }
}

/// <summary>Erases the prospects of the person's leads (one delete per 500 leads).</summary>
internal sealed class EraseProspectsPersonalDataHandler(ProspectsDbContext db) : ICommandHandler<EraseProspectsPersonalData, ProspectsPersonalDataErased>
{
    public async ValueTask<ProspectsPersonalDataErased> Handle(EraseProspectsPersonalData command, CancellationToken cancellationToken)
    {
        var erased = new List<string>();
        foreach (var chunk in command.LeadIds.Chunk(500))
        {
            erased.AddRange(await db.Prospects.AsNoTracking().Where(p => chunk.Contains(p.LeadId)).Select(p => p.Id).ToListAsync(cancellationToken));
            await db.WriteAsync(ct => db.Prospects.Where(p => chunk.Contains(p.LeadId)).ExecuteDeleteAsync(ct), cancellationToken);
        }
        return new ProspectsPersonalDataErased(erased);
    }
}
