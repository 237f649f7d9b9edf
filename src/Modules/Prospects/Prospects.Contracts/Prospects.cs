using Mediator;

namespace Tandem.Modules.Prospects.Contracts;

/// <summary>Check a lead against the ICP and make it a prospect (by hand, or when it became an MQL).</summary>
public sealed record QualifyLead(string LeadId) : ICommand<QualifyLeadResult>;

/// <summary>The prospect the lead is now, and whether this call created it.</summary>
public sealed record QualifyLeadResult(string ProspectId, bool Created);

/// <summary>One prospect.</summary>
public sealed record GetProspect(string Id) : IQuery<ProspectDetails>;

/// <summary>Prospects filtered by stage and owner.</summary>
public sealed record ListProspects(string? Stage, string? Owner, string? LeadId, int Page = 1, int PageSize = 50) : IQuery<ProspectPage>;

/// <summary>A prospect as the API shows it.</summary>
public sealed record ProspectDetails(
    string Id,
    string LeadId,
    ProspectFit Fit,
    string? PersonaId,
    string? Owner,
    string Stage,
    string Outcome,
    DateTimeOffset CreatedAt);

/// <summary>ICP fit score (0..100) with the reasons.</summary>
public sealed record ProspectFit(int Score, IReadOnlyList<string> Reasons);

/// <summary>A page of prospects.</summary>
public sealed record ProspectPage(IReadOnlyList<ProspectDetails> Items, int Total, int Page, int PageSize);

/// <summary>A lead fitted the ICP and became a prospect.</summary>
public sealed record ProspectQualified(
    string ProspectId,
    string LeadId,
    string Kind,
    int FitScore,
    string? Owner,
    string Stage,
    bool CallbackRequested,
    DateTimeOffset? CallbackRequestedAt,
    DateTimeOffset QualifiedAt) : INotification;
