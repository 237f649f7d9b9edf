using Mediator;

namespace Tandem.Modules.Content.Contracts;

/// <summary>
/// Content's numbers for a period [<paramref name="From"/>, <paramref name="To"/>): landing-page visits and distinct visitors,
/// in total and per campaign, optionally for one campaign or one channel. The KPI endpoint composes it with the Leads numbers.
/// </summary>
public sealed record GetContentNumbers(DateTimeOffset From, DateTimeOffset To, string? CampaignId = null, string? Channel = null) : IQuery<ContentNumbers>;

/// <summary>Visits and distinct visitors (anonymous visitor ids) in the period, and the same per campaign.</summary>
/// <param name="Visitors">Distinct visitors.</param>
/// <param name="Visits">Landing-page views (HEAD requests are not views).</param>
/// <param name="Submissions">Form submissions stored in the period (honeypot hits are never stored).</param>
/// <param name="Campaigns">Every campaign matching the filters that ran during the period (its dates overlap it, or it has none) or had visits in it.</param>
public sealed record ContentNumbers(long Visitors, long Visits, long Submissions, IReadOnlyList<CampaignNumbers> Campaigns);

/// <summary>One campaign's numbers in the period. <paramref name="Cost"/> is the campaign's whole cost as recorded (not prorated).</summary>
public sealed record CampaignNumbers(string CampaignId, string Name, string Channel, Money? Cost, long Visitors, long Visits, long Submissions);
