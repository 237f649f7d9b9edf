using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Prospects.Icp;
using Tandem.Modules.Prospects.Journey;
using Tandem.Modules.Prospects.Qualification;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Prospects.Pipeline;

internal sealed class ListPipelineColumnValidator : IValidator<ListPipelineColumn>
{
    public void Validate(ListPipelineColumn m, ValidationErrors errors)
    {
        errors.Required("column", m.Column).OneOf("column", m.Column, PipelineColumns.All).SingleLine("owner", m.Owner, Limits.Name);
        errors.Page(m.Page, m.PageSize);
    }
}

/// <summary>
/// A column of the board: an open stage (the (Stage, Owner) index, then the outcome) or an outcome. Newest first, so that
/// what just arrived is on the first page.
/// </summary>
internal sealed class ListPipelineColumnHandler(ProspectsDbContext db) : IQueryHandler<ListPipelineColumn, ProspectPage>
{
    public async ValueTask<ProspectPage> Handle(ListPipelineColumn query, CancellationToken cancellationToken)
    {
        IQueryable<Prospect> prospects = db.Prospects.AsNoTracking();
        prospects = query.Column is PipelineColumns.Won or PipelineColumns.Lost
            ? prospects.Where(p => p.Outcome == query.Column)
            : prospects.Where(p => p.Stage == query.Column && p.Outcome == ProspectOutcomes.Open);
        if (query.Owner is not null) prospects = prospects.Where(p => p.Owner == query.Owner);
        var total = await prospects.CountAsync(cancellationToken);
        var items = await prospects.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new ProspectPage(items.Select(p => p.ToDetails()).ToList(), total, query.Page, query.PageSize);
    }
}

internal sealed class ListProspectOwnersHandler(OwnerAssignment owners) : IQueryHandler<ListProspectOwners, IReadOnlyList<string>>
{
    public ValueTask<IReadOnlyList<string>> Handle(ListProspectOwners query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>(owners.Reps.Select(r => r.Name).Distinct(StringComparer.Ordinal).ToList());
}

internal sealed class GetProspectOverviewValidator : IValidator<GetProspectOverview>
{
    public void Validate(GetProspectOverview m, ValidationErrors errors) =>
        errors.Required("prospectId", m.ProspectId).SingleLine("prospectId", m.ProspectId, Limits.Id);
}

/// <summary>The prospect, its persona and ICP by name, and the account of the lead's company (Leads' contract gives the company).</summary>
internal sealed class GetProspectOverviewHandler(ProspectsDbContext db, ISender sender) : IQueryHandler<GetProspectOverview, ProspectOverview>
{
    public async ValueTask<ProspectOverview> Handle(GetProspectOverview query, CancellationToken cancellationToken)
    {
        var p = await db.Prospects.AsNoTracking().FirstOrDefaultAsync(x => x.Id == query.ProspectId, cancellationToken)
            ?? throw new NotFoundException("Prospect", query.ProspectId);
        var persona = p.PersonaId is null ? null
            : await db.Personas.AsNoTracking().Where(x => x.Id == p.PersonaId).Select(x => x.Name).FirstOrDefaultAsync(cancellationToken);
        var icp = p.IcpId is null ? null
            : await db.Icps.AsNoTracking().Where(x => x.Id == p.IcpId).Select(x => x.Name).FirstOrDefaultAsync(cancellationToken);
        ProspectAccount? account = null;
        string? company = null;
        try { company = (await sender.Send(new GetLead(p.LeadId), cancellationToken)).Company; }
        catch (NotFoundException) { } // erased: no company, no account
        if (!string.IsNullOrWhiteSpace(company))
        {
            var normalized = CompiledIcp.Normalize(company);
            account = await db.Accounts.AsNoTracking().Where(a => a.NormalizedName == normalized)
                .Select(a => new ProspectAccount(a.Id, a.Name, a.Siren, a.NafCode, a.HeadcountBand, a.RevenueBand, a.Country, a.Departement))
                .FirstOrDefaultAsync(cancellationToken);
        }
        return new ProspectOverview(p.ToDetails(), persona, icp, account, p.OutcomeAt, p.LastTouchAt);
    }
}
