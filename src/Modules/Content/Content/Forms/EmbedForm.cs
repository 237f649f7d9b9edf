using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Pages;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Content;

/// <summary>
/// <c>GET /f/{formId}/embed.js</c> (public): a small dependency-free script a website includes to show the form in a dialog
/// (after <c>data-delay</c> seconds, or on exit intent with <c>data-exit-intent</c>), at most once per visitor every
/// <c>data-days</c> days (localStorage). It posts JSON to <c>/f/{formId}</c>, which answers CORS for <c>Tandem:Content:EmbedOrigins</c>.
/// The form is built with DOM methods and <c>textContent</c> only, so no text from the form can become markup.
/// </summary>
internal static class EmbedForm
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder root) =>
        root.MapGet("/f/{formId}/embed.js", Script).WithName("EmbedForm").WithTags("Content")
            .WithSummary("The pop-up form script (public): include it on a website to show the form in a dialog")
            .Produces(StatusCodes.Status200OK, contentType: "text/javascript")
            .RequireRateLimiting("public").AllowAnonymous();

    private static async Task<IResult> Script(string formId, string? lang, HttpRequest request, ContentDbContext db, ContentOptions options, CancellationToken ct)
    {
        var view = await PageQueries.FormViewAsync(db, options, formId, slug: null, ct) ?? throw new NotFoundException("Form", formId);
        var language = lang is { } l && PageLanguages.All.Contains(l) ? l : options.DefaultLanguage;
        var t = PageTexts.For(language);
        var form = view.Form;
        var config = new
        {
            id = form.Id,
            lang = t.Lang,
            action = (options.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}") + "/f/" + Uri.EscapeDataString(form.Id),
            title = form.Name,
            promise = view.Asset is { } asset
                ? string.Format(CultureInfo.InvariantCulture, t.Promise, t.KindName(asset.Kind), asset.Title)
                : t.PromiseNoAsset,
            fields = form.Fields.Select(f => new { f.Name, f.Label, f.Type, f.Required, Options = f.Options ?? [] }),
            consents = form.Consents.Select(c => new { name = FormValueNames.ConsentPrefix + c.Purpose, c.Text, c.Required }),
            callback = form.OffersCallback ? t.Callback : null,
            texts = new
            {
                t.Submit, t.Close, t.Required, t.RequiredNote, t.ErrorsHeading, t.Thanks, t.ThanksReceived, t.Download, t.PrivacyLine,
                t.PrivacyNotice, t.ConsentsHeading, t.Choose,
            },
            privacyUrl = options.Branding.PrivacyNoticeUrl,
            color = options.Branding.PrimaryColor,
            onColor = PageStyle.Contrast(options.Branding.PrimaryColor, "#ffffff") >= PageStyle.Contrast(options.Branding.PrimaryColor, "#111111") ? "#ffffff" : "#111111",
        };
        // The default encoder escapes <, >, &, quotes and non-ASCII: the JSON cannot close the script or break out of a string.
        var script = Template.Replace("/*CONFIG*/null", JsonSerializer.Serialize(config, Json), StringComparison.Ordinal);
        return Results.Text(script, "text/javascript; charset=utf-8");
    }

    private const string Template = """
        (function () {
          "use strict";
          var cfg = /*CONFIG*/null;
          var me = document.currentScript;
          var attr = function (n, d) { var v = me && me.getAttribute(n); return v === null || v === undefined ? d : v; };
          var delay = parseFloat(attr("data-delay", ""));
          var exitIntent = attr("data-exit-intent", null) !== null;
          var days = parseFloat(attr("data-days", "30"));
          var key = "tandem-form-" + cfg.id;
          var shown = false;
          function seenRecently() {
            try { var t = Number(localStorage.getItem(key)); return t > 0 && Date.now() - t < days * 864e5; } catch (e) { return false; }
          }
          function remember() { try { localStorage.setItem(key, String(Date.now())); } catch (e) { } }
          function el(tag, props, children) {
            var e = document.createElement(tag);
            for (var p in props) { if (p === "text") e.textContent = props[p]; else if (p === "style") Object.assign(e.style, props[p]); else e.setAttribute(p, props[p]); }
            (children || []).forEach(function (c) { if (c) e.appendChild(c); });
            return e;
          }
          function open() {
            if (shown || seenRecently()) return;
            shown = true; remember();
            var previous = document.activeElement;
            var dialog = el("dialog", { "aria-labelledby": "tandem-title-" + cfg.id, style: { maxWidth: "26rem", width: "calc(100% - 2rem)", border: "0", borderRadius: "8px", padding: "1.25rem", font: "16px/1.5 system-ui,sans-serif", color: "#1a1a1a", background: "#fff" } });
            var close = el("button", { type: "button", "aria-label": cfg.texts.close, text: "×", style: { float: "right", font: "inherit", fontSize: "1.5rem", background: "none", border: "0", cursor: "pointer", color: "#1a1a1a" } });
            var form = el("form", { novalidate: "" });
            var status = el("div", { role: "alert", style: { color: "#b00020" } });
            var inputs = {};
            form.appendChild(el("p", { text: cfg.texts.requiredNote, style: { fontSize: ".9rem", color: "#4a4a4a" } }));
            cfg.fields.forEach(function (f) {
              var id = "tandem-" + cfg.id + "-" + f.name;
              var input;
              if (f.type === "select") {
                input = el("select", { id: id, name: f.name }, [el("option", { value: "", text: cfg.texts.choose })].concat(f.options.map(function (o) { return el("option", { text: o }); })));
              } else if (f.type === "checkbox") {
                input = el("input", { id: id, name: f.name, type: "checkbox", value: "on" });
              } else {
                input = el("input", { id: id, name: f.name, type: f.type === "email" ? "email" : f.type === "tel" ? "tel" : "text" });
              }
              if (f.required) { input.setAttribute("required", ""); input.setAttribute("aria-required", "true"); }
              if (f.type !== "checkbox") Object.assign(input.style, { width: "100%", boxSizing: "border-box", padding: ".5rem", font: "inherit", border: "1px solid #6b6b6b", borderRadius: "6px" });
              inputs[f.name] = input;
              var label = el("label", { "for": id, text: f.label + (f.required ? " *" : ""), style: { display: "block", fontWeight: "600" } });
              form.appendChild(el("div", { style: { marginBottom: ".75rem" } }, f.type === "checkbox" ? [input, label] : [label, input]));
            });
            var boxes = cfg.consents.map(function (c) { return { name: c.name, text: c.text, required: c.required }; });
            if (cfg.callback) boxes.push({ name: "callback", text: cfg.callback, required: false });
            if (boxes.length) {
              var fs = el("fieldset", { style: { border: "0", padding: "0", margin: "0 0 .75rem" } }, [el("legend", { text: cfg.texts.consentsHeading, style: { fontWeight: "700" } })]);
              boxes.forEach(function (b) {
                var id = "tandem-" + cfg.id + "-" + b.name.replace(".", "-");
                var box = el("input", { id: id, name: b.name, type: "checkbox", value: "on" });
                if (b.required) { box.setAttribute("required", ""); box.setAttribute("aria-required", "true"); }
                inputs[b.name] = box;
                fs.appendChild(el("div", { style: { display: "flex", gap: ".5rem", marginBottom: ".5rem" } }, [box, el("label", { "for": id, text: b.text + (b.required ? " *" : "") })]));
              });
              form.appendChild(fs);
            }
            form.appendChild(status);
            form.appendChild(el("button", { type: "submit", text: cfg.texts.submit, style: { width: "100%", padding: ".75rem", font: "inherit", fontWeight: "700", border: "0", borderRadius: "6px", background: cfg.color, color: cfg.onColor, cursor: "pointer" } }));
            var legal = el("p", { text: cfg.texts.privacyLine + " ", style: { fontSize: ".85rem", color: "#4a4a4a" } });
            if (cfg.privacyUrl) legal.appendChild(el("a", { href: cfg.privacyUrl, text: cfg.texts.privacyNotice, target: "_blank", rel: "noopener" }));
            form.appendChild(legal);
            var body = el("div", {}, [el("p", { text: cfg.promise }), form]);
            dialog.appendChild(close);
            dialog.appendChild(el("h2", { id: "tandem-title-" + cfg.id, text: cfg.title, style: { marginTop: "0", fontSize: "1.25rem" } }));
            dialog.appendChild(body);
            function done() { dialog.close(); }
            close.addEventListener("click", done);
            dialog.addEventListener("click", function (e) { if (e.target === dialog) done(); });
            dialog.addEventListener("close", function () { dialog.remove(); if (previous && previous.focus) previous.focus(); });
            form.addEventListener("submit", function (e) {
              e.preventDefault();
              var values = {};
              Object.keys(inputs).forEach(function (n) {
                var i = inputs[n];
                i.removeAttribute("aria-invalid"); i.removeAttribute("aria-describedby");
                var old = document.getElementById(i.id + "-error"); if (old) old.remove();
                if (i.type === "checkbox") { if (i.checked) values[n] = true; } else if (i.value) values[n] = i.value;
              });
              status.textContent = "";
              fetch(cfg.action, { method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(values) })
                .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
                .then(function (r) {
                  if (r.ok) {
                    body.textContent = "";
                    body.appendChild(el("p", { text: cfg.texts.thanksReceived }));
                    if (r.body.assetUrl) body.appendChild(el("a", { href: r.body.assetUrl, text: cfg.texts.download, style: { display: "inline-block", padding: ".75rem 1rem", borderRadius: "6px", background: cfg.color, color: cfg.onColor, fontWeight: "700", textDecoration: "none" } }));
                    close.focus();
                    return;
                  }
                  var errors = (r.body && r.body.errors) || {};
                  status.textContent = cfg.texts.errorsHeading;
                  var first = null;
                  Object.keys(errors).forEach(function (n) {
                    var i = inputs[n];
                    if (!i) { status.appendChild(el("div", { text: errors[n].join(" ") })); return; }
                    var msg = el("p", { id: i.id + "-error", text: errors[n].join(" "), style: { color: "#b00020", margin: ".25rem 0 0" } });
                    i.setAttribute("aria-invalid", "true"); i.setAttribute("aria-describedby", msg.id);
                    i.parentNode.appendChild(msg);
                    if (!first) first = i;
                  });
                  if (first) first.focus();
                })
                .catch(function () { status.textContent = cfg.texts.errorsHeading; });
            });
            document.body.appendChild(dialog);
            dialog.showModal();
            var firstInput = form.querySelector("input,select"); if (firstInput) firstInput.focus();
          }
          if (!seenRecently()) {
            if (delay >= 0) setTimeout(open, delay * 1000);
            if (exitIntent && window.matchMedia && window.matchMedia("(pointer: fine)").matches) {
              // Exit intent: the pointer leaves the page through the top edge (towards the tabs or the address bar), not a link click.
              document.addEventListener("mouseout", function (e) { if (!e.relatedTarget && e.clientY <= 0) open(); });
            }
          }
        })();
        """;
}
