using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;
using Tandem.Plugins.Abstractions;

namespace Tandem.Host.Plugins;

/// <summary>The plugin catalog and the webhooks plugins declare, over HTTP.</summary>
internal static class PluginEndpoints
{
    private const string ProblemBase = "https://tandem.dev/problems/";

    /// <summary>
    /// Maps <c>GET /plugins</c> on <paramref name="api"/> (authenticated, under <c>/api</c>) and the public
    /// <c>GET|POST /hooks/{pluginId}/{name}</c> on <paramref name="root"/>. Returns the hooks group, so that the caller
    /// can add policies to it (rate limiting).
    /// </summary>
    public static RouteGroupBuilder MapPluginEndpoints(this IEndpointRouteBuilder root, RouteGroupBuilder api)
    {
        api.MapGet("/plugins", async (PluginCatalog catalog, PluginInvoker invoker, CancellationToken cancellationToken) =>
            {
                // Health checks of active plugins run side by side, each under the invoker's time limit and circuit.
                var health = await Task.WhenAll(catalog.Plugins.Select(p => CheckHealthAsync(p, invoker, cancellationToken)));
                return catalog.Plugins.Select((p, i) => PluginInfo.From(p, health[i])).ToList();
            })
            .WithName("ListPlugins")
            .WithTags("Platform")
            .WithSummary("The plugins found in the plugins folder, with their status, the reason when not active, and what they offer.");

        // Authenticated endpoints a plugin declares (IApiEndpointHandler): the api group's authentication applies.
        api.MapPost("/plugins/{pluginId}/{name}", HandleEndpointAsync)
            .WithName("PostPluginEndpoint")
            .WithTags("Plugins")
            .WithSummary("An authenticated endpoint declared by a plugin (for example POST /api/plugins/badges/scans).");

        var hooks = root.MapGroup("/hooks").WithTags("Plugins").AllowAnonymous();
        // Two endpoints rather than one MapMethods: each OpenAPI operation needs its own id.
        hooks.MapGet("/{pluginId}/{name}", HandleWebhookAsync)
            .WithName("GetPluginWebhook")
            .WithSummary("A webhook declared by a plugin (GET: challenges, verifications); the plugin checks its provider's signature itself.");
        hooks.MapPost("/{pluginId}/{name}", HandleWebhookAsync)
            .WithName("PostPluginWebhook")
            .WithSummary("A webhook declared by a plugin; the plugin checks its provider's signature itself.");
        return hooks;
    }

    internal static Task<IResult> HandleWebhookAsync(
        string pluginId, string name, HttpContext http, PluginCatalog catalog, PluginInvoker invoker, PluginOptions options) =>
        HandleAsync(pluginId, name, endpoint: false, http, catalog, invoker, options);

    internal static Task<IResult> HandleEndpointAsync(
        string pluginId, string name, HttpContext http, PluginCatalog catalog, PluginInvoker invoker, PluginOptions options) =>
        HandleAsync(pluginId, name, endpoint: true, http, catalog, invoker, options);

    private static async Task<IResult> HandleAsync(
        string pluginId, string name, bool endpoint, HttpContext http, PluginCatalog catalog, PluginInvoker invoker, PluginOptions options)
    {
        var plugin = catalog.Find(pluginId);
        if (plugin is null)
            return Problem(404, "plugin-not-found", "No such plugin.", $"No plugin has the id '{pluginId}'.");
        if (!plugin.IsActive)
            // The reason may name files and exceptions: it is for administrators (GET /api/plugins), not for callers.
            return Problem(503, "plugin-inactive", "This plugin is not active.",
                $"The plugin '{plugin.Id}' is {plugin.Status}; an administrator can see why in GET /api/plugins.");
        if (endpoint ? !plugin.HasEndpoint(name) : !plugin.HasWebhook(name))
            return endpoint
                ? Problem(404, "endpoint-not-found", "No such plugin endpoint.", $"The plugin '{plugin.Id}' has no endpoint named '{name}'.")
                : Problem(404, "webhook-not-found", "No such webhook.", $"The plugin '{plugin.Id}' has no webhook named '{name}'.");

        var body = await ReadBodyAsync(http.Request, options.MaxWebhookBodyBytes, http.RequestAborted);
        if (body is null)
            return Problem(413, "payload-too-large", "The request body is too large.",
                $"Webhook bodies are limited to {options.MaxWebhookBodyBytes} bytes.");

        var request = ToWebhookRequest(http.Request, body, options.PublicBaseUrl);
        var result = await invoker.InvokeAsync(plugin.Id, (endpoint ? "endpoint:" : "webhook:") + name, async ct =>
        {
            await using var scope = plugin.CreateScope();
            return endpoint
                ? await PluginEntry.FindEndpoint(scope.ServiceProvider, name).HandleAsync(request, ct)
                : await PluginEntry.FindWebhook(scope.ServiceProvider, name).HandleAsync(request, ct);
        }, http.RequestAborted);

        switch (result.Failure)
        {
            case PluginCallFailure.None when result.Value is { StatusCode: >= 100 and <= 599 } response:
                return new WebhookResult(response);
            case PluginCallFailure.None:
                return Problem(502, "plugin-failed", "The plugin gave an invalid answer.",
                    $"The plugin '{plugin.Id}' answered without a valid HTTP status code.");
            case PluginCallFailure.TimedOut:
                return Problem(504, "plugin-timeout", "The plugin did not answer in time.", result.Detail);
            case PluginCallFailure.CircuitOpen:
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(result.RetryAfter.TotalSeconds))
                    .ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Problem(503, "plugin-unavailable", "The plugin is temporarily unavailable.", result.Detail);
            default:
                return Problem(502, "plugin-failed", "The plugin failed to handle the call.", result.Detail);
        }
    }

    private static async Task<PluginHealthInfo?> CheckHealthAsync(PluginEntry plugin, PluginInvoker invoker, CancellationToken cancellationToken)
    {
        if (!plugin.IsActive) return null;
        var result = await invoker.InvokeAsync(plugin.Id, "health", async ct =>
        {
            await using var scope = plugin.CreateScope();
            var checks = scope.ServiceProvider.GetServices<IPluginHealthCheck>().ToList();
            var problems = new List<string>();
            foreach (var check in checks)
            {
                var answer = await check.CheckAsync(ct);
                if (!answer.Healthy) problems.Add(answer.Detail ?? "Unhealthy.");
            }
            return checks.Count == 0 ? null : new PluginHealthInfo(problems.Count == 0, problems.Count == 0 ? null : string.Join(" ", problems));
        }, cancellationToken);
        return result.Succeeded ? result.Value : new PluginHealthInfo(false, result.Detail);
    }

    /// <summary>Reads the raw body, or null when it is larger than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    internal static WebhookRequest ToWebhookRequest(HttpRequest request, byte[] body, Uri? publicBaseUrl)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in request.Headers) headers[key] = value.ToString();
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query) query[key] = value.ToString();

        return new WebhookRequest
        {
            Method = request.Method.ToUpperInvariant(),
            PublicUrl = PublicUrl(request, publicBaseUrl),
            Headers = headers,
            Query = query,
            Body = body,
            Form = ReadForm(request.ContentType, body),
        };
    }

    /// <summary>The URL as the provider called it: <c>Tandem:PublicBaseUrl</c> + path + query when set (behind a
    /// proxy the request's own URL is not the one the provider signed), else the request's own URL.</summary>
    internal static Uri PublicUrl(HttpRequest request, Uri? publicBaseUrl) => publicBaseUrl is null
        ? new Uri(request.GetEncodedUrl())
        : new Uri(publicBaseUrl.AbsoluteUri.TrimEnd('/') + request.Path.ToUriComponent() + request.QueryString.ToUriComponent());

    private static Dictionary<string, string>? ReadForm(string? contentType, byte[] body)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return null;

        Encoding encoding;
        try
        {
            encoding = mediaType.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in new FormReader(encoding.GetString(body)).ReadForm()) form[key] = value.ToString();
        return form;
    }

    private static IResult Problem(int status, string type, string title, string? detail) =>
        TypedResults.Problem(statusCode: status, type: ProblemBase + type, title: title, detail: detail);

    /// <summary>The plugin's answer, passed through as it is.</summary>
    private sealed class WebhookResult(WebhookResponse response) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            // An empty 4xx from the plugin stays empty: no status-code page is put in its place.
            if (httpContext.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            httpContext.Response.StatusCode = response.StatusCode;
            if (response.ContentType is not null) httpContext.Response.ContentType = response.ContentType;
            httpContext.Response.ContentLength = response.Body.Length;
            if (!response.Body.IsEmpty) await httpContext.Response.Body.WriteAsync(response.Body, httpContext.RequestAborted);
        }
    }
}

/// <summary>One plugin in <c>GET /api/plugins</c>.</summary>
internal sealed record PluginInfo(
    string Id, string Name, string? Version, string Status, string? Reason, IReadOnlyList<string> Capabilities, PluginHealthInfo? Health)
{
    public static PluginInfo From(PluginEntry entry, PluginHealthInfo? health) =>
        new(entry.Id, entry.Name, entry.Version, entry.Status.ToString(), entry.Reason, entry.Capabilities, health);
}

/// <summary>What an active plugin's health checks said (null in the listing when it has none).</summary>
internal sealed record PluginHealthInfo(bool Healthy, string? Detail);
