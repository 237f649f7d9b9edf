using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Content.Pages;

/// <summary>What a page about a form shows of the asset it offers.</summary>
internal sealed record AssetSummary(string Title, string Kind);

/// <summary>A landing page (or a bare form) as one visitor sees it: their values and errors when the form comes back.</summary>
internal sealed record FormView(
    LandingPage? Page,
    Form Form,
    AssetSummary? Asset,
    PageTexts Texts,
    IReadOnlyDictionary<string, string>? Values = null,
    IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// Server-rendered public pages (no script needed; a plain HTML form post works everywhere): the landing page with its form,
/// the thank-you page with the asset link, and the asset-link error page. Everything user-supplied is HTML-encoded.
/// </summary>
internal sealed class FormPage(ContentOptions options, PageStyle style)
{
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private readonly string? _logoOrigin = options.Branding.LogoUrl is { } logo && Uri.TryCreate(logo, UriKind.Absolute, out var uri)
        ? uri.GetLeftPart(UriPartial.Authority) : null;

    /// <summary>An HTML answer whose CSP allows exactly the inline stylesheet (by hash) and the logo's origin.</summary>
    public IResult Html(HttpContext context, string html, int statusCode = StatusCodes.Status200OK)
    {
        context.Items[HttpRequests.PageStyleSourceItem] = style.Hash;
        if (_logoOrigin is not null) context.Items[HttpRequests.PageImageSourceItem] = _logoOrigin;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    public string Render(FormView view)
    {
        var (page, form, t) = (view.Page, view.Form, view.Texts);
        var title = page?.Title ?? form.Name;
        var html = new StringWriter(CultureInfo.InvariantCulture);
        Open(html, t, title);
        html.Write("<main><article class=\"intro\"><h1>");
        html.Write(E(title));
        html.Write("</h1>");
        if (page is not null) Markdown.Append(html, page.Body);
        html.Write("<p class=\"promise\">");
        html.Write(view.Asset is { } asset ? E(string.Format(CultureInfo.InvariantCulture, t.Promise, t.KindName(asset.Kind), asset.Title)) : E(t.PromiseNoAsset));
        html.Write("</p></article>");

        html.Write("<section class=\"card\" aria-labelledby=\"form-title\"><h2 id=\"form-title\">");
        html.Write(E(form.Name));
        html.Write("</h2>");
        var errors = view.Errors ?? new Dictionary<string, string[]>();
        if (errors.Count > 0)
        {
            html.Write("<div class=\"errors\" role=\"alert\" tabindex=\"-1\"><h2>");
            html.Write(E(t.ErrorsHeading));
            html.Write("</h2><ul>");
            foreach (var (key, messages) in errors)
                foreach (var message in messages)
                    html.Write($"<li><a href=\"#{E(InputId(key))}\">{E(message)}</a></li>");
            html.Write("</ul></div>");
        }
        html.Write($"<form method=\"post\" action=\"/f/{E(form.Id)}\">");
        if (page is not null) Hidden(html, FormValueNames.Page, page.Slug);
        foreach (var utm in new[] { FormValueNames.UtmSource, FormValueNames.UtmMedium, FormValueNames.UtmCampaign })
            if (view.Values?.GetValueOrDefault(utm) is { Length: > 0 } tracking) Hidden(html, utm, tracking);
        html.Write($"<p class=\"note\">{E(t.RequiredNote)}</p>");

        foreach (var field in form.Fields) Field(html, t, field, view.Values?.GetValueOrDefault(field.Name), errors.GetValueOrDefault(field.Name));

        // The honeypot: off-screen, out of the tab order and hidden from assistive technology; people never fill it.
        html.Write($"<div class=\"hp\" aria-hidden=\"true\"><label for=\"{InputId(FormValueNames.Honeypot)}\">{E(t.HoneypotLabel)}</label>"
            + $"<input type=\"text\" id=\"{InputId(FormValueNames.Honeypot)}\" name=\"{FormValueNames.Honeypot}\" value=\"\" tabindex=\"-1\" autocomplete=\"off\"></div>");

        if (form.Consents.Count > 0 || form.OffersCallback)
        {
            html.Write($"<fieldset><legend>{E(t.ConsentsHeading)}</legend>");
            foreach (var consent in form.Consents)
            {
                var key = FormValueNames.ConsentPrefix + consent.Purpose;
                // Never pre-ticked (CNIL): checked again only when the visitor ticked it before an error.
                Check(html, t, key, consent.Text, consent.Required, IsTicked(view.Values, key), errors.GetValueOrDefault(key), hint: null);
            }
            if (form.OffersCallback)
                Check(html, t, FormValueNames.Callback, t.Callback, required: false, IsTicked(view.Values, FormValueNames.Callback),
                    errors.GetValueOrDefault(FormValueNames.Callback), t.CallbackHint);
            html.Write("</fieldset>");
        }
        html.Write($"<button type=\"submit\">{E(t.Submit)}</button>");
        html.Write($"<p class=\"legal\">{E(t.PrivacyLine)}");
        if (options.Branding.PrivacyNoticeUrl is { } privacy) html.Write($" <a href=\"{E(privacy)}\">{E(t.PrivacyNotice)}</a>");
        html.Write("</p></form></section></main>");
        Close(html, t);
        return html.ToString();
    }

    public string Thanks(PageTexts t, string formName, AssetSummary? asset, string? assetPath)
    {
        var html = new StringWriter(CultureInfo.InvariantCulture);
        Open(html, t, t.Thanks);
        html.Write($"<main><article class=\"intro\"><h1>{E(t.Thanks)}</h1><p>{E(t.ThanksReceived)}</p>");
        if (asset is not null && assetPath is not null)
        {
            html.Write($"<section class=\"card\"><h2>{E(asset.Title)}</h2>");
            html.Write($"<p><a class=\"button\" href=\"{E(assetPath)}\">{E(t.Download)}</a></p>");
            html.Write($"<p class=\"note\">{E(string.Format(CultureInfo.InvariantCulture, t.LinkValidity, (int)Math.Round(options.AssetLinkLifetime.TotalDays)))}</p></section>");
        }
        else
            html.Write($"<p>{E(t.NoAsset)}</p>");
        html.Write($"<p class=\"note\">{E(formName)}</p></article></main>");
        Close(html, t);
        return html.ToString();
    }

    public string LinkProblem(PageTexts t, bool expired)
    {
        var html = new StringWriter(CultureInfo.InvariantCulture);
        var title = expired ? t.LinkExpiredTitle : t.LinkInvalidTitle;
        Open(html, t, title);
        html.Write($"<main><article class=\"intro\"><h1>{E(title)}</h1><p>{E(expired ? t.LinkExpired : t.LinkInvalid)}</p></article></main>");
        Close(html, t);
        return html.ToString();
    }

    private void Open(StringWriter html, PageTexts t, string title)
    {
        html.Write($"<!doctype html><html lang=\"{t.Lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Write($"<title>{E(title)} – {E(options.Branding.CompanyName)}</title><style>{style.Css}</style></head><body><header class=\"brand\">");
        if (options.Branding.LogoUrl is { } logo) html.Write($"<img src=\"{E(logo)}\" alt=\"{E(options.Branding.CompanyName)}\">");
        else html.Write($"<span class=\"name\">{E(options.Branding.CompanyName)}</span>");
        html.Write("</header>");
    }

    private void Close(StringWriter html, PageTexts t)
    {
        html.Write($"<footer><span>© {E(options.Branding.CompanyName)}</span> ");
        if (options.Branding.PrivacyNoticeUrl is { } privacy) html.Write($"<a href=\"{E(privacy)}\">{E(t.PrivacyNotice)}</a>");
        if (options.Branding.LegalNoticeUrl is { } legal) html.Write($"<a href=\"{E(legal)}\">{E(t.LegalNotice)}</a>");
        html.Write("</footer></body></html>");
    }

    private static void Hidden(StringWriter html, string name, string value) =>
        html.Write($"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">");

    public static string InputId(string key) => "f-" + key.Replace('.', '-');

    private static bool IsTicked(IReadOnlyDictionary<string, string>? values, string key) =>
        values is not null && FormValues.IsTicked(values, key);

    private static void Field(StringWriter html, PageTexts t, FormField field, string? value, string[]? errors)
    {
        var id = InputId(field.Name);
        if (field.Type == FieldTypes.Checkbox)
        {
            Check(html, t, field.Name, field.Label, field.Required, value is not null && FormValues.IsTickedValue(value), errors, hint: null);
            return;
        }
        var invalid = errors is { Length: > 0 };
        var describedBy = invalid ? $" aria-invalid=\"true\" aria-describedby=\"{id}-error\"" : "";
        var required = field.Required ? " required aria-required=\"true\"" : "";
        html.Write($"<div class=\"field\"><label for=\"{id}\">{E(field.Label)}");
        if (field.Required) html.Write($" <span class=\"req\" aria-hidden=\"true\">*</span><span class=\"sr\"> ({E(t.Required)})</span>");
        html.Write("</label>");
        if (field.Type == FieldTypes.Select)
        {
            html.Write($"<select id=\"{id}\" name=\"{E(field.Name)}\"{required}{describedBy}><option value=\"\">{E(t.Choose)}</option>");
            foreach (var option in field.Options ?? [])
                html.Write($"<option{(option == value ? " selected" : "")}>{E(option)}</option>");
            html.Write("</select>");
        }
        else
        {
            var (type, autocomplete) = field.Type switch
            {
                FieldTypes.Email => ("email", " autocomplete=\"email\""),
                FieldTypes.Tel => ("tel", " autocomplete=\"tel\""),
                FieldTypes.PostalCode => ("text", " autocomplete=\"postal-code\""),
                _ => ("text", ""),
            };
            html.Write($"<input id=\"{id}\" type=\"{type}\" name=\"{E(field.Name)}\" value=\"{E(value)}\"{autocomplete}{required}{describedBy}>");
        }
        if (invalid) html.Write($"<p class=\"error\" id=\"{id}-error\">{E(string.Join(" ", errors!))}</p>");
        html.Write("</div>");
    }

    private static void Check(StringWriter html, PageTexts t, string name, string label, bool required, bool ticked, string[]? errors, string? hint)
    {
        var id = InputId(name);
        var invalid = errors is { Length: > 0 };
        var describedBy = new List<string>();
        if (hint is not null) describedBy.Add(id + "-hint");
        if (invalid) describedBy.Add(id + "-error");
        html.Write($"<div class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"{E(name)}\" value=\"on\"");
        if (required) html.Write(" required aria-required=\"true\"");
        if (ticked) html.Write(" checked");
        if (invalid) html.Write(" aria-invalid=\"true\"");
        if (describedBy.Count > 0) html.Write($" aria-describedby=\"{string.Join(' ', describedBy)}\"");
        html.Write($"><label for=\"{id}\">{E(label)}");
        if (required) html.Write($" <span class=\"req\" aria-hidden=\"true\">*</span><span class=\"sr\"> ({E(t.Required)})</span>");
        html.Write("</label></div>");
        if (hint is not null) html.Write($"<p class=\"hint\" id=\"{id}-hint\">{E(hint)}</p>");
        if (invalid) html.Write($"<p class=\"error\" id=\"{id}-error\">{E(string.Join(" ", errors!))}</p>");
    }
}
