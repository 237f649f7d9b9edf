using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Capture;

internal static class CaptureLeadEndpoint
{
    public static void MapCaptureLead(this IEndpointRouteBuilder api) =>
        // The caller comes from the authenticated key, never from the body: it is the proof of the consents it sends.
        api.MapPost("/", async (CaptureLead command, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                var result = await sender.Send(command with { Caller = Callers.Of(user) }, ct);
                return TypedResults.Created($"/api/leads/{result.Id}", result);
            })
            .WithName("CaptureLead").WithSummary("Capture a lead (merged into the same person when found, with matchedOn); consents record the calling API key as their proof");
}

internal static class Callers
{
    public static ApiCaller? Of(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? new ApiCaller(id, user.FindFirstValue(ClaimTypes.Name) ?? id) : null;

    public static string Describe(ApiCaller? caller) => caller is null ? "system" : $"api-key:{caller.KeyId} ({caller.KeyName})";
}

internal sealed class CaptureLeadValidator : IValidator<CaptureLead>
{
    public void Validate(CaptureLead m, ValidationErrors errors)
    {
        var emailGiven = !string.IsNullOrWhiteSpace(m.Email);
        var phoneGiven = !string.IsNullOrWhiteSpace(m.Phone);
        var linkedInGiven = !string.IsNullOrWhiteSpace(m.LinkedInUrl);
        if (!emailGiven && !phoneGiven && !linkedInGiven)
            errors.Add("email", "Give an email address, a phone number or a LinkedIn profile URL (at least one).");
        if (linkedInGiven && LinkedInProfiles.Normalize(m.LinkedInUrl) is null)
            errors.Add("linkedInUrl", "Not a LinkedIn profile URL (https://www.linkedin.com/in/<name>).");
        if (emailGiven && ContactNormalizer.Email(m.Email) is null)
            errors.Add("email", "Not a valid email address.");
        // Text that is no phone number at all is refused; a number that does not exist is kept as typed and flagged.
        if (phoneGiven && !ContactNormalizer.LooksLikePhone(m.Phone))
            errors.Add("phone", "Not a phone number (digits, spaces, dots, dashes, parentheses and a leading +).");
        else if (phoneGiven && !emailGiven && !linkedInGiven && ContactNormalizer.French.PhoneKey(m.Phone) is null)
            errors.Add("phone", "Not a valid phone number; without an email address a lead needs one (international +33…, or national 0X XX XX XX XX).");
        errors.OneOf("kind", m.Kind, LeadKind.All.ToArray())
            .SingleLine("email", m.Email, Limits.Email).SingleLine("phone", m.Phone, Limits.Phone)
            .SingleLine("firstName", m.FirstName, Limits.Name).SingleLine("lastName", m.LastName, Limits.Name)
            .SingleLine("company", m.Company, Limits.Name).SingleLine("jobTitle", m.JobTitle, Limits.Name)
            .SingleLine("postalCode", m.PostalCode, Limits.PostalCode).SingleLine("linkedInUrl", m.LinkedInUrl, Limits.Detail);
        if (m.Source is null) errors.Add("source", "Say where the lead comes from (source.channel).");
        else errors.Required("source.channel", m.Source.Channel).OneOf("source.channel", m.Source.Channel, LeadChannel.All.ToArray())
            .SingleLine("source.campaignId", m.Source.CampaignId, Limits.Id).SingleLine("source.assetId", m.Source.AssetId, Limits.Id)
            .SingleLine("source.detail", m.Source.Detail, Limits.Detail).SingleLine("source.reference", m.Source.Reference, Limits.Reference)
            .SingleLine("source.referredBy", m.Source.ReferredBy, Limits.Id);
        errors.MaxCount("consents", m.Consents, Limits.Consents);
        for (var i = 0; i < Math.Min(m.Consents?.Count ?? 0, Limits.Consents); i++)
        {
            var consent = m.Consents![i];
            errors.Required($"consents[{i}].purpose", consent?.Purpose).SingleLine($"consents[{i}].purpose", consent?.Purpose, Limits.Key)
                .MultiLine($"consents[{i}].text", consent?.Text, Limits.Text).SingleLine($"consents[{i}].proof", consent?.Proof, Limits.Proof)
                .OneOf($"consents[{i}].channel", consent?.Channel, ConsentChannel.All.ToArray());
        }
    }
}

internal sealed class CaptureLeadHandler(LeadsDbContext db, LeadCapture capture, TimeProvider clock) : ICommandHandler<CaptureLead, CaptureLeadResult>
{
    public async ValueTask<CaptureLeadResult> Handle(CaptureLead command, CancellationToken cancellationToken)
    {
        command = WithCallerAsProof(command);
        // A capture with a reference (a plugin's external id, a form) is a form-like action: it scores once per detail and window.
        var formKey = command.Source.Reference is null ? null : command.Source.Detail ?? command.Source.Channel;
        var actions = LeadCapture.ActionsOf(command, clock.GetUtcNow(), formKey, null);
        try
        {
            return await capture.CaptureAsync(command, actions, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same person was created concurrently (unique email/phone/profile): this time it is found and merged.
            db.ChangeTracker.Clear();
            return await capture.CaptureAsync(command, actions, cancellationToken);
        }
    }

    /// <summary>Consents sent by an API caller are proven by that caller, whatever proof the request claimed.</summary>
    internal static CaptureLead WithCallerAsProof(CaptureLead command) => command is { Caller: { } caller, Consents: { Count: > 0 } consents }
        ? command with { Consents = consents.Select(c => c with { Proof = Callers.Describe(caller) }).ToList() }
        : command;
}
