using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Tandem.Modules.Outreach.Channels;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Outreach.Meetings;

/// <summary>
/// The rep's public booking page. <c>GET /book/{owner}</c> (with <c>?p=</c>, the signed prospect token of the link put in
/// emails and tasks): the free slots; <c>POST /book/{owner}</c> (<c>slot</c>, <c>name</c>, <c>email</c>, <c>p</c>): the
/// meeting is recorded if the slot is still free, the sequence stops, the prospect moves to decision, and the invitation
/// (<c>GET /book/invitation/{token}</c>, an <c>.ics</c>) is emailed. Everything HTML-encoded, French and English.
/// </summary>
internal static class BookingPage
{
    public static void Map(IEndpointRouteBuilder root)
    {
        root.MapGet("/book/{owner}", Page).ExcludeFromDescription().RequireRateLimiting("public").AllowAnonymous();
        root.MapPost("/book/{owner}", Book).ExcludeFromDescription().RequireRateLimiting("public").AllowAnonymous().DisableAntiforgery();
        root.MapGet("/book/invitation/{token}", async (string token, BookingLinks links, BookingSettingsReader settings, OutreachDbContext db, CancellationToken ct) =>
        {
            var id = links.ReadMeeting(token);
            var meeting = id is null ? null : await db.Set<Meeting>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
            return meeting is null ? Message("Lien invalide / Invalid link", "Ce lien n'est pas valide. / This link is not valid.", 404) : await IcsAsync(meeting, settings, ct);
        }).ExcludeFromDescription().RequireRateLimiting("public").AllowAnonymous();
    }

    internal static async Task<IResult> IcsAsync(Meeting meeting, BookingSettingsReader settings, CancellationToken ct) =>
        Results.File(Encoding.UTF8.GetBytes(Invitation.For(meeting, meeting.Owner is { } o ? await settings.ForAsync(o, ct) : null)), "text/calendar; charset=utf-8",
            "invitation.ics");

    private static async Task<IResult> Page(string owner, string? p, BookingSettingsReader reader, SlotFinder finder, BookingLinks links, CancellationToken ct)
    {
        if (await reader.ForAsync(owner, ct) is not { } settings) return NoPage();
        var slots = await finder.FreeSlotsAsync(settings, ct);
        var html = Open("Prendre rendez-vous / Book a meeting", settings);
        if (slots is null)
        {
            html.Append("<p>L'agenda est momentanément indisponible, réessayez plus tard. / The calendar is unavailable right now, please try again later.</p>");
            return Html(Close(html), 503);
        }
        var known = links.ReadProspect(p) is not null;
        html.Append("<form method=\"post\" action=\"/book/").Append(E(Uri.EscapeDataString(owner))).Append("\">");
        if (p is not null) html.Append("<input type=\"hidden\" name=\"p\" value=\"").Append(E(p)).Append("\">");
        html.Append("<p>").Append(E($"Durée / Length: {settings.MeetingMinutes} min — {settings.TimeZone.Id}")).Append("</p>");
        if (slots.Count == 0) html.Append("<p>Aucun créneau libre. / No free slot.</p>");
        foreach (var day in slots.GroupBy(s => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(s, settings.TimeZone).DateTime)))
        {
            html.Append("<fieldset><legend>").Append(E(day.Key.ToString("dddd d MMMM", French))).Append(" / ")
                .Append(E(day.Key.ToString("dddd, MMMM d", CultureInfo.InvariantCulture))).Append("</legend>");
            foreach (var slot in day)
            {
                var local = TimeZoneInfo.ConvertTime(slot, settings.TimeZone);
                html.Append("<label class=\"slot\"><input type=\"radio\" name=\"slot\" required value=\"").Append(E(slot.ToString("O", CultureInfo.InvariantCulture)))
                    .Append("\"> ").Append(E(local.ToString("HH:mm", CultureInfo.InvariantCulture))).Append("</label>");
            }
            html.Append("</fieldset>");
        }
        if (!known)
        {
            html.Append("<p><label>Nom / Name <input name=\"name\" autocomplete=\"name\" maxlength=\"200\" required></label></p>")
                .Append("<p><label>Email <input type=\"email\" name=\"email\" autocomplete=\"email\" maxlength=\"254\" required></label></p>");
        }
        if (slots.Count > 0) html.Append("<p><button type=\"submit\">Réserver / Book</button></p>");
        html.Append("</form>");
        return Html(Close(html), 200);
    }

    private static async Task<IResult> Book(string owner, HttpRequest request, BookingSettingsReader reader, SlotFinder finder, BookingLinks links,
        OutreachDbContext db, EmailChannel email, Mailboxes mailboxes, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        if (await reader.ForAsync(owner, ct) is not { } settings) return NoPage();
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : FormCollection.Empty;
        if (!DateTimeOffset.TryParse(form["slot"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var slot))
            return Message("Créneau manquant / Missing slot", "Choisissez un créneau (champ slot). / Pick a slot (field slot).", 400);
        var prospectId = links.ReadProspect(form["p"]);
        if (form["p"].Count > 0 && prospectId is null)
            return Message("Lien invalide / Invalid link", "Le lien de réservation n'est pas valide (champ p). / The booking link is not valid (field p).", 400);
        string? name = form["name"], address = form["email"];
        Enrollment? enrollment = null;
        if (prospectId is not null)
        {
            enrollment = await db.Enrollments.AsNoTracking().Where(e => e.ProspectId == prospectId).OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);
            address ??= enrollment?.Email;
            name ??= string.Join(' ', new[] { enrollment?.Contact.FirstName, enrollment?.Contact.LastName }.Where(x => !string.IsNullOrWhiteSpace(x)));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
                return Message("Nom manquant / Missing name", "Indiquez votre nom (champ name). / Give your name (field name).", 400);
            if (string.IsNullOrWhiteSpace(address) || address.Length > 254 || !MailAddress.TryCreate(address.Trim(), out _))
                return Message("Email invalide / Invalid email", "Indiquez une adresse email valide (champ email). / Give a valid email address (field email).", 400);
            var lower = address.Trim().ToLowerInvariant();
            enrollment = await db.Enrollments.AsNoTracking().Where(e => e.Email == lower)
                .OrderByDescending(e => e.Status == EnrollmentStatuses.Active).ThenByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);
            prospectId = enrollment?.ProspectId;
        }
        var free = await finder.FreeSlotsAsync(settings, ct);
        if (free is null) return Message("Agenda indisponible / Calendar unavailable", "Réessayez plus tard. / Please try again later.", 503);
        if (!free.Contains(slot.ToUniversalTime()))
            return Message("Créneau pris / Slot taken", "Ce créneau n'est plus libre, choisissez-en un autre. / This slot is no longer free, please pick another.", 409);
        var meeting = new Meeting
        {
            Id = Ids.New(), ProspectId = prospectId, LeadId = enrollment?.Contact.LeadId, Owner = settings.Owner, StartsAt = slot.ToUniversalTime(),
            EndsAt = slot.ToUniversalTime().AddMinutes(settings.MeetingMinutes), Status = MeetingStatuses.Booked, Source = "booking-page",
            AttendeeName = string.IsNullOrWhiteSpace(name) ? null : name.Trim(), AttendeeEmail = string.IsNullOrWhiteSpace(address) ? null : address.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        await MeetingRecorder.RecordAsync(db, meeting, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Message("Créneau pris / Slot taken", "Ce créneau vient d'être pris. / This slot was just taken.", 409);
        }
        var invitation = links.InvitationFor(meeting.Id);
        var local = TimeZoneInfo.ConvertTime(meeting.StartsAt, settings.TimeZone);
        var when = $"{local.ToString("dddd d MMMM yyyy HH:mm", French)} ({settings.TimeZone.Id})";
        if (meeting.AttendeeEmail is { } to)
        {
            try
            {
                await email.SendAsync("meeting-" + meeting.Id, to, "Rendez-vous confirmé / Meeting confirmed",
                    $"Votre rendez-vous / Your meeting: {when}, {settings.MeetingMinutes} min.\nInvitation (.ics): {invitation}", ct,
                    mailboxes.For(settings.Owner).Address ?? settings.Email, mailboxes.For(settings.Owner).DisplayName ?? settings.DisplayName,
                    // The invitation itself too, so that the mail client offers to add it (RFC 6047: text/calendar, METHOD:REQUEST).
                    [new ChannelAttachment("invitation.ics", "text/calendar; method=REQUEST; charset=utf-8", Encoding.UTF8.GetBytes(Invitation.For(meeting, settings)))]);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                loggers.CreateLogger(typeof(BookingPage)).LogWarning("The invitation of meeting {MeetingId} could not be sent: {Error}", meeting.Id, e.GetType().Name);
            }
        }
        var html = Open("Rendez-vous confirmé / Meeting booked", settings);
        html.Append("<p>").Append(E(when)).Append("</p><p><a href=\"").Append(E(invitation.ToString()))
            .Append("\">Ajouter à l'agenda (.ics) / Add to calendar (.ics)</a></p>");
        return Html(Close(html), 200);
    }

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    private static IResult NoPage() => Message("Page introuvable / Page not found", "Cette page de réservation n'existe pas. / This booking page does not exist.", 404);

    private static IResult Message(string title, string text, int status)
    {
        var html = Open(title, null);
        html.Append("<p>").Append(E(text)).Append("</p>");
        return Html(Close(html), status);
    }

    private const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2430;line-height:1.5}" +
        "main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem}h1{font-size:1.5rem}fieldset{border:1px solid #d5d9e0;border-radius:.5rem;margin:0 0 1rem;background:#fff}" +
        ".slot{display:inline-block;margin:.25rem;padding:.5rem .75rem;border:1px solid #d5d9e0;border-radius:.375rem;min-width:4.5rem}" +
        "input[type=email],input[name=name]{width:100%;padding:.6rem;font-size:1rem;box-sizing:border-box}" +
        "button{padding:.75rem 1.5rem;font-size:1rem;border:0;border-radius:.375rem;background:#1f6feb;color:#fff;width:100%}";

    private static StringBuilder Open(string title, BookingSettings? settings)
    {
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
            .Append(E(title)).Append("</title><style>").Append(Style).Append("</style></head><body><main><h1>").Append(E(title)).Append("</h1>");
        if (settings is not null) html.Append("<p>").Append(E(settings.DisplayName ?? settings.Owner)).Append("</p>");
        return html;
    }

    private static string Close(StringBuilder html) => html.Append("</main></body></html>").ToString();

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string text) => Encoder.Encode(text);

    private static IResult Html(string html, int status) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
}
