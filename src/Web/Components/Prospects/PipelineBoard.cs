using Mediator;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Prospects.Contracts;

namespace Tandem.Web.Components.Prospects;

/// <summary>A prospect on the board: the prospect, and who it is (from Leads).</summary>
public sealed class BoardCard(ProspectDetails prospect, LeadCard? lead)
{
    public ProspectDetails Prospect { get; set; } = prospect;
    public LeadCard? Lead { get; } = lead;

    /// <summary>The column the card is in: its outcome when closed, else its stage.</summary>
    public string Column { get; set; } = PipelineMoves.ColumnOf(prospect);

    public string Name => $"{Lead?.FirstName} {Lead?.LastName}".Trim() is { Length: > 0 } name ? name : Lead?.Company ?? Prospect.LeadId;
}

/// <summary>One column of the board as loaded: a page of cards and how many there are in all.</summary>
public sealed class BoardColumn(string key)
{
    public string Key { get; } = key;
    public List<BoardCard> Cards { get; set; } = [];
    public int Total { get; set; }
    public int Page { get; set; } = 1;
}

/// <summary>What moving a card to a column means in Prospects' commands.</summary>
public static class PipelineMoves
{
    public static string ColumnOf(ProspectDetails p) => p.Outcome == ProspectOutcomes.Open ? p.Stage : p.Outcome;

    /// <summary>
    /// The Prospects commands that put <paramref name="prospect"/> in <paramref name="column"/>: an open stage reopens a
    /// closed prospect (outcome <c>open</c>) and changes its stage; <c>won</c> and <c>lost</c> record the outcome (lost needs
    /// <paramref name="reason"/>). Nothing when it is already there.
    /// </summary>
    public static IReadOnlyList<ICommand<ProspectDetails>> CommandsFor(ProspectDetails prospect, string column, string? reason)
    {
        if (ColumnOf(prospect) == column) return [];
        if (column is PipelineColumns.Won or PipelineColumns.Lost)
            return [new RecordProspectOutcome(prospect.Id, column, column == PipelineColumns.Lost ? reason : null)];
        var commands = new List<ICommand<ProspectDetails>>();
        if (prospect.Outcome != ProspectOutcomes.Open) commands.Add(new RecordProspectOutcome(prospect.Id, ProspectOutcomes.Open, null));
        if (prospect.Stage != column) commands.Add(new ChangeProspectStage(prospect.Id, column));
        return commands;
    }
}

/// <summary>A card to move to a column.</summary>
public sealed record BoardMove(BoardCard Card, string Column);

/// <summary>A column's page to show.</summary>
public sealed record BoardPage(string Column, int Page);
