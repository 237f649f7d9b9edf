using System.Collections.Concurrent;
using Fluid;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Templates;

/// <summary>
/// Email templates in Liquid (Fluid): <c>{{ firstName }}</c>, <c>{{ lastName }}</c>, <c>{{ company }}</c>, <c>{{ jobTitle }}</c>,
/// <c>{{ owner }}</c>, <c>{{ persona }}</c>, <c>{{ templateVariant }}</c> (the persona's template variant), <c>{{ bookingUrl }}</c> (the owner's booking page for the person; empty when the owner
/// has none). Parsed templates are cached by their text (sequences do not change once created).
/// </summary>
internal sealed class TemplateRenderer
{
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, IFluidTemplate> _cache = new(StringComparer.Ordinal);

    public static string? Problem(string? source)
    {
        if (source is null) return null;
        return Parser.TryParse(source, out _, out var error) ? null : $"Not a valid template: {error}";
    }

    /// <summary>Whether a template uses the booking link (only then is one made: it costs a Data Protection operation).</summary>
    public static bool UsesBookingUrl(string? source) => source?.Contains("bookingUrl", StringComparison.Ordinal) == true;

    public string Render(string source, ContactSnapshot contact, string? owner, Uri? bookingUrl = null)
    {
        var template = _cache.GetOrAdd(source, s => Parser.Parse(s));
        var context = new TemplateContext();
        context.SetValue("firstName", contact.FirstName ?? "");
        context.SetValue("lastName", contact.LastName ?? "");
        context.SetValue("company", contact.Company ?? "");
        context.SetValue("jobTitle", contact.JobTitle ?? "");
        context.SetValue("owner", owner ?? "");
        context.SetValue("persona", contact.PersonaName ?? "");
        context.SetValue("templateVariant", contact.TemplateVariant ?? "");
        context.SetValue("bookingUrl", bookingUrl?.ToString() ?? "");
        return template.Render(context);
    }
}

internal sealed class PreviewTemplateValidator : IValidator<PreviewTemplate>
{
    public void Validate(PreviewTemplate m, ValidationErrors errors)
    {
        errors.SingleLine("subject", m.Subject, Limits.Title).MultiLine("body", m.Body, Limits.Body).SingleLine("prospectId", m.ProspectId, Limits.Id)
            .SingleLine("sequenceId", m.SequenceId, Limits.Id).SingleLine("variant", m.Variant, Limits.Key);
        if (m.SequenceId is null)
        {
            errors.Required("body", m.Body);
            if (m.Step is not null) errors.Add("sequenceId", "A step is previewed within its sequence: give sequenceId.");
            if (m.Variant is not null) errors.Add("sequenceId", "A variant is previewed within its sequence: give sequenceId and step.");
        }
        else if (m.Step is null) errors.Add("step", "The index of the step to preview.");
        if (TemplateRenderer.Problem(m.Subject) is { } s) errors.Add("subject", s);
        if (TemplateRenderer.Problem(m.Body) is { } b) errors.Add("body", b);
    }
}

/// <summary>
/// Renders for a real prospect (its contact card) or, without one, for a sample person: the given templates, or a sequence's step and
/// one of its A/B variants (a subject or body given as well overrides the step's).
/// </summary>
internal sealed class PreviewTemplateHandler(ISender sender, TemplateRenderer renderer, Meetings.BookingLinks links, Meetings.BookingSettingsReader booking,
    OutreachDbContext db) : IQueryHandler<PreviewTemplate, TemplatePreview>
{
    public async ValueTask<TemplatePreview> Handle(PreviewTemplate query, CancellationToken cancellationToken)
    {
        var (subject, body, variantName) = (query.Subject, query.Body, (string?)null);
        if (query.SequenceId is not null)
        {
            var sequence = await db.Sequences.AsNoTracking().FirstOrDefaultAsync(s => s.Id == query.SequenceId, cancellationToken)
                ?? throw ValidationFailedException.For("sequenceId", $"No sequence has the id '{query.SequenceId}'.");
            if (query.Step is not { } index || index < 0 || index >= sequence.Steps.Count)
                throw ValidationFailedException.For("step", $"A step index of the sequence (0..{sequence.Steps.Count - 1}).");
            var step = sequence.Steps[index];
            StepVariant? variant = null;
            if (query.Variant is not null)
            {
                variant = step.Variants?.FirstOrDefault(v => string.Equals(v.Name, query.Variant.Trim(), StringComparison.OrdinalIgnoreCase))
                    ?? throw ValidationFailedException.For("variant", step.Variants is { Count: > 0 } vs
                        ? $"The step's variants are {string.Join(", ", vs.Select(v => v.Name))}."
                        : "This step has no A/B variants.");
                variantName = variant.Name;
            }
            var templates = step.Templates(variant);
            subject ??= templates.Subject;
            body ??= templates.Body;
            if (body is null) throw ValidationFailedException.For("step", "This step has no template to preview.");
        }
        ContactSnapshot contact;
        string? owner;
        Uri? bookingUrl = null;
        if (query.ProspectId is not null)
        {
            ProspectContact card;
            try { card = await sender.Send(new GetProspectContact(query.ProspectId), cancellationToken); }
            catch (NotFoundException) { throw ValidationFailedException.For("prospectId", $"No prospect has the id '{query.ProspectId}'."); }
            contact = card.ToSnapshot();
            owner = card.Owner;
            if (owner is not null && await booking.ForAsync(owner, cancellationToken) is not null) bookingUrl = links.PageFor(owner, card.ProspectId);
        }
        else
        {
            contact = new ContactSnapshot(null, "camille.martin@example.fr", null, "Camille", "Martin", "Transports Martin", "Directrice générale", 80, [], null, null, null);
            owner = "Sample Rep";
            bookingUrl = new Uri($"{links.Base}/book/sample-rep");
        }
        return new TemplatePreview(subject is null ? null : renderer.Render(subject, contact, owner, bookingUrl),
            renderer.Render(body!, contact, owner, bookingUrl), variantName);
    }
}

internal static class ContactMapping
{
    public static ContactSnapshot ToSnapshot(this ProspectContact c) =>
        new(c.LeadId, c.Email, c.Phone, c.FirstName, c.LastName, c.Company, c.JobTitle, c.FitScore, c.FitReasons.ToList(), c.PersonaName, c.CallScript, c.TemplateVariant,
            LinkedInUrl: c.LinkedInUrl);
}
