using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Prospects.Icp;
using Tandem.Modules.Prospects.Personas;
using Tandem.Modules.Shared.Errors;
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
        var persona = PersonaMatcher.Best(personas, lead.JobTitle);
        var now = clock.GetUtcNow();
        var count = owners.HasOwners ? await db.Prospects.CountAsync(cancellationToken) : 0;
        var prospect = new Prospect
        {
            Id = Ids.New(),
            LeadId = lead.LeadId,
            Kind = lead.Kind,
            FitScore = fit.Score,
            FitReasons = fit.Fits ? [.. fit.Reasons] : [.. fit.Reasons, "Below the minimum fit: qualified by hand."],
            IcpId = fit.IcpId,
            PersonaId = persona?.Id,
            Owner = owners.Next(count, facts.Departement),
            // Asking for a callback after reading a guide is consideration; otherwise the buyer is still becoming aware.
            Stage = lead.CallbackRequested ? ProspectStages.Consideration : ProspectStages.Awareness,
            Outcome = ProspectOutcomes.Open,
            CreatedAt = now,
        };
        db.Prospects.Add(prospect);
        db.Publish(new ProspectQualified(prospect.Id, lead.LeadId, lead.Kind, prospect.FitScore, prospect.Owner, prospect.Stage,
            lead.CallbackRequested, lead.CallbackRequestedAt, now));
        await db.SaveChangesAsync(cancellationToken);
        return new QualifyLeadResult(prospect.Id, Created: true);
    }

    private async Task<ProspectFacts> FactsAsync(LeadFacts lead, CancellationToken cancellationToken)
    {
        Account? account = null;
        if (!string.IsNullOrWhiteSpace(lead.Company))
        {
            var normalized = CompiledIcp.Normalize(lead.Company);
            account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedName == normalized, cancellationToken);
        }
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

/// <summary>A lead became an MQL: check it against the ICP (once per MQL, whatever the redeliveries).</summary>
internal sealed class QualifyMql(ProspectsDbContext db, Qualification qualification) : INotificationHandler<LeadQualified>
{
    public async ValueTask Handle(LeadQualified notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(QualifyMql), cancellationToken)) return;
        await qualification.QualifyAsync(new LeadFacts(notification.LeadId, notification.Kind, notification.Company, notification.JobTitle,
            notification.PostalCode, notification.CallbackRequested, notification.CallbackRequestedAt), byHand: false, cancellationToken);
    }
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
