using System.Globalization;
using Mediator;
using Microsoft.Extensions.Localization;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Web.Components.Prospects;

/// <summary>One line of a prospect's timeline, whichever module recorded it.</summary>
/// <param name="At">When.</param>
/// <param name="Module">Content, Leads, Prospects or Outreach.</param>
/// <param name="Type">What it was (<c>visit</c>, <c>download</c>, <c>source</c>, <c>score</c>, <c>touch</c>, <c>task</c>, <c>meeting</c>…).</param>
/// <param name="Text">A sentence for the rep.</param>
public sealed record TimelineItem(DateTimeOffset At, string Module, string Type, string Text);

/// <summary>
/// The prospect page's timeline across modules, composed from each module's Contracts query (docs/architecture.md,
/// "Timelines"): Content's <see cref="GetContentTimeline"/> (landing-page visits, form submissions with their UTM, asset
/// downloads), Leads' <see cref="GetLeadsTimeline"/> (sources, consents, score entries, status changes, merges),
/// Prospects' overview (qualified, first touch, won or lost) and Outreach's <see cref="GetOutreachTimeline"/>
/// (enrolments, touches, tasks, meetings). A module that is switched off is left out and named.
/// </summary>
public static class ProspectTimeline
{
    public const string Content = "Content";
    public const string Leads = "Leads";
    public const string Prospects = "Prospects";
    public const string Outreach = "Outreach";

    /// <summary>Sends the module queries and merges them, newest first; <c>Unavailable</c> names the modules that are off.</summary>
    public static async Task<(IReadOnlyList<TimelineItem> Items, IReadOnlyList<string> Unavailable)> LoadAsync(ISender sender, ProspectOverview overview,
        IStringLocalizer localizer, CancellationToken ct)
    {
        var unavailable = new List<string>();
        IReadOnlyList<TimelineEntry> lead = [];
        IReadOnlyList<OutreachTimelineEntry> outreach = [];
        IReadOnlyList<ContentTimelineEntry> content = [];
        try { content = await sender.Send(new GetContentTimeline(overview.Prospect.LeadId), ct); }
        catch (ModuleDisabledException) { unavailable.Add(Content); }
        try { lead = await sender.Send(new GetLeadsTimeline(overview.Prospect.LeadId), ct); }
        catch (ModuleDisabledException) { unavailable.Add(Leads); }
        catch (NotFoundException) { } // the lead was erased: its part is gone
        try { outreach = await sender.Send(new GetOutreachTimeline(overview.Prospect.Id), ct); }
        catch (ModuleDisabledException) { unavailable.Add(Outreach); }
        return (Compose(lead, overview, outreach, localizer, content), unavailable);
    }

    /// <summary>Merges the parts by time, newest first (ties: Content, Leads, Prospects, Outreach, as recorded).</summary>
    public static IReadOnlyList<TimelineItem> Compose(IReadOnlyList<TimelineEntry> lead, ProspectOverview overview, IReadOnlyList<OutreachTimelineEntry> outreach,
        IStringLocalizer L, IReadOnlyList<ContentTimelineEntry>? content = null)
    {
        content ??= [];
        var items = new List<TimelineItem>(content.Count + lead.Count + outreach.Count + 3);
        items.AddRange(content.Select(e => new TimelineItem(e.At, Content, e.Type, Describe(e, L))));
        items.AddRange(lead.Select(e => new TimelineItem(e.At, Leads, e.Type, e.Summary)));
        var p = overview.Prospect;
        items.Add(new TimelineItem(p.CreatedAt, Prospects, "qualified", Format(L["Tl_Qualified"], p.Fit.Score, overview.IcpName ?? "—")));
        if (p.FirstTouchAt is { } first) items.Add(new TimelineItem(first, Prospects, "first-touch", L["Tl_FirstTouch"]));
        if (overview.OutcomeAt is { } closed && p.Outcome != ProspectOutcomes.Open)
            items.Add(new TimelineItem(closed, Prospects, "outcome", Format(L["Tl_Outcome"], L["Column_" + p.Outcome], p.OutcomeReason ?? "")));
        items.AddRange(outreach.Select(e => new TimelineItem(e.At, Outreach, e.Type, Describe(e, L))));
        var order = new Dictionary<string, int> { [Content] = -1, [Leads] = 0, [Prospects] = 1, [Outreach] = 2 };
        return items.Select((item, i) => (item, i)).OrderByDescending(x => x.item.At).ThenByDescending(x => order[x.item.Module]).ThenByDescending(x => x.i)
            .Select(x => x.item).ToList();
    }

    private static string Describe(ContentTimelineEntry e, IStringLocalizer L)
    {
        var text = Format(L["Tl_content_" + e.Type], e.Title);
        if (e.Path is not null) text += $" ({e.Path})";
        if (e.Campaign is not null) text += " — " + Format(L["Tl_Campaign"], e.Campaign);
        if (e.Utm is not null) text += " — UTM " + e.Utm;
        return text;
    }

    private static string Describe(OutreachTimelineEntry e, IStringLocalizer L)
    {
        var text = Format(L["Tl_" + e.Type], e.Kind, e.Outcome ?? "");
        if (!string.IsNullOrEmpty(e.Owner)) text += " — " + e.Owner;
        if (!string.IsNullOrWhiteSpace(e.Notes)) text += " — " + e.Notes;
        return text;
    }

    private static string Format(string format, params object[] args) => string.Format(CultureInfo.CurrentCulture, format, args).TrimEnd(' ', ':', '—');
}
