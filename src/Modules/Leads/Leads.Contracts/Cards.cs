using Mediator;

namespace Tandem.Modules.Leads.Contracts;

/// <summary>
/// Who up to 200 leads are, in one query: for pages that list another module's records pointing at leads (the
/// pipeline board's prospects), instead of one <see cref="GetLead"/> per row. Unknown (or erased) ids are left out.
/// </summary>
/// <param name="Ids">The lead ids (at most 200).</param>
public sealed record GetLeadCards(IReadOnlyList<string> Ids) : IQuery<IReadOnlyList<LeadCard>>;

/// <summary>A lead's name and place of work, as a card shows it.</summary>
/// <param name="Id">The lead.</param>
/// <param name="FirstName">First name.</param>
/// <param name="LastName">Last name.</param>
/// <param name="Company">Company.</param>
/// <param name="JobTitle">Job title.</param>
public sealed record LeadCard(string Id, string? FirstName, string? LastName, string? Company, string? JobTitle);
