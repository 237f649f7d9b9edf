using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach.Privacy;

/// <summary>
/// The per-recipient unsubscribe link of every email step: <c>{Tandem:PublicBaseUrl}/u/{token}</c>, the token being the
/// step's id protected by the host's Data Protection keys (authenticated encryption: it cannot be forged or altered, and
/// it names no address). The keys live beside the data, so links stay valid across restarts.
/// </summary>
internal sealed class UnsubscribeLinks(IDataProtectionProvider protection, IConfiguration configuration)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Tandem.Outreach.Unsubscribe.v1");

    private readonly string _base = configuration["Tandem:PublicBaseUrl"]?.TrimEnd('/') is { Length: > 0 } configured
        ? configured
        : configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()?.TrimEnd('/')
          ?? "http://localhost:5000";

    public Uri For(string messageId) => new(_base + "/u/" + _protector.Protect(messageId));

    /// <summary>The message id in a token, or null when the token is forged, damaged or from other keys.</summary>
    public string? Read(string token)
    {
        if (token.Length is 0 or > 1024) return null;
        try
        {
            return _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>The email purposes a recipient can withdraw from the page (the ledger's purposes, docs/compliance.md §2).</summary>
internal static class EmailPurposes
{
    public const string Commercial = "commercial-email";
    public const string Newsletter = "newsletter";
    public static readonly string[] All = [Commercial, Newsletter];
}

/// <summary>
/// What an unsubscribe does, in one request: each withdrawn purpose becomes a withdrawal in the lead's consent ledger
/// (Leads), and withdrawing <c>commercial-email</c> (one-click withdraws every email purpose) records the unsubscribe in the
/// activity log, stops the active sequence, and puts the address on the suppression list, so that no later email step is
/// sent. The audit log records it. Repeating it changes nothing more.
/// </summary>
internal sealed class Unsubscriber(OutreachDbContext db, ISender sender, TimeProvider clock)
{
    public async Task<bool> UnsubscribeAsync(string messageId, IReadOnlyList<string> purposes, CancellationToken cancellationToken)
    {
        var step = await db.Steps.AsNoTracking().Where(s => s.Id == messageId).Select(s => new { s.Id, s.EnrollmentId }).FirstOrDefaultAsync(cancellationToken);
        var enrollment = step is null ? null : await db.Enrollments.FirstOrDefaultAsync(e => e.Id == step.EnrollmentId, cancellationToken);
        if (enrollment is null) return false;
        var now = clock.GetUtcNow();
        var leadId = enrollment.Contact.LeadId;
        if (leadId is not null && purposes.Count > 0)
        {
            try
            {
                await sender.Send(new RecordConsentEvents(leadId,
                    purposes.Select(p => new LeadConsent(p, false, "Unsubscribed through the link in an email.", $"unsubscribe-link:{messageId}", ConsentChannel.Email))
                        .ToList(), "recipient"), cancellationToken);
            }
            catch (NotFoundException) { }
            catch (ModuleDisabledException) { }
        }
        if (purposes.Contains(EmailPurposes.Commercial))
        {
            var eventId = "unsubscribe:" + messageId;
            if (!await db.Activities.AnyAsync(a => a.EventId == eventId, cancellationToken))
            {
                var flow = new StepFlow(db);
                flow.Log(new Activity
                {
                    Id = Ids.New(), ProspectId = enrollment.ProspectId, LeadId = leadId, EnrollmentId = enrollment.Id, StepId = messageId,
                    Channel = StepKinds.Email, Kind = ChannelEventKinds.Unsubscribed, Owner = enrollment.Owner, EventId = eventId, OccurredAt = now,
                });
                if (enrollment.Status == EnrollmentStatuses.Active) await flow.StopAsync(enrollment, StopReasons.Unsubscribed, cancellationToken);
                if (enrollment.Email is { } email)
                    await SuppressionList.AddAsync(db, [(Shared.Compliance.PersonalDataHash.Email, email)], "unsubscribed", "recipient", hashedOnly: false, now,
                        cancellationToken);
            }
        }
        db.Publish(new PrivacyAuditRecorded(PrivacyAuditKinds.Unsubscribed, leadId is null ? $"prospect:{enrollment.ProspectId}" : $"lead:{leadId}",
            "Withdrew " + string.Join(", ", purposes) + " through the unsubscribe link.", "recipient", now, OutreachModule.ModuleName));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same one-click sent twice at once (mail providers retry): the first one did it.
            db.ChangeTracker.Clear();
        }
        return true;
    }
}

/// <summary>
/// <c>GET /u/{token}</c>: a bilingual (French/English) page to choose which emails to stop; <c>POST /u/{token}</c>: with the
/// body <c>List-Unsubscribe=One-Click</c> (RFC 8058, what mail clients send) every email purpose is withdrawn at once and
/// the answer is an empty 200; from the page, the ticked purposes. Public, no cookie, nothing to forge: the token is the
/// authority. An unknown token is a 404 page.
/// </summary>
internal static class UnsubscribeEndpoints
{
    public static void Map(IEndpointRouteBuilder root)
    {
        root.MapGet("/u/{token}", Page).ExcludeFromDescription().RequireRateLimiting("public").AllowAnonymous();
        root.MapPost("/u/{token}", Post).ExcludeFromDescription().RequireRateLimiting("public").AllowAnonymous().DisableAntiforgery();
    }

    private static async Task<IResult> Page(string token, UnsubscribeLinks links, OutreachDbContext db, CancellationToken ct)
    {
        var messageId = links.Read(token);
        if (messageId is null || !await db.Steps.AsNoTracking().AnyAsync(s => s.Id == messageId, ct)) return NotFound();
        var html = new StringBuilder();
        Open(html, "Se désabonner / Unsubscribe");
        html.Append("<form method=\"post\" action=\"/u/").Append(E(token)).Append("\">");
        html.Append("<p>Quels emails ne souhaitez-vous plus recevoir ? / Which emails do you no longer want?</p>");
        foreach (var (purpose, label) in new[]
                 {
                     (EmailPurposes.Commercial, "Offres commerciales / Commercial offers"),
                     (EmailPurposes.Newsletter, "Lettre d'information / Newsletter"),
                 })
        {
            var id = E(purpose);
            html.Append("<p><label><input type=\"checkbox\" name=\"purpose\" value=\"").Append(id).Append("\" checked> ")
                .Append(E(label)).Append("</label></p>");
        }
        html.Append("<p><button type=\"submit\">Confirmer / Confirm</button></p></form>");
        return Html(Close(html), StatusCodes.Status200OK);
    }

    private static async Task<IResult> Post(string token, HttpRequest request, UnsubscribeLinks links, Unsubscriber unsubscriber, CancellationToken ct)
    {
        var messageId = links.Read(token);
        if (messageId is null) return NotFound();
        IFormCollection form = request.HasFormContentType ? await request.ReadFormAsync(ct) : FormCollection.Empty;
        var oneClick = string.Equals(form["List-Unsubscribe"], "One-Click", StringComparison.Ordinal);
        var purposes = oneClick ? EmailPurposes.All : form["purpose"].Where(p => p is not null && EmailPurposes.All.Contains(p)).Distinct().ToArray()!;
        if (!await unsubscriber.UnsubscribeAsync(messageId, purposes!, ct)) return NotFound();
        if (oneClick) return Results.Ok();
        var html = new StringBuilder();
        Open(html, "Désabonnement confirmé / Unsubscribed");
        html.Append("<p>").Append(purposes.Length == 0
            ? "Aucun changement. / Nothing changed."
            : "C'est fait : vous ne recevrez plus ces emails. / Done: you will not receive these emails any more.").Append("</p>");
        return Html(Close(html), StatusCodes.Status200OK);
    }

    private static IResult NotFound()
    {
        var html = new StringBuilder();
        Open(html, "Lien invalide / Invalid link");
        html.Append("<p>Ce lien de désabonnement n'est pas valide. Répondez à l'email pour nous demander de ne plus vous écrire. / ")
            .Append("This unsubscribe link is not valid. Reply to the email to ask us to stop writing to you.</p>");
        return Html(Close(html), StatusCodes.Status404NotFound);
    }

    private static void Open(StringBuilder html, string title) =>
        html.Append("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
            .Append(E(title)).Append("</title></head><body><main><h1>").Append(E(title)).Append("</h1>");

    private static string Close(StringBuilder html) => html.Append("</main></body></html>").ToString();

    /// <summary>HTML-encoded, accented letters kept readable.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string text) => Encoder.Encode(text);

    private static IResult Html(string html, int status) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
}
