using System.Runtime.CompilerServices;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Content.Pages;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Content;

/// <summary>
/// Stores a valid submission with the consent texts shown, attributes it (utm_campaign naming a campaign id, else the page's,
/// else the form's), announces <see cref="FormSubmitted"/> inline and offers the asset through a signed link. One read
/// (the form with its asset, page and campaign) and one commit, as before.
/// </summary>
internal sealed class SubmitFormHandler(
    ContentDbContext db,
    TimeProvider clock,
    IOutboxDispatcher dispatcher,
    ISender sender,
    ContentOptions options,
    AssetLinks links,
    FormCache forms) : ICommandHandler<Contracts.SubmitForm, SubmitFormResult>
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
        var values = command.Values;
        var slug = values.GetValueOrDefault(FormValueNames.Page) is { Length: > 0 and <= Limits.Slug } s && LandingPages.SlugPattern().IsMatch(s) ? s : null;
        var utmCampaign = Clip(values.GetValueOrDefault(FormValueNames.UtmCampaign));
        var found = await forms.GetAsync(new(command.FormId, slug, utmCampaign), () => FindFormAsync(db, command.FormId, slug, utmCampaign)) ?? throw new NotFoundException("Form", command.FormId);
        var form = found.Form;

        // A bot that fills the hidden honeypot gets the answer a person gets, and nothing is stored or announced.
        if (!string.IsNullOrEmpty(values.GetValueOrDefault(FormValueNames.Honeypot)))
            return new SubmitFormResult(Ids.New(), null, slug, null, Stored: false);

        var errors = new ValidationErrors();
        FormValues.Validate(form, values, PageTexts.For(found.PageLanguage ?? options.DefaultLanguage), errors);
        errors.ThrowIfAny();

        var declared = form.Fields.ToDictionary(f => f.Name, f => values.GetValueOrDefault(f.Name)?.Trim() ?? "", StringComparer.Ordinal);
        string? ByType(string type) => form.Fields.Where(f => f.Type == type).Select(f => declared[f.Name]).FirstOrDefault(v => v.Length > 0);
        string? ByAlias(string canonical) => form.Fields
            .Where(f => Aliases.TryGetValue(f.Name, out var c) && c == canonical).Select(f => declared[f.Name]).FirstOrDefault(v => v.Length > 0);
        var kind = ByAlias("kind") is "professional" ? "professional" : "consumer";
        var known = new HashSet<string>(form.Fields.Where(f => f.Type is FieldTypes.Email or FieldTypes.Tel or FieldTypes.PostalCode || Aliases.ContainsKey(f.Name)).Select(f => f.Name));
        var contact = new SubmittedContact(
            ByType(FieldTypes.Email), ByType(FieldTypes.Tel), ByAlias("firstName"), ByAlias("lastName"), ByAlias("company"), ByAlias("jobTitle"),
            ByType(FieldTypes.PostalCode), kind,
            declared.Where(kv => !known.Contains(kv.Key) && kv.Value.Length > 0).ToDictionary(kv => kv.Key, kv => kv.Value));
        var consents = form.Consents
            .Select(c => new SubmittedConsent(c.Purpose, c.Text, FormValues.IsTicked(values, FormValueNames.ConsentPrefix + c.Purpose), command.IpAddress, command.UserAgent))
            .ToList();
        var callback = form.OffersCallback && FormValues.IsTicked(values, FormValueNames.Callback);
        var utm = new UtmParameters(Clip(values.GetValueOrDefault(FormValueNames.UtmSource)), Clip(values.GetValueOrDefault(FormValueNames.UtmMedium)), utmCampaign);
        var campaignId = found.UtmCampaignId ?? found.PageCampaignId ?? form.CampaignId;
        var visitorId = VisitorCookie.IsValid(command.VisitorId) ? command.VisitorId : null;
        var now = clock.GetUtcNow();

        var submission = new Submission
        {
            Id = Ids.New(),
            FormId = form.Id,
            Fields = declared.Where(kv => kv.Value.Length > 0).ToDictionary(),
            ConsentsGranted = consents.Where(c => c.Granted).Select(c => c.Purpose).ToList(),
            Consents = consents.Select(c => new FormConsentAnswer(c.Purpose, c.Text, c.Granted)).ToList(),
            CallbackRequested = callback,
            UtmSource = utm.Source,
            UtmMedium = utm.Medium,
            UtmCampaign = utm.Campaign,
            SubmittedAt = now,
            CampaignId = campaignId,
            LandingPageId = found.PageId,
            AssetId = form.AssetId,
            VisitorId = visitorId,
        };
        db.Submissions.Add(submission);
        var submitted = new FormSubmitted(submission.Id, form.Id, campaignId, form.AssetId, contact, consents, callback, utm, now,
            visitorId, found.PageId, found.AssetStage, found.AssetInterest);
        var messageId = db.PublishInline(submitted);
        await db.SaveChangesAsync(cancellationToken);

        // The submission and its announcement are committed: from here on nothing is lost. Publishing now,
        // in the request, lets the answer carry the lead id; if it fails, the outbox retries later.
        // Not cancelled with the request: a client that hangs up now would otherwise leave the message reserved until the
        // reservation expires, and the lead would appear only then. Leads replies with the lead's id (no read back).
        var dispatched = await dispatcher.DispatchInlineAsync(ContentModule.ModuleName, messageId, submitted, CancellationToken.None);
        var leadId = dispatched.Reply;
        if (dispatched.Handled && leadId is null)
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
        var assetPath = form.AssetId is { } assetId && found.AssetUrl is not null
            ? await links.IssueAsync(submission.Id, assetId, cancellationToken)
            : null;
        return new SubmitFormResult(submission.Id, leadId, slug, assetPath);
    }

    /// <summary>
    /// What a submission reads: the form, its asset's stage, interest and link, the landing page it was sent from. Shared
    /// by the requests of one form through <see cref="FormCache"/>: read only.
    /// </summary>
    internal sealed record FoundForm(Form Form, string? AssetStage, string? AssetInterest, string? AssetUrl, string? PageId,
        string? PageCampaignId, string? PageLanguage, string? UtmCampaignId);

    /// <summary>
    /// One statement: the form, its asset and the landing page it was sent from by left joins, and the campaign utm_campaign
    /// names. Compiled once because it runs on every submission: EF Core would otherwise walk the expression tree to extract
    /// its parameters and hash it to find the cached query, a tenth of the host's CPU on Content's path
    /// (docs/performance.md, "Module by module"). Once per model: a compiled query refuses a context of another model (a
    /// process running SQLite and PostgreSQL hosts side by side, as the tests do).
    /// </summary>
    private static Task<FoundForm?> FindFormAsync(ContentDbContext db, string formId, string? slug, string? utmCampaign) =>
        FindFormByModel.GetValue(db.Model, _ => CompileFindForm())(db, formId, slug, utmCampaign);

    private static readonly ConditionalWeakTable<IModel, Func<ContentDbContext, string, string?, string?, Task<FoundForm?>>> FindFormByModel = new();

    private static Func<ContentDbContext, string, string?, string?, Task<FoundForm?>> CompileFindForm() =>
        EF.CompileAsyncQuery((ContentDbContext db, string formId, string? slug, string? utmCampaign) => (
            from f in db.Forms.AsNoTracking()
            where f.Id == formId
            join a in db.Assets.AsNoTracking() on f.AssetId equals a.Id into assets
            from a in assets.DefaultIfEmpty()
            join p in db.LandingPages.AsNoTracking().Where(p => p.Slug == slug) on f.Id equals p.FormId into pages
            from p in pages.DefaultIfEmpty()
            select new FoundForm(
                f,
                a == null ? null : a.JourneyStage,
                a == null ? null : a.Interest,
                a == null ? null : a.Url,
                p == null ? null : p.Id,
                p == null ? null : p.CampaignId,
                p == null ? null : p.Language,
                utmCampaign == null ? null : db.Campaigns.Where(c => c.Id == utmCampaign).Select(c => c.Id).FirstOrDefault()))
            .FirstOrDefault());

    private static string? Clip(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Length > 200 ? value[..200].Trim() : value.Trim();
}
