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

/// <summary>
/// <see cref="GetProspectContact"/> for many prospects, in three statements whatever their number (a batch consumer's
/// read): the cards of the prospects that exist, in no particular order.
/// </summary>
public sealed record GetProspectContacts(IReadOnlyList<string> ProspectIds) : IQuery<IReadOnlyList<ProspectContact>>;

/// <summary>A prospect's contact card.</summary>
public sealed record ProspectContact(string ProspectId, string LeadId, string? Email, string? Phone, string? FirstName, string? LastName,
    string? Company, string? JobTitle, string? Owner, int FitScore, IReadOnlyList<string> FitReasons, string? PersonaId, string? PersonaName,
    string? CallScript, string? TemplateVariant, string? LinkedInUrl = null);

/// <summary>Prospect counts for the numbers sales lives by: created in [From, To), and won / lost in it.</summary>
public sealed record GetProspectNumbers(DateTimeOffset From, DateTimeOffset To, string? Owner) : IQuery<ProspectNumbers>;

/// <summary>
/// Prospects created, won and lost in a period; <paramref name="CreatedByOwner"/> splits the created ones by owner, and
/// <paramref name="Decided"/> lists the prospects won or lost in it (for the breakdowns per owner, sequence and step).
/// </summary>
public sealed record ProspectNumbers(int Prospects, int Won, int Lost, IReadOnlyList<OwnerProspectCount>? CreatedByOwner = null,
    IReadOnlyList<DecidedProspect>? Decided = null);

/// <summary>How many prospects an owner (null: none) got in a period.</summary>
public sealed record OwnerProspectCount(string? Owner, int Prospects);

/// <summary>A prospect won or lost in a period (<see cref="ProspectOutcomes"/>), with its owner.</summary>
public sealed record DecidedProspect(string ProspectId, string? Owner, string Outcome);

/// <summary>
/// Import a researched outbound list (a CSV of companies and their contacts, already staged by the caller): the people
/// become leads with source <c>outbound</c> (Leads' import), the companies accounts with their firmographics, every row
/// is scored against the ICPs and the fitting ones are qualified as prospects directly.
/// </summary>
/// <param name="StagedFile">The full path of the staged copy; the import owns it from now on.</param>
/// <param name="FileName">The name the file was uploaded with (shown back, never used as a path).</param>
public sealed record ImportOutboundList(string StagedFile, string? FileName) : ICommand<OutboundListImported>;

/// <summary>What an outbound list import did.</summary>
/// <param name="LeadImportId">Leads' import of the same file (<c>GET /api/leads/imports/{id}</c> for its details).</param>
/// <param name="Rows">Data rows read.</param>
/// <param name="Rejected">Rows refused (by Leads: no valid email or phone; or here: an invalid SIREN or headcount band).</param>
/// <param name="Accounts">Accounts created or updated.</param>
/// <param name="Scored">Rows scored against the ICPs.</param>
/// <param name="Fitting">Scored rows whose fit reached the ICP's minimum.</param>
/// <param name="Qualified">Prospects created.</param>
/// <param name="AlreadyProspects">Fitting rows whose lead was already a prospect (or appeared earlier in the file).</param>
/// <param name="Errors">The first rows refused (row number as a spreadsheet shows it, header = row 1), up to 1,000.</param>
/// <param name="ElapsedMs">How long the import took, in milliseconds.</param>
public sealed record OutboundListImported(string LeadImportId, int Rows, int Rejected, int Accounts, int Scored, int Fitting, int Qualified,
    int AlreadyProspects, IReadOnlyList<OutboundRowError> Errors, long ElapsedMs);

/// <summary>A row refused by an outbound list import.</summary>
public sealed record OutboundRowError(int Row, string Message);

/// <summary>Prospects still waiting for their first touch after the SLA's business hours (<c>Tandem:Prospects:Sla</c>), most overdue first.</summary>
public sealed record ListOverdueProspects(string? Owner) : IQuery<IReadOnlyList<OverdueProspect>>;

/// <summary>A prospect past its first-touch deadline.</summary>
/// <param name="Id">The prospect.</param>
/// <param name="LeadId">Its lead.</param>
/// <param name="Owner">The rep who owes the touch.</param>
/// <param name="FitScore">ICP fit (0..100).</param>
/// <param name="CreatedAt">When it became a prospect (the SLA's clock starts).</param>
/// <param name="DueBy">When the first touch was due.</param>
public sealed record OverdueProspect(string Id, string LeadId, string? Owner, int FitScore, DateTimeOffset CreatedAt, DateTimeOffset DueBy);
/// <summary>Everything Prospects holds about the people with these leads (art. 15, 20).</summary>
public sealed record ExportProspectsPersonalData(IReadOnlyList<string> LeadIds) : IQuery<ProspectsPersonalData>;

/// <summary>Prospects' part of a data-subject export.</summary>
public sealed record ProspectsPersonalData(IReadOnlyList<ProspectDetails> Prospects);

/// <summary>Erase the prospects of these leads (art. 17); answers which prospects were erased.</summary>
public sealed record EraseProspectsPersonalData(IReadOnlyList<string> LeadIds) : ICommand<ProspectsPersonalDataErased>;

/// <summary>The prospects erased.</summary>
public sealed record ProspectsPersonalDataErased(IReadOnlyList<string> ProspectIds);
