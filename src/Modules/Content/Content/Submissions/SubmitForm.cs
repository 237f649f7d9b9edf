using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Content.Pages;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Content;

/// <summary>The JSON answer to a form submission.</summary>
/// <param name="AssetUrl">The signed, expiring link to the form's asset (absolute), when the form offers one.</param>
internal sealed record SubmitFormAnswer(string SubmissionId, string? LeadId, string? AssetUrl);

/// <summary><c>POST /f/{formId}</c> (public): a browser's form post (303 to the thank-you page) or JSON (201), and the thank-you page.</summary>
internal static class SubmitForm
{
    private const int MaxUserAgentLength = 512;
    private const long MaxBodyBytes = 64 * 1024;
    public const string EmbedCorsPolicy = "content-embed";

    public static void Map(IEndpointRouteBuilder root)
    {
        root.MapPost("/f/{formId}", Submit).WithName("SubmitForm").WithTags("Content")
          .WithSummary("Submit a form (public): form-encoded from a browser, or JSON")
          .Accepts<Dictionary<string, string>>("application/json", "application/x-www-form-urlencoded")
          .Produces<SubmitFormAnswer>(StatusCodes.Status201Created)
          // A public endpoint: a form is a few fields, so a body beyond 64 KiB is refused (413) before it is read.
          .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
          .RequireCors(EmbedCorsPolicy)
          .RequireRateLimiting("public").AllowAnonymous().DisableAntiforgery();

        root.MapGet("/f/{formId}/thanks", Thanks).ExcludeFromDescription().RequireRateLimiting("public").AllowAnonymous();
    }

    private static async Task<IResult> Submit(string formId, HttpContext http, ISender sender, ContentDbContext db, FormPage pages,
        ContentOptions options, CancellationToken ct)
    {
        var request = http.Request;
        var browser = request.HasFormContentType && !AcceptsJson(request);
        var values = request.HasFormContentType ? await ReadFormAsync(request, ct) : await ReadJsonAsync(request, ct);
        var command = new Contracts.SubmitForm(formId, values,
            http.Connection.RemoteIpAddress?.ToString(),
            request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, MaxUserAgentLength)] : null,
            VisitorCookie.Read(request));
        try
        {
            var result = await sender.Send(command, ct);
            if (browser)
            {
                var query = new List<string>();
                if (result.LandingPageSlug is { } slug) query.Add("page=" + Uri.EscapeDataString(slug));
                if (result.AssetPath is { } path) query.Add("asset=" + Uri.EscapeDataString(path[(AssetLinks.PathPrefix.Length)..]));
                return new SeeOther($"/f/{Uri.EscapeDataString(formId)}/thanks" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
            }
            var assetUrl = result.AssetPath is { } relative ? (options.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}") + relative : null;
            return Results.Created($"/api/content/submissions/{result.SubmissionId}", new SubmitFormAnswer(result.SubmissionId, result.LeadId, assetUrl));
        }
        catch (ValidationFailedException invalid) when (browser)
        {
            // A browser gets the page again with its values and the errors next to them, not a JSON problem.
            var view = await PageQueries.FormViewAsync(db, options, formId, values.GetValueOrDefault(FormValueNames.Page), ct);
            return pages.Html(http, pages.Render(view! with { Values = values, Errors = invalid.Errors }), StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> Thanks(string formId, string? page, string? asset, HttpContext http, ContentDbContext db,
        FormPage pages, AssetLinks links, ContentOptions options, CancellationToken ct)
    {
        var view = await PageQueries.FormViewAsync(db, options, formId, page, ct) ?? throw new NotFoundException("Form", formId);
        // Only a link this host signed for this form's asset is offered again; anything else shows the plain thank-you.
        var link = asset is { Length: > 0 and <= 512 } ? await links.ReadAsync(asset, ct) : null;
        var offered = link is { Status: AssetLinkStatus.Valid } && link.AssetId == view.Form.AssetId ? AssetLinks.PathPrefix + asset : null;
        return pages.Html(http, pages.Thanks(view.Texts, view.Form.Name, offered is null ? null : view.Asset, offered));
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
}
