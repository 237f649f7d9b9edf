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
    DateTimeOffset CreatedAt,
    string? IcpId = null,
    string? OutcomeReason = null,
    DateTimeOffset? FirstTouchAt = null);

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

/// <summary>The buying-journey stages of a prospect.</summary>
public sealed record ProspectStages
{
    private ProspectStages() { }

    /// <summary>Becoming aware of the problem.</summary>
    public const string Awareness = "awareness";
    /// <summary>Weighing solutions.</summary>
    public const string Consideration = "consideration";
    /// <summary>Choosing a supplier (a meeting is booked).</summary>
    public const string Decision = "decision";
    /// <summary>All stages, in journey order.</summary>
    public static readonly IReadOnlyList<string> All = [Awareness, Consideration, Decision];
}

/// <summary>The outcomes of a prospect.</summary>
public sealed record ProspectOutcomes
{
    private ProspectOutcomes() { }

    /// <summary>Still being worked.</summary>
    public const string Open = "open";
    /// <summary>Became a customer.</summary>
    public const string Won = "won";
    /// <summary>Lost, with a reason.</summary>
    public const string Lost = "lost";
}

/// <summary>One ICP criterion: a field, an operator, the values, and the points a match adds.</summary>
/// <param name="Field">kind, country, region, departement, postalCode, nafCode, headcountBand, revenueBand, jobTitle, company, source, interest, or a custom field.</param>
/// <param name="Operator">in, notIn, between, equals, contains.</param>
/// <param name="Values">The values compared (NAF codes match by prefix with <c>in</c>; <c>between</c> takes two numbers).</param>
/// <param name="Weight">Points a match adds.</param>
public sealed record IcpCriterion(string Field, string Operator, IReadOnlyList<string> Values, int Weight);

/// <summary>Define (or replace, by name) an ideal customer profile. Several may exist, one per offer.</summary>
public sealed record DefineIcp(string Name, IReadOnlyList<IcpCriterion> Criteria, int MinFit) : ICommand<IcpDetails>;

/// <summary>A stored ICP.</summary>
public sealed record IcpDetails(string Id, string Name, IReadOnlyList<IcpCriterion> Criteria, int MinFit, DateTimeOffset UpdatedAt);

/// <summary>All ICPs.</summary>
public sealed record ListIcps : IQuery<IReadOnlyList<IcpDetails>>;

/// <summary>Define a buyer persona: title keywords (French and English), seniorities, function, and the call script it selects.</summary>
public sealed record DefinePersona(string Name, IReadOnlyList<string> TitleKeywords, IReadOnlyList<string>? Seniorities = null,
    string? Function = null, string? CallScript = null, string? TemplateVariant = null) : ICommand<PersonaCreated>;

/// <summary>The persona that was created.</summary>
public sealed record PersonaCreated(string Id);

/// <summary>A stored persona.</summary>
public sealed record PersonaDetails(string Id, string Name, IReadOnlyList<string> TitleKeywords, IReadOnlyList<string> Seniorities,
    string? Function, string? CallScript, string? TemplateVariant);

/// <summary>All personas.</summary>
public sealed record ListPersonas : IQuery<IReadOnlyList<PersonaDetails>>;

/// <summary>Record (or update, by SIREN or name) a company with its firmographics; leads of that company are scored with them.</summary>
public sealed record DefineAccount(string Name, string? Siren, string? NafCode, string? HeadcountBand, string? RevenueBand,
    string? Country, string? Departement) : ICommand<AccountCreated>;

/// <summary>The account id.</summary>
public sealed record AccountCreated(string Id);

/// <summary>Move a prospect along the journey.</summary>
public sealed record ChangeProspectStage(string ProspectId, string Stage) : ICommand<ProspectDetails>;

/// <summary>Close a prospect: won or lost with a reason.</summary>
public sealed record RecordProspectOutcome(string ProspectId, string Outcome, string? Reason) : ICommand<ProspectDetails>;

/// <summary>Give a prospect to another rep.</summary>
public sealed record ReassignProspect(string ProspectId, string Owner) : ICommand<ProspectDetails>;

/// <summary>
/// What outreach needs to reach a prospect and to brief a rep: contact details from the lead, fit, persona and its call
/// script, owner.
/// </summary>
public sealed record GetProspectContact(string ProspectId) : IQuery<ProspectContact>;

/// <summary>A prospect's contact card.</summary>
public sealed record ProspectContact(string ProspectId, string LeadId, string? Email, string? Phone, string? FirstName, string? LastName,
    string? Company, string? JobTitle, string? Owner, int FitScore, IReadOnlyList<string> FitReasons, string? PersonaId, string? PersonaName,
    string? CallScript, string? TemplateVariant);

/// <summary>Prospect counts for the numbers sales lives by: created in [From, To), and won / lost in it.</summary>
public sealed record GetProspectNumbers(DateTimeOffset From, DateTimeOffset To, string? Owner) : IQuery<ProspectNumbers>;

/// <summary>Prospects created, won and lost in a period.</summary>
public sealed record ProspectNumbers(int Prospects, int Won, int Lost);

/// <summary>Everything Prospects holds about the people with these leads (art. 15, 20).</summary>
public sealed record ExportProspectsPersonalData(IReadOnlyList<string> LeadIds) : IQuery<ProspectsPersonalData>;

/// <summary>Prospects' part of a data-subject export.</summary>
public sealed record ProspectsPersonalData(IReadOnlyList<ProspectDetails> Prospects);

/// <summary>Erase the prospects of these leads (art. 17); answers which prospects were erased.</summary>
public sealed record EraseProspectsPersonalData(IReadOnlyList<string> LeadIds) : ICommand<ProspectsPersonalDataErased>;

/// <summary>The prospects erased.</summary>
public sealed record ProspectsPersonalDataErased(IReadOnlyList<string> ProspectIds);
