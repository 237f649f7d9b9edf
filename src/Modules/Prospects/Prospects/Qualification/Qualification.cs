using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Prospects.Icp;
using Tandem.Modules.Prospects.Personas;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Prospects.Qualification;

/// <summary>What the ICP check needs to know about a lead.</summary>
internal sealed record LeadFacts(string LeadId, string Kind, string? Company, string? JobTitle, string? PostalCode, bool CallbackRequested,
    DateTimeOffset? CallbackRequestedAt, string? Source = null);

internal sealed partial class Qualification(ProspectsDbContext db, OwnerAssignment owners, IcpCache icps, TimeProvider clock, ILogger<Qualification> logger)
{
    /// <summary>
    /// Scores the lead against every ICP (with its account's firmographics), matches its persona, assigns an owner and
    /// creates the prospect once per lead. <paramref name="byHand"/>: a rep's decision, made even below the minimum fit.
    /// Returns null when an automatic qualification does not fit.
    /// </summary>
    public async Task<QualifyLeadResult?> QualifyAsync(LeadFacts lead, bool byHand, CancellationToken cancellationToken)
    {
        var existing = await db.Prospects.AsNoTracking().Where(p => p.LeadId == lead.LeadId).Select(p => p.Id).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            await db.SaveChangesAsync(cancellationToken); // keeps the inbox record of a redelivery
            return new QualifyLeadResult(existing, Created: false);
        }
        var facts = await FactsAsync(lead, cancellationToken);
        var fit = IcpScoring.Best(await icps.GetAsync(db, cancellationToken), facts);
        if (!fit.Fits && !byHand)
        {
            LogNotFitting(logger, lead.LeadId, fit.Score, fit.MinFit);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        var personas = await db.Personas.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        var count = owners.HasOwners ? await db.Prospects.CountAsync(cancellationToken) : 0;
        var prospect = Add(lead, facts, fit, personas, count);
        await db.SaveChangesAsync(cancellationToken);
        return new QualifyLeadResult(prospect.Id, Created: true);
    }

    /// <summary>
    /// <see cref="QualifyAsync"/> for many MQLs at once (automatic qualification only): the existing prospects, the accounts,
    /// the personas and the owner count are read once for all of them, and the new prospects commit together.
    /// </summary>
    public async Task QualifyManyAsync(IReadOnlyList<LeadFacts> leads, CancellationToken cancellationToken)
    {
        var leadIds = leads.Select(l => l.LeadId).Distinct().ToList();
        var done = (await db.Prospects.AsNoTracking().Where(p => leadIds.Contains(p.LeadId)).Select(p => p.LeadId).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var names = leads.Where(l => !string.IsNullOrWhiteSpace(l.Company)).Select(l => CompiledIcp.Normalize(l.Company!)).Distinct().ToList();
        var accounts = names.Count == 0
            ? []
            : (await db.Accounts.AsNoTracking().Where(a => names.Contains(a.NormalizedName)).ToListAsync(cancellationToken))
                .DistinctBy(a => a.NormalizedName).ToDictionary(a => a.NormalizedName, StringComparer.Ordinal);
        var icpList = await icps.GetAsync(db, cancellationToken);
        List<Persona>? personas = null;
        int? count = null;
        foreach (var lead in leads)
        {
            if (!done.Add(lead.LeadId)) continue;
            var account = string.IsNullOrWhiteSpace(lead.Company) ? null : accounts.GetValueOrDefault(CompiledIcp.Normalize(lead.Company));
            var facts = FactsOf(lead, account);
            var fit = IcpScoring.Best(icpList, facts);
            if (!fit.Fits)
            {
                LogNotFitting(logger, lead.LeadId, fit.Score, fit.MinFit);
                continue;
            }
            personas ??= await db.Personas.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
            count ??= owners.HasOwners ? await db.Prospects.CountAsync(cancellationToken) : 0;
            Add(lead, facts, fit, personas, count.Value);
            count++;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The prospect of a qualified lead, with its <see cref="ProspectQualified"/> announcement; saved by the caller.</summary>
    private Prospect Add(LeadFacts lead, ProspectFacts facts, FitResult fit, List<Persona> personas, int prospectCount)
    {
        var persona = PersonaMatcher.Best(personas, lead.JobTitle);
        var now = clock.GetUtcNow();
        var prospect = new Prospect
        {
            Id = Ids.New(),
            LeadId = lead.LeadId,
            Kind = lead.Kind,
            FitScore = fit.Score,
            FitReasons = fit.Fits ? [.. fit.Reasons] : [.. fit.Reasons, "Below the minimum fit: qualified by hand."],
            IcpId = fit.IcpId,
            PersonaId = persona?.Id,
            Owner = owners.Next(prospectCount, facts.Departement),
            // Asking for a callback after reading a guide is consideration; otherwise the buyer is still becoming aware.
            Stage = lead.CallbackRequested ? ProspectStages.Consideration : ProspectStages.Awareness,
            Outcome = ProspectOutcomes.Open,
            CreatedAt = now,
        };
        db.Prospects.Add(prospect);
        db.Publish(new ProspectQualified(prospect.Id, lead.LeadId, lead.Kind, prospect.FitScore, prospect.Owner, prospect.Stage,
            lead.CallbackRequested, lead.CallbackRequestedAt, now));
        return prospect;
    }

    private async Task<ProspectFacts> FactsAsync(LeadFacts lead, CancellationToken cancellationToken)
    {
        Account? account = null;
        if (!string.IsNullOrWhiteSpace(lead.Company))
        {
            var normalized = CompiledIcp.Normalize(lead.Company);
            account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedName == normalized, cancellationToken);
        }
        return FactsOf(lead, account);
    }

    private static ProspectFacts FactsOf(LeadFacts lead, Account? account)
    {
        var departement = ProspectFacts.DepartementOf(lead.PostalCode) ?? account?.Departement;
        return new ProspectFacts
        {
            Kind = lead.Kind, Company = lead.Company, JobTitle = lead.JobTitle, PostalCode = lead.PostalCode, Departement = departement,
            Country = account?.Country ?? (departement is not null ? "FR" : null), NafCode = account?.NafCode, HeadcountBand = account?.HeadcountBand,
            RevenueBand = account?.RevenueBand, Source = lead.Source,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} does not fit any ICP (fit {Score}, minimum {MinFit}): not a prospect")]
    private static partial void LogNotFitting(ILogger logger, string leadId, int score, int minFit);
}

/// <summary>
/// A lead became an MQL: check it against the ICP (once per MQL, whatever the redeliveries). A batch consumer: the MQLs of
/// one outbox claim are qualified together (docs/architecture.md, "Batch consumers").
/// </summary>
internal sealed class QualifyMql(ProspectsDbContext db, Qualification qualification) : IBatchNotificationHandler<LeadQualified>
{
    public async ValueTask Handle(LeadQualified notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(QualifyMql), cancellationToken)) return;
        await qualification.QualifyAsync(Facts(notification), byHand: false, cancellationToken);
    }

    public async ValueTask Handle(IReadOnlyList<Delivery<LeadQualified>> batch, CancellationToken cancellationToken)
    {
        var fresh = await db.BeginConsumeBatchAsync(nameof(QualifyMql), batch, cancellationToken);
        await qualification.QualifyManyAsync(fresh.Select(d => Facts(d.Notification)).ToList(), cancellationToken);
    }

    private static LeadFacts Facts(LeadQualified n) =>
        new(n.LeadId, n.Kind, n.Company, n.JobTitle, n.PostalCode, n.CallbackRequested, n.CallbackRequestedAt);
}

internal sealed class QualifyLeadValidator : IValidator<QualifyLead>
{
    public void Validate(QualifyLead m, ValidationErrors errors) => errors.Required("leadId", m.LeadId).SingleLine("leadId", m.LeadId, Limits.Id);
}

/// <summary>A rep qualifies a lead by hand: the lead is read from Leads through its contract.</summary>
internal sealed class QualifyLeadHandler(ISender sender, Qualification qualification) : ICommandHandler<QualifyLead, QualifyLeadResult>
{
    public async ValueTask<QualifyLeadResult> Handle(QualifyLead command, CancellationToken cancellationToken)
    {
        LeadDetails lead;
        try
        {
            lead = await sender.Send(new GetLead(command.LeadId), cancellationToken);
        }
        catch (NotFoundException)
        {
            throw ValidationFailedException.For("leadId", $"No lead has the id '{command.LeadId}'.");
        }
        return (await qualification.QualifyAsync(new LeadFacts(lead.Id, lead.Kind, lead.Company, lead.JobTitle, lead.PostalCode,
            lead.CallbackRequested, null, lead.Sources.FirstOrDefault()?.Channel), byHand: true, cancellationToken))!;
    }
}
