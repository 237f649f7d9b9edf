using Mediator;

namespace Tandem.Modules.Prospects.Contracts;

/// <summary>
/// One column of the pipeline board, paged: the open prospects of a stage (<c>awareness</c>, <c>consideration</c>,
/// <c>decision</c>), or the closed ones (<c>won</c>, <c>lost</c>), optionally for one owner; the most recently created first.
/// </summary>
/// <param name="Column">One of <see cref="PipelineColumns.All"/>.</param>
/// <param name="Owner">Only this rep's prospects; null: everyone's.</param>
/// <param name="Page">From 1.</param>
/// <param name="PageSize">1..200.</param>
public sealed record ListPipelineColumn(string Column, string? Owner, int Page = 1, int PageSize = 20) : IQuery<ProspectPage>;

/// <summary>The columns of the pipeline board: the three open stages, then the two outcomes.</summary>
public sealed record PipelineColumns
{
    private PipelineColumns() { }

    /// <summary>Open prospects in awareness.</summary>
    public const string Awareness = ProspectStages.Awareness;
    /// <summary>Open prospects in consideration.</summary>
    public const string Consideration = ProspectStages.Consideration;
    /// <summary>Open prospects in decision.</summary>
    public const string Decision = ProspectStages.Decision;
    /// <summary>Prospects won (any stage).</summary>
    public const string Won = ProspectOutcomes.Won;
    /// <summary>Prospects lost (any stage).</summary>
    public const string Lost = ProspectOutcomes.Lost;
    /// <summary>All columns, in board order.</summary>
    public static readonly IReadOnlyList<string> All = [Awareness, Consideration, Decision, Won, Lost];
}

/// <summary>The reps prospects are given to (<c>Tandem:Prospects:Reps</c>), for an owner filter.</summary>
public sealed record ListProspectOwners : IQuery<IReadOnlyList<string>>;

/// <summary>A prospect with what a rep reads at the top of its page: persona, ICP and account by name, and the dates of its journey.</summary>
/// <param name="ProspectId">The prospect.</param>
public sealed record GetProspectOverview(string ProspectId) : IQuery<ProspectOverview>;

/// <summary>The prospect page's header.</summary>
/// <param name="Prospect">The prospect (fit with reasons, owner, stage, outcome).</param>
/// <param name="PersonaName">The persona it matched, by name.</param>
/// <param name="IcpName">The ICP it was scored against, by name.</param>
/// <param name="Account">Its company's account (found by the lead's company name), when one is recorded.</param>
/// <param name="OutcomeAt">When it was won or lost.</param>
/// <param name="LastTouchAt">Its last touch.</param>
public sealed record ProspectOverview(ProspectDetails Prospect, string? PersonaName, string? IcpName, ProspectAccount? Account,
    DateTimeOffset? OutcomeAt, DateTimeOffset? LastTouchAt);

/// <summary>An account (company) with its firmographics.</summary>
/// <param name="Id">The account.</param>
/// <param name="Name">Company name.</param>
/// <param name="Siren">French company number.</param>
/// <param name="NafCode">Activity code.</param>
/// <param name="HeadcountBand">Headcount band.</param>
/// <param name="RevenueBand">Revenue band.</param>
/// <param name="Country">Country.</param>
/// <param name="Departement">French département.</param>
public sealed record ProspectAccount(string Id, string Name, string? Siren, string? NafCode, string? HeadcountBand, string? RevenueBand,
    string? Country, string? Departement);
