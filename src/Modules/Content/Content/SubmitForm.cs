using System.Net.Mail;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Content;

internal static class SubmitForm
{
    private const int MaxValueLength = Limits.Text;
    private const int MaxUserAgentLength = 512;
    private const long MaxBodyBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder root)
    {
        root.MapPost("/f/{formId}", async (string formId, HttpRequest request, ISender sender, ContentDbContext db, CancellationToken ct) =>
        {
            var browser = request.HasFormContentType && !AcceptsJson(request);
            var values = request.HasFormContentType
                ? await ReadFormAsync(request, ct)
                : await ReadJsonAsync(request, ct);
            var command = new Contracts.SubmitForm(formId, values,
                request.HttpContext.Connection.RemoteIpAddress?.ToString(),
                request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, MaxUserAgentLength)] : null);
            try
            {
                var result = await sender.Send(command, ct);
                return browser
                    ? new SeeOther($"/f/{Uri.EscapeDataString(formId)}/thanks")
                    : Results.Created($"/api/content/submissions/{result.SubmissionId}", new { result.SubmissionId, result.LeadId });
            }
            catch (ValidationFailedException invalid) when (browser)
            {
                // A browser gets the page again with its values and the errors next to them, not a JSON problem.
                var form = await db.Forms.AsNoTracking().FirstAsync(f => f.Id == formId, ct);
                var page = values.TryGetValue("_page", out var slug) && LandingPages.SlugPattern().IsMatch(slug)
                    ? await db.LandingPages.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == slug && p.FormId == formId, ct)
                    : null;
                return Results.Content(FormPage.Render(page, form, values, invalid.Errors), "text/html; charset=utf-8", statusCode: 400);
            }
        }).WithName("SubmitForm").WithTags("Content").WithSummary("Submit a form (public): form-encoded from a browser, or JSON")
          .Accepts<Dictionary<string, string>>("application/json", "application/x-www-form-urlencoded")
          // A public endpoint: a form is a few fields, so a body beyond 64 KiB is refused (413) before it is read.
          .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
          .RequireRateLimiting("public").AllowAnonymous().DisableAntiforgery();

        root.MapGet("/f/{formId}/thanks", async (string formId, ContentDbContext db, CancellationToken ct) =>
        {
            var form = await db.Forms.AsNoTracking().FirstOrDefaultAsync(f => f.Id == formId, ct)
                ?? throw new NotFoundException("Form", formId);
            return Results.Content(FormPage.Thanks(form), "text/html; charset=utf-8");
        }).ExcludeFromDescription().RequireRateLimiting("public").AllowAnonymous();
    }

    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    private static bool AcceptsJson(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("application/json", StringComparison.OrdinalIgnoreCase));

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        return form.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, string>> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            throw ValidationFailedException.For("body", "The body must be a JSON object of field names to values, or a form post.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw ValidationFailedException.For("body", "The body must be a JSON object of field names to values.");
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                // The parser checks the structure, not the text inside strings: that is decoded here.
                if (!TryText(() => property.Name, out var name))
                    throw ValidationFailedException.For("body", "A field name is not valid text (invalid UTF-8 or an unpaired surrogate).");
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        values[name] = TryText(() => property.Value.GetString()!, out var text) ? text
                            : throw ValidationFailedException.For(name, "Not valid text: invalid UTF-8 or an unpaired UTF-16 surrogate.");
                        break;
                    case JsonValueKind.True: values[name] = "on"; break;
                    case JsonValueKind.Number: values[name] = property.Value.GetRawText(); break;
                    case JsonValueKind.False or JsonValueKind.Null: break;
                    default: throw ValidationFailedException.For(name, "Must be a string, a number or a boolean.");
                }
            }
            return values;
        }
    }

    /// <summary>Decodes a JSON string; false when it is not valid UTF-8 or holds an unpaired surrogate escape.</summary>
    private static bool TryText(Func<string> decode, out string text)
    {
        try
        {
            text = decode();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    public static bool IsTicked(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var v) && v is "on" or "true" or "1" or "yes";

    internal static bool IsEmail(string value) =>
        value.Length <= 254 && MailAddress.TryCreate(value, out var address) && address.Address == value && value.Contains('.', StringComparison.Ordinal);

    internal static bool IsPhone(string value)
    {
        var digits = value.Count(char.IsAsciiDigit);
        return digits is >= 6 and <= 15 && value.All(c => char.IsAsciiDigit(c) || c is ' ' or '.' or '-' or '(' or ')' or '+');
    }

    internal static void Validate(Form form, IReadOnlyDictionary<string, string> values, ValidationErrors errors)
    {
        foreach (var field in form.Fields)
        {
            var value = values.GetValueOrDefault(field.Name)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                if (field.Required) errors.Add(field.Name, $"{field.Label} is required.");
                continue;
            }
            if (value.Length > MaxValueLength) errors.Add(field.Name, $"At most {MaxValueLength} characters.");
            else if (ValidationErrors.TextProblem(value, multiLine: false) is { } problem) errors.Add(field.Name, problem);
            else if (field.Type == "email" && !IsEmail(value)) errors.Add(field.Name, "Not a valid email address.");
            else if (field.Type == "tel" && !IsPhone(value)) errors.Add(field.Name, "Not a valid phone number.");
            else if (field.Type == "postal-code" && !(value.Length is >= 3 and <= 10 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-')))
                errors.Add(field.Name, "Not a valid postal code.");
            else if (field.Type == "select" && !(field.Options ?? []).Contains(value)) errors.Add(field.Name, "Not one of the choices.");
        }
        // Campaign tracking is kept with the submission (clipped to 200 characters): the same rules for its characters.
        foreach (var utm in new[] { "utm_source", "utm_medium", "utm_campaign" })
            if (values.GetValueOrDefault(utm) is { } tracking && ValidationErrors.TextProblem(tracking, multiLine: false) is { } problem)
                errors.Add(utm, problem);
        foreach (var consent in form.Consents.Where(c => c.Required && !IsTicked(values, "consent." + c.Purpose)))
            errors.Add("consent." + consent.Purpose, "This consent is required to send the form.");
        var hasEmail = form.Fields.Any(f => f.Type == "email" && !string.IsNullOrWhiteSpace(values.GetValueOrDefault(f.Name)));
        var hasPhone = form.Fields.Any(f => f.Type == "tel" && !string.IsNullOrWhiteSpace(values.GetValueOrDefault(f.Name)));
        if (errors.IsEmpty && !hasEmail && !hasPhone)
            errors.Add(form.Fields.First(f => f.Type is "email" or "tel").Name, "Give an email address or a phone number so that we can answer.");
    }
}

internal sealed class SubmitFormHandler(
    ContentDbContext db,
    TimeProvider clock,
    IOutboxDispatcher dispatcher,
    ISender sender) : ICommandHandler<Contracts.SubmitForm, SubmitFormResult>
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["firstName"] = "firstName", ["first_name"] = "firstName", ["prenom"] = "firstName", ["prénom"] = "firstName",
        ["lastName"] = "lastName", ["last_name"] = "lastName", ["nom"] = "lastName",
        ["company"] = "company", ["societe"] = "company", ["société"] = "company", ["entreprise"] = "company",
        ["jobTitle"] = "jobTitle", ["job_title"] = "jobTitle", ["fonction"] = "jobTitle",
        ["kind"] = "kind",
    };

    public async ValueTask<SubmitFormResult> Handle(Contracts.SubmitForm command, CancellationToken cancellationToken)
    {
        var form = await db.Forms.AsNoTracking().FirstOrDefaultAsync(f => f.Id == command.FormId, cancellationToken)
            ?? throw new NotFoundException("Form", command.FormId);
        var values = command.Values;
        var errors = new ValidationErrors();
        SubmitForm.Validate(form, values, errors);
        errors.ThrowIfAny();

        var declared = form.Fields.ToDictionary(f => f.Name, f => values.GetValueOrDefault(f.Name)?.Trim() ?? "", StringComparer.Ordinal);
        string? ByType(string type) => form.Fields.Where(f => f.Type == type).Select(f => declared[f.Name]).FirstOrDefault(v => v.Length > 0);
        string? ByAlias(string canonical) => form.Fields
            .Where(f => Aliases.TryGetValue(f.Name, out var c) && c == canonical).Select(f => declared[f.Name]).FirstOrDefault(v => v.Length > 0);
        var kind = ByAlias("kind") is "professional" ? "professional" : "consumer";
        var known = new HashSet<string>(form.Fields.Where(f => f.Type is "email" or "tel" or "postal-code" || Aliases.ContainsKey(f.Name)).Select(f => f.Name));
        var contact = new SubmittedContact(
            ByType("email"), ByType("tel"), ByAlias("firstName"), ByAlias("lastName"), ByAlias("company"), ByAlias("jobTitle"),
            ByType("postal-code"), kind,
            declared.Where(kv => !known.Contains(kv.Key) && kv.Value.Length > 0).ToDictionary(kv => kv.Key, kv => kv.Value));
        var consents = form.Consents
            .Select(c => new SubmittedConsent(c.Purpose, c.Text, SubmitForm.IsTicked(values, "consent." + c.Purpose), command.IpAddress, command.UserAgent))
            .ToList();
        var callback = form.OffersCallback && SubmitForm.IsTicked(values, "callback");
        var utm = new UtmParameters(Clip(values.GetValueOrDefault("utm_source")), Clip(values.GetValueOrDefault("utm_medium")), Clip(values.GetValueOrDefault("utm_campaign")));
        var now = clock.GetUtcNow();

        var submission = new Submission
        {
            Id = Ids.New(),
            FormId = form.Id,
            Fields = declared.Where(kv => kv.Value.Length > 0).ToDictionary(),
            ConsentsGranted = consents.Where(c => c.Granted).Select(c => c.Purpose).ToList(),
            CallbackRequested = callback,
            UtmSource = utm.Source,
            UtmMedium = utm.Medium,
            UtmCampaign = utm.Campaign,
            SubmittedAt = now,
        };
        db.Submissions.Add(submission);
        var submitted = new FormSubmitted(submission.Id, form.Id, form.CampaignId, form.AssetId, contact, consents, callback, utm, now);
        var messageId = db.PublishInline(submitted);
        await db.SaveChangesAsync(cancellationToken);

        // The submission and its announcement are committed: from here on nothing is lost. Publishing now,
        // in the request, lets the answer carry the lead id; if it fails, the outbox retries later.
        string? leadId = null;
        // Not cancelled with the request: a client that hangs up now would otherwise leave the message reserved until the
        // reservation expires, and the lead would appear only then.
        if (await dispatcher.DispatchInlineAsync(ContentModule.ModuleName, messageId, submitted, CancellationToken.None))
        {
            try
            {
                leadId = await sender.Send(new FindLeadBySource(submission.Id), cancellationToken);
            }
            catch (ModuleDisabledException)
            {
                // A deployment without Leads still keeps every submission.
            }
        }
        return new SubmitFormResult(submission.Id, leadId, values.GetValueOrDefault("_page"));
    }

    private static string? Clip(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Length > 200 ? value[..200] : value.Trim();
}
