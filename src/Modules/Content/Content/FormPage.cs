using System.Net;
using System.Text;
using Tandem.Modules.Content.Data;

namespace Tandem.Modules.Content;

/// <summary>Server-rendered HTML for landing pages and forms (no script needed; works as a plain HTML form post).</summary>
internal static class FormPage
{
    public static string Render(LandingPage? page, Form form, IReadOnlyDictionary<string, string>? values, IReadOnlyDictionary<string, string[]>? errors)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var title = page?.Title ?? form.Name;
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append("</title></head><body><main>");
        html.Append("<h1>").Append(E(title)).Append("</h1>");
        if (page is not null) AppendMarkdown(html, page.Body);
        if (errors is { Count: > 0 })
        {
            html.Append("<div role=\"alert\" class=\"errors\"><ul>");
            foreach (var (field, messages) in errors)
                foreach (var message in messages)
                    html.Append("<li>").Append(E(Label(form, field))).Append(": ").Append(E(message)).Append("</li>");
            html.Append("</ul></div>");
        }
        html.Append("<form method=\"post\" action=\"/f/").Append(E(form.Id)).Append("\">");
        if (page is not null) html.Append("<input type=\"hidden\" name=\"_page\" value=\"").Append(E(page.Slug)).Append("\">");
        foreach (var field in form.Fields)
        {
            var id = "f-" + field.Name;
            var value = values?.GetValueOrDefault(field.Name);
            var required = field.Required ? " required" : "";
            html.Append("<p>");
            switch (field.Type)
            {
                case "checkbox":
                    html.Append("<label><input type=\"checkbox\" name=\"").Append(E(field.Name)).Append("\" value=\"on\"").Append(required)
                        .Append(value is "on" or "true" ? " checked" : "").Append("> ").Append(E(field.Label)).Append("</label>");
                    break;
                case "select":
                    html.Append("<label for=\"").Append(id).Append("\">").Append(E(field.Label)).Append("</label> <select id=\"").Append(id)
                        .Append("\" name=\"").Append(E(field.Name)).Append('"').Append(required).Append("><option value=\"\"></option>");
                    foreach (var option in field.Options ?? [])
                        html.Append("<option").Append(option == value ? " selected" : "").Append('>').Append(E(option)).Append("</option>");
                    html.Append("</select>");
                    break;
                default:
                    var inputType = field.Type switch { "email" => "email", "tel" => "tel", _ => "text" };
                    html.Append("<label for=\"").Append(id).Append("\">").Append(E(field.Label)).Append("</label> <input id=\"").Append(id)
                        .Append("\" type=\"").Append(inputType).Append("\" name=\"").Append(E(field.Name)).Append("\" value=\"").Append(E(value))
                        .Append('"').Append(required).Append('>');
                    break;
            }
            html.Append("</p>");
        }
        foreach (var consent in form.Consents)
        {
            // Never pre-ticked (CNIL): the box is only checked again when the visitor ticked it before an error.
            var ticked = values?.GetValueOrDefault("consent." + consent.Purpose) is "on" or "true";
            html.Append("<p><label><input type=\"checkbox\" name=\"consent.").Append(E(consent.Purpose)).Append("\" value=\"on\"")
                .Append(consent.Required ? " required" : "").Append(ticked ? " checked" : "").Append("> ")
                .Append(E(consent.Text)).Append("</label></p>");
        }
        if (form.OffersCallback)
        {
            var ticked = values?.GetValueOrDefault("callback") is "on" or "true";
            html.Append("<p><label><input type=\"checkbox\" name=\"callback\" value=\"on\"").Append(ticked ? " checked" : "")
                .Append("> Je souhaite être rappelé(e) / Please call me back</label></p>");
        }
        html.Append("<p><button type=\"submit\">Envoyer / Send</button></p></form></main></body></html>");
        return html.ToString();
    }

    /// <summary>What the visitor sees for a field in the list of errors: its label, a consent's wording, never the raw key.</summary>
    private static string Label(Form form, string key)
    {
        if (form.Fields.FirstOrDefault(f => f.Name == key) is { } field) return field.Label;
        if (key.StartsWith("consent.", StringComparison.Ordinal)
            && form.Consents.FirstOrDefault(c => "consent." + c.Purpose == key) is { } consent) return consent.Text;
        return key switch
        {
            "callback" => "Rappel / Callback",
            "utm_source" or "utm_medium" or "utm_campaign" => "Lien de campagne / Campaign link",
            _ => "Formulaire / Form",
        };
    }

    public static string Thanks(Form form) =>
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Merci</title></head><body><main><h1>Merci !</h1><p>"
        + WebUtility.HtmlEncode(form.Name) + " — nous avons bien reçu votre demande. / We have received your request.</p></main></body></html>";

    private static void AppendMarkdown(StringBuilder html, string markdown)
    {
        foreach (var block in markdown.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var level = block.TakeWhile(c => c == '#').Count();
            if (level is > 0 and <= 6 && block.Length > level && block[level] == ' ')
            {
                // The page title is the h1, so '#' is an h2 … and HTML stops at h6: '#####' and '######' are both h6.
                var tag = "h" + Math.Min(level + 1, 6);
                html.Append('<').Append(tag).Append('>').Append(WebUtility.HtmlEncode(block[(level + 1)..])).Append("</").Append(tag).Append('>');
            }
            else
                html.Append("<p>").Append(WebUtility.HtmlEncode(block).Replace("\n", "<br>")).Append("</p>");
        }
    }
}
