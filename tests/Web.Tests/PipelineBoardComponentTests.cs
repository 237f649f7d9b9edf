using System.Reflection;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MudBlazor;
using MudBlazor.Services;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Web.Components.Pages;
using Tandem.Web.Components.Prospects;

namespace Tandem.Web.Tests;

/// <summary>
/// The pipeline board (bUnit): the cards in their columns with totals and per-column pagers, a drop or the card's
/// "Move to" menu asks for the move, and a move becomes the Prospects commands; the prospect timeline's composition.
/// </summary>
public sealed class PipelineBoardComponentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static ProspectDetails Prospect(string id, string stage, string outcome = ProspectOutcomes.Open, string? owner = "alice") =>
        new(id, "lead-" + id, new ProspectFit(70, ["kind: professional"]), null, owner, stage, outcome, T0);

    private static BunitContext NewContext(out IRenderedComponent<MudPopoverProvider> popovers)
    {
        var bunit = new BunitContext();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddMudServices();
        bunit.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        popovers = bunit.Render<MudPopoverProvider>();
        return bunit;
    }

    private static List<BoardColumn> Columns()
    {
        var columns = PipelineColumns.All.Select(k => new BoardColumn(k)).ToList();
        columns[0].Cards = [new BoardCard(Prospect("p1", "awareness"), new LeadCard("lead-p1", "Camille", "Martin", "Transports Martin", null))];
        columns[0].Total = 1;
        columns[2].Cards = [new BoardCard(Prospect("p2", "decision"), new LeadCard("lead-p2", "Jean", "Dupont", "Solaire & Co", null)),
            new BoardCard(Prospect("p3", "decision"), null)];
        columns[2].Total = 23; // more than one page: the column gets its pager
        return columns;
    }

    [Fact]
    public async Task Cards_sit_in_their_columns_with_totals_and_only_a_long_column_pages()
    {
        await using var bunit = NewContext(out _);
        var board = bunit.Render<PipelineBoardView>(p => p.Add(c => c.Columns, Columns()).Add(c => c.PageSize, 10));

        var awareness = board.Find("[data-testid=column-awareness]");
        Assert.Equal("1", awareness.GetAttribute("data-total"));
        Assert.Contains("Camille Martin", awareness.TextContent);
        Assert.Contains("Transports Martin", awareness.TextContent);
        var decision = board.Find("[data-testid=column-decision]");
        Assert.Equal(2, decision.QuerySelectorAll("[data-testid=board-card]").Length);
        Assert.Contains("lead-p3", decision.TextContent); // no lead card (erased): the lead id stands in for the name
        Assert.Empty(board.Find("[data-testid=column-won]").QuerySelectorAll("[data-testid=board-card]"));
        Assert.Single(board.FindAll("[data-testid=column-pager-decision]"));
        Assert.Empty(board.FindAll("[data-testid=column-pager-awareness]"));
        Assert.Equal("/prospects/p1", board.Find("[data-prospect-id=p1] [data-testid=board-card-link]").GetAttribute("href"));
    }

    [Fact]
    public async Task A_drop_on_another_column_and_the_move_menu_ask_for_the_move_and_a_drop_in_place_does_not()
    {
        await using var bunit = NewContext(out var popovers);
        var moves = new List<BoardMove>();
        var pages = new List<BoardPage>();
        var columns = Columns();
        var board = bunit.Render<PipelineBoardView>(p => p.Add(c => c.Columns, columns)
            .Add(c => c.OnMove, (BoardMove m) => moves.Add(m)).Add(c => c.OnPage, (BoardPage pg) => pages.Add(pg)));
        var container = board.FindComponent<MudDropContainer<BoardCard>>();
        var camille = columns[0].Cards[0];

        await board.InvokeAsync(() => container.Instance.ItemDropped.InvokeAsync(new MudItemDropInfo<BoardCard>(camille, PipelineColumns.Won, 0)));
        await board.InvokeAsync(() => container.Instance.ItemDropped.InvokeAsync(new MudItemDropInfo<BoardCard>(camille, PipelineColumns.Awareness, 0)));
        Assert.Equal([new BoardMove(camille, PipelineColumns.Won)], moves);

        // The keyboard and touch path: the card's menu lists the other columns.
        board.Find("[data-prospect-id=p1] [data-testid=move-menu] button").Click();
        popovers.WaitForElement("[data-testid=move-to-lost]");
        Assert.Empty(popovers.FindAll("[data-testid=move-to-awareness]"));
        popovers.Find("[data-testid=move-to-lost]").Click();
        // MudMenuItem closes its menu before it runs OnClick: the move arrives a moment later.
        board.WaitForAssertion(() => Assert.Equal(new BoardMove(camille, PipelineColumns.Lost), moves[^1]), TimeSpan.FromSeconds(10));
        Assert.Equal(2, moves.Count);

        var pager = board.FindComponent<MudPagination>();
        await board.InvokeAsync(() => pager.Instance.SelectedChanged.InvokeAsync(2));
        Assert.Equal(new BoardPage(PipelineColumns.Decision, 2), Assert.Single(pages));
    }

    [Fact]
    public void A_move_becomes_the_prospects_commands()
    {
        var open = Prospect("p1", ProspectStages.Awareness);
        Assert.Equal([new ChangeProspectStage("p1", ProspectStages.Decision)], PipelineMoves.CommandsFor(open, PipelineColumns.Decision, null));
        Assert.Equal([new RecordProspectOutcome("p1", ProspectOutcomes.Won, null)], PipelineMoves.CommandsFor(open, PipelineColumns.Won, "ignored"));
        Assert.Equal([new RecordProspectOutcome("p1", ProspectOutcomes.Lost, "went with a competitor")],
            PipelineMoves.CommandsFor(open, PipelineColumns.Lost, "went with a competitor"));
        Assert.Empty(PipelineMoves.CommandsFor(open, PipelineColumns.Awareness, null));

        // A closed prospect dragged back to a stage is reopened, then moved (only when the stage differs).
        var won = Prospect("p2", ProspectStages.Decision, ProspectOutcomes.Won);
        Assert.Equal(PipelineColumns.Won, PipelineMoves.ColumnOf(won));
        Assert.Equal([new RecordProspectOutcome("p2", ProspectOutcomes.Open, null), new ChangeProspectStage("p2", ProspectStages.Consideration)],
            PipelineMoves.CommandsFor(won, PipelineColumns.Consideration, null));
        Assert.Equal([new RecordProspectOutcome("p2", ProspectOutcomes.Open, null)], PipelineMoves.CommandsFor(won, PipelineColumns.Decision, null));
    }

    [Fact]
    public async Task The_timeline_merges_leads_prospects_and_outreach_newest_first_in_the_users_language()
    {
        await using var bunit = NewContext(out _);
        var localizer = bunit.Services.GetRequiredService<IStringLocalizer<Ui>>();
        var prospect = Prospect("p1", ProspectStages.Decision, ProspectOutcomes.Lost) with { CreatedAt = T0.AddMinutes(1), FirstTouchAt = T0.AddHours(2), OutcomeReason = "budget" };
        var overview = new ProspectOverview(prospect, "Dirigeant", "Installateurs", null, T0.AddDays(3), T0.AddHours(2));
        var lead = new[] { new TimelineEntry(T0, "Leads", "source", "Captured from form."), new TimelineEntry(T0, "Leads", "score", "callback-requested: 50 points.") };
        var outreach = new[]
        {
            new OutreachTimelineEntry(T0.AddMinutes(1), OutreachTimelineTypes.Enrolment, "Rappel", "active", "alice", null, "e1"),
            new OutreachTimelineEntry(T0.AddHours(2), OutreachTimelineTypes.Touch, "call", "meeting-booked", "alice", "RDV jeudi", "a1"),
        };

        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("en");
            var items = ProspectTimeline.Compose(lead, overview, outreach, localizer);
            Assert.Equal(["outcome", "touch", "first-touch", "enrolment", "qualified", "score", "source"], items.Select(i => i.Type));
            Assert.Equal("Lost: budget", items[0].Text);
            Assert.Equal("call meeting-booked — alice — RDV jeudi", items[1].Text);
            Assert.Equal("Became a prospect: fit 70/100 (Installateurs).", items[4].Text);
            Assert.Equal(["Prospects", "Outreach", "Prospects", "Outreach", "Prospects", "Leads", "Leads"], items.Select(i => i.Module));

            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("fr");
            Assert.Equal("Inscrit dans la séquence Rappel : active — alice",
                ProspectTimeline.Compose([], overview, outreach, localizer).Single(i => i.Type == "enrolment").Text);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
    }

    [Fact]
    public async Task The_timeline_shows_contents_visits_and_downloads_in_the_users_language_in_time_order()
    {
        await using var bunit = NewContext(out _);
        var localizer = bunit.Services.GetRequiredService<IStringLocalizer<Ui>>();
        var overview = new ProspectOverview(Prospect("p1", ProspectStages.Awareness) with { CreatedAt = T0.AddMinutes(5) }, null, null, null, null, null);
        var lead = new[] { new TimelineEntry(T0.AddMinutes(1), "Leads", "source", "Captured from content.") };
        var content = new[]
        {
            new ContentTimelineEntry(T0, ContentTimelineTypes.Visit, "Le solaire chez vous", "/p/solaire", "Salon habitat", null, "lp1"),
            new ContentTimelineEntry(T0.AddMinutes(1), ContentTimelineTypes.Submission, "Recevoir le guide", "/p/solaire", "Salon habitat", "salon / qr", "s1"),
            new ContentTimelineEntry(T0.AddMinutes(2), ContentTimelineTypes.Download, "Le guide du solaire", null, null, null, "a1"),
        };
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("fr");
            var items = ProspectTimeline.Compose(lead, overview, [], localizer, content);
            // Newest first; the visit, made before the submission, is the oldest; at the same time Content's submission comes before Leads' capture.
            Assert.Equal(["Prospects:qualified", "Content:download", "Leads:source", "Content:submission", "Content:visit"], items.Select(i => $"{i.Module}:{i.Type}"));
            Assert.Equal("A visité la page Le solaire chez vous (/p/solaire) — campagne Salon habitat", items[4].Text);
            Assert.Equal("A envoyé le formulaire Recevoir le guide (/p/solaire) — campagne Salon habitat — UTM salon / qr", items[3].Text);
            Assert.Equal("A téléchargé Le guide du solaire", items[1].Text);
            System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("en");
            Assert.Equal("Visited the page Le solaire chez vous (/p/solaire) — campaign Salon habitat",
                ProspectTimeline.Compose([], overview, [], localizer, content).Single(i => i.Type == "visit").Text);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
    }

    [Theory]
    [InlineData(typeof(Pipeline))]
    [InlineData(typeof(ProspectProfile))]
    public void The_sales_pages_are_open_to_sales_managers_and_admins_only(Type page)
    {
        var roles = page.GetCustomAttribute<AuthorizeAttribute>()!.Roles!.Split(',');
        Assert.Equal(["admin", "sales", "manager"], roles);
    }
}
