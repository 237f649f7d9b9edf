using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Import;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Search;

/// <summary>
/// <c>GET /api/leads/export</c>: the leads as CSV (UTF-8 with BOM, <c>;</c>, so that Excel in French opens it as it is),
/// streamed in pages; every cell that a spreadsheet would read as a formula is neutralised.
/// </summary>
internal static class ExportEndpoint
{
    private const int Page = 1000;

    public static void MapExport(this IEndpointRouteBuilder api) =>
        api.MapGet("/export", (string? status, string? kind, string? channel, LeadsDbContext db, HttpContext http) =>
            {
                var errors = new ValidationErrors()
                    .OneOf("status", status, LeadStatus.All.ToArray()).OneOf("kind", kind, LeadKind.All.ToArray()).OneOf("channel", channel, LeadChannel.All.ToArray());
                errors.ThrowIfAny();
                return Results.Stream(async body =>
                {
                    await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16);
                    await writer.WriteLineAsync("id;email;phone;firstName;lastName;company;jobTitle;postalCode;kind;status;score;journeyStage;channel;campaignId");
                    var after = "";
                    while (true)
                    {
                        IQueryable<Lead> leads = db.Leads.AsNoTracking().Where(l => string.Compare(l.Id, after) > 0);
                        if (status is not null) leads = leads.Where(l => l.Status == status);
                        if (kind is not null) leads = leads.Where(l => l.Kind == kind);
                        if (channel is not null) leads = leads.Where(l => l.Channel == channel);
                        var page = await leads.OrderBy(l => l.Id).Take(Page).ToListAsync(http.RequestAborted);
                        if (page.Count == 0) break;
                        foreach (var l in page)
                            await writer.WriteLineAsync(string.Join(';', new[]
                            {
                                l.Id, l.Email, l.Phone ?? l.PhoneAsTyped, l.FirstName, l.LastName, l.Company, l.JobTitle, l.PostalCode, l.Kind, l.Status,
                                CsvFile.Invariant(l.Score), l.JourneyStage, l.Channel, l.CampaignId,
                            }.Select(Cell)));
                        after = page[^1].Id;
                    }
                }, "text/csv; charset=utf-8", "leads.csv");
            })
            .WithName("ExportLeads").WithSummary("The leads as CSV (Excel-ready); formula-looking cells are neutralised");

    /// <summary>Neutralised, then quoted when it holds the delimiter, a quote or a line break.</summary>
    internal static string Cell(string? value)
    {
        var cell = CsvFile.Neutralise(value);
        return cell.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}
