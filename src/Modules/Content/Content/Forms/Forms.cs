using System.Text.RegularExpressions;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Content;

internal static partial class Forms
{
    public static readonly string[] Types = [.. FieldTypes.All];
    private static readonly HashSet<string> Reserved =
        [FormValueNames.Callback, FormValueNames.UtmSource, FormValueNames.UtmMedium, FormValueNames.UtmCampaign, FormValueNames.Honeypot];

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    public static partial Regex NamePattern();

    public static bool IsReserved(string name) => Reserved.Contains(name) || name.StartsWith(FormValueNames.ConsentPrefix, StringComparison.Ordinal);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapCreate<CreateForm, Created>("/forms", created => $"/api/content/forms/{created.Id}").WithName("CreateForm").WithSummary("Create a form with its fields, consents and callback choice");
        api.MapGet("/forms/{id}", async (string id, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetForm(id), ct)))
            .WithName("GetForm").WithSummary("One form with its fields, consents and callback choice");
        // The id comes from the path, never from the body; past submissions keep the texts they were shown.
        api.MapPut("/forms/{id}", async (string id, CreateForm body, ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new UpdateForm(id, body.Name, body.AssetId, body.CampaignId, body.Fields, body.Consents, body.OffersCallback), ct)))
            .WithName("UpdateForm").WithSummary("Replace a form's fields, consents and callback choice (past submissions keep what they were shown)")
            .Produces<FormDetails>();
    }
}

internal sealed class CreateFormValidator : IValidator<CreateForm>
{
    public void Validate(CreateForm m, ValidationErrors errors) => FormRules.Validate(m, errors);
}

internal sealed class UpdateFormValidator : IValidator<UpdateForm>
{
    public void Validate(UpdateForm m, ValidationErrors errors) =>
        FormRules.Validate(new CreateForm(m.Name, m.AssetId, m.CampaignId, m.Fields, m.Consents, m.OffersCallback), errors);
}

/// <summary>The rules of a form definition, for creating and editing alike.</summary>
internal static class FormRules
{
    public static void Validate(CreateForm m, ValidationErrors errors)
    {
        errors.Required("name", m.Name).SingleLine("name", m.Name, Limits.Name)
            .SingleLine("assetId", m.AssetId, Limits.Id).SingleLine("campaignId", m.CampaignId, Limits.Id)
            .MaxCount("fields", m.Fields, Limits.FormFields).MaxCount("consents", m.Consents, Limits.Consents);
        if (m.Fields is null || m.Fields.Count == 0)
        {
            errors.Add("fields", "A form needs at least one field.");
            return;
        }
        if (m.Fields.Count > Limits.FormFields || m.Consents?.Count > Limits.Consents) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < m.Fields.Count; i++)
        {
            var f = m.Fields[i];
            var at = $"fields[{i}]";
            if (f is null) { errors.Add(at, "A field cannot be null."); continue; }
            if (string.IsNullOrWhiteSpace(f.Name) || !Forms.NamePattern().IsMatch(f.Name))
                errors.Add($"{at}.name", "Letters, digits, '_' or '-', starting with a letter (at most 64).");
            else if (Forms.IsReserved(f.Name))
                errors.Add($"{at}.name", $"'{f.Name}' is reserved (consents and the callback choice are declared separately).");
            else if (!seen.Add(f.Name))
                errors.Add($"{at}.name", $"Another field is already named '{f.Name}'.");
            errors.Required($"{at}.label", f.Label).SingleLine($"{at}.label", f.Label, Limits.Name).OneOf($"{at}.type", f.Type, Forms.Types);
            if (f.Type == FieldTypes.Select && (f.Options is null || f.Options.Count == 0))
                errors.Add($"{at}.options", "A select needs options.");
            errors.MaxCount($"{at}.options", f.Options, Limits.Options);
            for (var o = 0; o < Math.Min(f.Options?.Count ?? 0, Limits.Options); o++)
                errors.Required($"{at}.options[{o}]", f.Options![o]).SingleLine($"{at}.options[{o}]", f.Options[o], Limits.Name);
        }
        if (!m.Fields.Any(f => f?.Type is FieldTypes.Email or FieldTypes.Tel))
            errors.Add("fields", "A form needs an email or a tel field, or the lead cannot be reached.");
        var purposes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (m.Consents?.Count ?? 0); i++)
        {
            var c = m.Consents![i];
            var at = $"consents[{i}]";
            if (c is null) { errors.Add(at, "A consent cannot be null."); continue; }
            if (string.IsNullOrWhiteSpace(c.Purpose) || !Forms.NamePattern().IsMatch(c.Purpose))
                errors.Add($"{at}.purpose", "A purpose such as newsletter, commercial-email, phone-callback.");
            else if (!purposes.Add(c.Purpose))
                errors.Add($"{at}.purpose", $"'{c.Purpose}' is declared twice.");
            errors.Required($"{at}.text", c.Text).MultiLine($"{at}.text", c.Text, Limits.Text);
        }
    }
}

internal sealed class GetFormHandler(ContentDbContext db) : IQueryHandler<GetForm, FormDetails>
{
    public async ValueTask<FormDetails> Handle(GetForm query, CancellationToken cancellationToken)
    {
        var f = await db.Forms.AsNoTracking().FirstOrDefaultAsync(x => x.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("Form", query.Id);
        return f.ToDetails();
    }
}

internal static class FormDetailsMapping
{
    public static FormDetails ToDetails(this Form f) => new(f.Id, f.Name, f.AssetId, f.CampaignId,
        f.Fields.Select(x => new FormFieldSpec(x.Name, x.Label, x.Type, x.Required, x.Options)).ToList(),
        f.Consents.Select(x => new FormConsentSpec(x.Purpose, x.Text, x.Required)).ToList(),
        f.OffersCallback, f.CreatedAt, f.UpdatedAt);

    public static async Task CheckReferencesAsync(ContentDbContext db, string? assetId, string? campaignId, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (assetId is not null && !await db.Assets.AnyAsync(a => a.Id == assetId, ct))
            errors.Add("assetId", $"No asset has the id '{assetId}'.");
        if (campaignId is not null && !await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct))
            errors.Add("campaignId", $"No campaign has the id '{campaignId}'.");
        errors.ThrowIfAny();
    }
}

/// <summary>
/// Edits a form in place. What past visitors agreed to is not touched: every submission stores the consent texts it was
/// shown, so a new wording applies to later submissions only.
/// </summary>
internal sealed class UpdateFormHandler(ContentDbContext db, TimeProvider clock) : ICommandHandler<UpdateForm, FormDetails>
{
    public async ValueTask<FormDetails> Handle(UpdateForm command, CancellationToken cancellationToken)
    {
        var form = await db.Forms.FirstOrDefaultAsync(f => f.Id == command.Id, cancellationToken)
            ?? throw new NotFoundException("Form", command.Id);
        await FormDetailsMapping.CheckReferencesAsync(db, command.AssetId, command.CampaignId, cancellationToken);
        form.Name = command.Name.Trim();
        form.AssetId = command.AssetId;
        form.CampaignId = command.CampaignId;
        form.Fields = command.Fields.Select(f => new FormField(f.Name, f.Label.Trim(), f.Type, f.Required, f.Options)).ToList();
        form.Consents = (command.Consents ?? []).Select(c => new FormConsent(c.Purpose, c.Text, c.Required)).ToList();
        form.OffersCallback = command.OffersCallback;
        form.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return form.ToDetails();
    }
}

internal sealed class CreateFormHandler(ContentDbContext db, TimeProvider clock) : ICommandHandler<CreateForm, Created>
{
    public async ValueTask<Created> Handle(CreateForm command, CancellationToken cancellationToken)
    {
        await FormDetailsMapping.CheckReferencesAsync(db, command.AssetId, command.CampaignId, cancellationToken);

        var form = new Form
        {
            Id = Ids.New(),
            Name = command.Name.Trim(),
            AssetId = command.AssetId,
            CampaignId = command.CampaignId,
            Fields = command.Fields.Select(f => new FormField(f.Name, f.Label, f.Type, f.Required, f.Options)).ToList(),
            Consents = (command.Consents ?? []).Select(c => new FormConsent(c.Purpose, c.Text, c.Required)).ToList(),
            OffersCallback = command.OffersCallback,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Forms.Add(form);
        await db.SaveChangesAsync(cancellationToken);
        return new Created(form.Id);
    }
}
