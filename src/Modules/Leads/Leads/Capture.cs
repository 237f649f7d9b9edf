using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Leads;

/// <summary>
/// The shared MQL definition. The real scoring model comes later; for now a capture earns points per rule and
/// the threshold makes a submission that asks to be called back an MQL on its own.
/// </summary>
internal sealed record MqlPolicy(int Threshold, int FormSubmittedPoints, int CallbackRequestedPoints)
{
    public static MqlPolicy From(IConfiguration configuration) => new(
        configuration.GetValue("Tandem:Leads:Mql:Threshold", 50),
        configuration.GetValue("Tandem:Leads:Mql:FormSubmittedPoints", 10),
        configuration.GetValue("Tandem:Leads:Mql:CallbackRequestedPoints", 50));

    public MqlDefinition ToDefinition() => new(Threshold,
    [
        new MqlRule("form-submitted", FormSubmittedPoints, "Submitted a form (each submission)."),
        new MqlRule("callback-requested", CallbackRequestedPoints, "Explicitly asked to be called back."),
    ]);
}

internal static class LeadKinds
{
    public static readonly string[] All = ["consumer", "professional"];
    /// <summary>Unknown kind is treated as consumer: French prospecting rules protect consumers more than professionals, so it is the safe default.</summary>
    public static string Normalize(string? kind) => kind == "professional" ? "professional" : "consumer";
}

internal sealed class LeadCapture(LeadsDbContext db, MqlPolicy policy, TimeProvider clock)
{
    public static readonly string[] Channels = ["content", "seo", "social", "event", "paid", "email", "referral", "outbound", "api", "plugin", "import"];

    /// <summary>Finds the same person (email, then phone) or creates a lead; records source, consents and score;
    /// announces LeadCaptured and, when the threshold is crossed, LeadQualified. Saves once.</summary>
    public async Task<CaptureLeadResult> CaptureAsync(CaptureLead command, CancellationToken cancellationToken)
    {
        var email = ContactNormalizer.Email(command.Email);
        var phone = ContactNormalizer.Phone(command.Phone);
        if (email is null && phone is null)
            throw ValidationFailedException.For("email", "A lead needs a valid email address or phone number.");
        var now = clock.GetUtcNow();

        var matchedOn = new List<string>();
        Lead? lead = null;
        if (email is not null)
        {
            lead = await Load(l => l.Email == email, cancellationToken);
            if (lead is not null) matchedOn.Add("email");
        }
        if (phone is not null)
        {
            var byPhone = lead?.Phone == phone ? lead : await Load(l => l.Phone == phone, cancellationToken);
            if (byPhone is not null && (lead is null || byPhone.Id == lead.Id))
            {
                lead ??= byPhone;
                matchedOn.Add("phone");
            }
        }

        var created = lead is null;
        if (lead is null)
        {
            lead = new Lead
            {
                Id = Ids.New(),
                Email = email,
                Phone = phone,
                Kind = LeadKinds.Normalize(command.Kind),
                Status = "new",
                CreatedAt = now,
            };
            db.Leads.Add(lead);
        }
        else
        {
            // A capture fills what was missing; it never overwrites what the person told us before.
            lead.Email ??= email;
            if (lead.Phone is null && phone is not null && !await db.Leads.AnyAsync(l => l.Phone == phone, cancellationToken))
                lead.Phone = phone;
            if (command.Kind == "professional" && lead.Kind != "professional") lead.Kind = "professional";
        }
        lead.FirstName ??= Clean(command.FirstName);
        lead.LastName ??= Clean(command.LastName);
        lead.Company ??= Clean(command.Company);
        lead.JobTitle ??= Clean(command.JobTitle);
        lead.PostalCode ??= Clean(command.PostalCode);
        lead.UpdatedAt = now;

        var source = command.Source;
        lead.Sources.Add(new LeadSourceEntry
        {
            LeadId = lead.Id, Channel = source.Channel, CampaignId = source.CampaignId, AssetId = source.AssetId,
            Detail = source.Detail, Reference = source.Reference, At = now,
        });
        foreach (var consent in command.Consents ?? [])
            lead.Consents.Add(new LeadConsentEntry
            {
                LeadId = lead.Id, Purpose = consent.Purpose, Granted = consent.Granted, Text = consent.Text, Proof = consent.Proof, At = now,
            });

        if (source.Reference is not null) AddPoints(lead, "form-submitted", policy.FormSubmittedPoints, now);
        if (command.CallbackRequested)
        {
            lead.CallbackRequestedAt = now;
            AddPoints(lead, "callback-requested", policy.CallbackRequestedPoints, now);
        }

        var outcome = created ? "created" : "merged";
        db.Publish(new LeadCaptured(lead.Id, outcome, lead.Kind, source, now));
        if (lead.Status == "new" && lead.Score >= policy.Threshold)
        {
            lead.Status = "mql";
            db.Publish(new LeadQualified(lead.Id, lead.Kind, lead.Company, lead.JobTitle, lead.PostalCode, lead.Score,
                lead.CallbackRequestedAt is not null, lead.CallbackRequestedAt, now));
        }
        await db.SaveChangesAsync(cancellationToken);
        return new CaptureLeadResult(lead.Id, outcome, matchedOn);
    }

    private static void AddPoints(Lead lead, string rule, int points, DateTimeOffset now)
    {
        if (points == 0) return;
        lead.ScoreEntries.Add(new ScoreEntry { LeadId = lead.Id, Rule = rule, Points = points, At = now });
        lead.Score += points;
    }

    // The lead alone: a capture only adds sources, consents and score entries, so their collections need not be loaded.
    private Task<Lead?> Load(System.Linq.Expressions.Expression<Func<Lead, bool>> predicate, CancellationToken ct) =>
        db.Leads.FirstOrDefaultAsync(predicate, ct);

    // Forms accept longer values than the API's name limit: what a lead keeps is cut to that limit (API validation 400s instead).
    private static string? Clean(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim() is { Length: > Limits.Name } trimmed ? trimmed[..Limits.Name] : value.Trim();
}

internal sealed class CaptureLeadValidator : IValidator<CaptureLead>
{
    public void Validate(CaptureLead m, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(m.Email) && string.IsNullOrWhiteSpace(m.Phone))
            errors.Add("email", "Give an email address or a phone number (at least one).");
        if (!string.IsNullOrWhiteSpace(m.Email) && ContactNormalizer.Email(m.Email) is null)
            errors.Add("email", "Not a valid email address.");
        if (!string.IsNullOrWhiteSpace(m.Phone) && ContactNormalizer.Phone(m.Phone) is null)
            errors.Add("phone", "Not a valid phone number (international +33…, or French national 0X XX XX XX XX).");
        errors.OneOf("kind", m.Kind, LeadKinds.All)
            .SingleLine("email", m.Email, Limits.Email).SingleLine("phone", m.Phone, Limits.Phone)
            .SingleLine("firstName", m.FirstName, Limits.Name).SingleLine("lastName", m.LastName, Limits.Name)
            .SingleLine("company", m.Company, Limits.Name).SingleLine("jobTitle", m.JobTitle, Limits.Name)
            .SingleLine("postalCode", m.PostalCode, Limits.PostalCode);
        if (m.Source is null) errors.Add("source", "Say where the lead comes from (source.channel).");
        else errors.Required("source.channel", m.Source.Channel).OneOf("source.channel", m.Source.Channel, LeadCapture.Channels)
            .SingleLine("source.campaignId", m.Source.CampaignId, Limits.Id).SingleLine("source.assetId", m.Source.AssetId, Limits.Id)
            .SingleLine("source.detail", m.Source.Detail, Limits.Detail).SingleLine("source.reference", m.Source.Reference, Limits.Reference);
        errors.MaxCount("consents", m.Consents, Limits.Consents);
        for (var i = 0; i < Math.Min(m.Consents?.Count ?? 0, Limits.Consents); i++)
        {
            var consent = m.Consents![i];
            errors.Required($"consents[{i}].purpose", consent?.Purpose).SingleLine($"consents[{i}].purpose", consent?.Purpose, Limits.Key)
                .MultiLine($"consents[{i}].text", consent?.Text, Limits.Text).SingleLine($"consents[{i}].proof", consent?.Proof, Limits.Proof);
        }
    }
}

internal sealed class CaptureLeadHandler(LeadsDbContext db, LeadCapture capture) : ICommandHandler<CaptureLead, CaptureLeadResult>
{
    public async ValueTask<CaptureLeadResult> Handle(CaptureLead command, CancellationToken cancellationToken)
    {
        command = WithCallerAsProof(command);
        try
        {
            return await capture.CaptureAsync(command, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same person was created concurrently (unique email/phone): this time it is found and merged.
            db.ChangeTracker.Clear();
            return await capture.CaptureAsync(command, cancellationToken);
        }
    }

    /// <summary>Consents sent by an API caller are proven by that caller, whatever proof the request claimed.</summary>
    internal static CaptureLead WithCallerAsProof(CaptureLead command) => command is { Caller: { } caller, Consents: { Count: > 0 } consents }
        ? command with { Consents = consents.Select(c => c with { Proof = $"api-key:{caller.KeyId} ({caller.KeyName})" }).ToList() }
        : command;
}

/// <summary>Content announced a form submission: capture the person (once per submission, whatever the redeliveries).</summary>
internal sealed class CaptureLeadFromForm(LeadsDbContext db, LeadCapture capture) : INotificationHandler<FormSubmitted>
{
    public async ValueTask Handle(FormSubmitted notification, CancellationToken cancellationToken)
    {
        try
        {
            await CaptureOnceAsync(notification, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same person was created concurrently (unique email/phone): this time it is found and merged.
            db.ChangeTracker.Clear();
            await CaptureOnceAsync(notification, cancellationToken);
        }
    }

    private async Task CaptureOnceAsync(FormSubmitted notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(CaptureLeadFromForm), cancellationToken)) return;
        var c = notification.Contact;
        if (ContactNormalizer.Email(c.Email) is null && ContactNormalizer.Phone(c.Phone) is null)
        {
            // Content validated the form; a submission nobody can be reached at is recorded as consumed, not retried forever.
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var consents = notification.Consents
            .Select(x => new LeadConsent(x.Purpose, x.Granted, x.Text, $"form:{notification.FormId}; ip:{x.IpAddress}; user-agent:{x.UserAgent}"))
            .ToList();
        if (notification.CallbackRequested)
            consents.Add(new LeadConsent("phone-callback", true, "Asked to be called back on the form.", $"form:{notification.FormId}"));
        await capture.CaptureAsync(new CaptureLead(
            c.Email, c.Phone, c.FirstName, c.LastName, c.Company, c.JobTitle, c.PostalCode, c.Kind,
            new LeadSource("content", notification.CampaignId, notification.AssetId, $"form:{notification.FormId}", notification.SubmissionId),
            consents, notification.CallbackRequested), cancellationToken);
    }
}
