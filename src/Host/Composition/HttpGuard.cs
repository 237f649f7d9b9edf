using System.Net;
using System.Text;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Host.Composition;

/// <summary>How the HTTP edge behaves (README, Configuration): limits, framing, trusted proxies.</summary>
internal sealed record HttpGuardOptions
{
    /// <summary>Kestrel's own limit on the request line: beyond it Kestrel answers a bare 414 before any middleware runs,
    /// so it is set well above <see cref="MaxUrlLength"/>, which answers a proper problem.</summary>
    public const int KestrelRequestLineLimit = 64 * 1024;

    /// <summary>Longest URL (path and query, as sent) accepted (<c>Tandem:Limits:MaxUrlLength</c>).</summary>
    public int MaxUrlLength { get; init; } = 8 * 1024;

    /// <summary>Largest body an <c>/api</c> endpoint accepts unless it declares its own limit (<c>Tandem:Limits:ApiBodyBytes</c>).</summary>
    public long ApiBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Who may show Tandem's pages in a frame (<c>Tandem:Headers:FrameAncestors</c>): CSP source expressions; none by default.</summary>
    public IReadOnlyList<string> FrameAncestors { get; init; } = [];

    /// <summary>Proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> are believed (<c>Tandem:ForwardedHeaders:KnownProxies</c>):
    /// addresses or networks (<c>10.0.0.0/8</c>). Empty: forwarded headers are ignored.</summary>
    public IReadOnlyList<string> KnownProxies { get; init; } = [];

    public static HttpGuardOptions From(IConfiguration configuration) => new()
    {
        MaxUrlLength = Math.Clamp(configuration.GetValue("Tandem:Limits:MaxUrlLength", 8 * 1024), 256, KestrelRequestLineLimit - 64),
        ApiBodyBytes = Math.Max(1024, configuration.GetValue("Tandem:Limits:ApiBodyBytes", 1024L * 1024)),
        FrameAncestors = List(configuration, "Tandem:Headers:FrameAncestors"),
        KnownProxies = List(configuration, "Tandem:ForwardedHeaders:KnownProxies"),
    };

    /// <summary>An array (<c>…:0</c>, <c>…:1</c>) or one comma-separated value (handy in an environment variable).</summary>
    private static string[] List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.Value is { Length: > 0 } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? "").ToArray();
        return values.Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
    }

    /// <summary>Forwarded headers are honoured from these proxies only (the framework's defaults, loopback, are dropped).</summary>
    public void Configure(ForwardedHeadersOptions forwarded)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = null; // walk back through every trusted proxy, stop at the first untrusted address
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var entry in KnownProxies)
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network)) forwarded.KnownIPNetworks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) forwarded.KnownProxies.Add(address);
            else throw new InvalidOperationException($"Tandem:ForwardedHeaders:KnownProxies: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.");
        }
    }
}

/// <summary>
/// The HTTP edge, in one middleware, before anything else reads the request: security headers on every answer,
/// <c>Cache-Control: no-store</c> where answers hold personal data, HEAD served by the GET endpoint, and the requests
/// refused before routing (a URL too long, control characters in the URL, a charset nobody can decode).
/// </summary>
internal sealed class HttpGuard(RequestDelegate next, HttpGuardOptions options, IProblemDetailsService problems, ILogger<HttpGuard> logger)
{
    private readonly string _frameAncestors = options.FrameAncestors.Count == 0 ? "'none'" : string.Join(' ', options.FrameAncestors);

    /// <summary>Pages are server-rendered HTML without scripts: nothing but their own styles, images and form posts.</summary>
    private string PagePolicy(HttpContext context) =>
        $"default-src 'none'; img-src 'self'{Extra(context, HttpRequests.PageImageSourceItem)}; style-src 'self'{Extra(context, HttpRequests.PageStyleSourceItem)}; form-action 'self'; base-uri 'none'; frame-ancestors {_frameAncestors}";

    /// <summary>A source a page asked for (its inline stylesheet's hash, its logo's origin): one CSP token, never anything else.</summary>
    private static string Extra(HttpContext context, string item) =>
        context.Items[item] is string source && source.Length > 0 && !source.Any(c => char.IsWhiteSpace(c) || c is ';' or ',') ? " " + source : "";

    /// <summary>The web app's pages (Blazor): its own scripts, a connection back to the host, MudBlazor's inline styles.</summary>
    private string AppPolicy =>
        $"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors {_frameAncestors}";

    /// <summary>Everything else is data: a browser that renders it anyway may load and run nothing.</summary>
    private string DataPolicy => $"default-src 'none'; frame-ancestors {_frameAncestors}";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        context.Response.OnStarting(AddHeaders, context);

        if (HttpMethods.IsHead(request.Method))
        {
            // Served by the GET endpoint; the server sends the headers of a HEAD answer and never its body.
            request.Method = HttpMethods.Get;
            context.Items[HttpRequests.HeadItem] = true;
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        if (target.Length > options.MaxUrlLength)
            return RefuseAsync(context, 414, "uri-too-long", "The URL is too long.",
                $"URLs are limited to {options.MaxUrlLength} characters; send long data in the body of a POST.");
        if (HasControlCharacters(request.Path.Value) || request.Query.Any(q => HasControlCharacters(q.Key) || q.Value.Any(HasControlCharacters)))
            return RefuseAsync(context, 400, "bad-request", "The URL holds control characters.",
                "Paths and query parameters may not contain control characters such as NUL.");
        if (request.ContentType is { Length: > 0 } contentType && !CharsetIsKnown(contentType))
            return RefuseAsync(context, 415, "unsupported-media-type", "This content type is not accepted here.",
                "The charset named in Content-Type cannot be read here; send the body in UTF-8 (JSON is always UTF-8).");
        return next(context);
    }

    private Task AddHeaders(object state)
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        var html = context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        headers.ContentSecurityPolicy = !html ? DataPolicy : context.Items[HttpRequests.AppPageItem] is true ? AppPolicy : PagePolicy(context);
        if (options.FrameAncestors.Count == 0) headers.XFrameOptions = "DENY";
        // API answers and form answers hold personal data (leads, what a visitor typed): no cache keeps them.
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/f"))
        {
            headers.CacheControl = "no-store";
            headers.Remove(HeaderNames.Pragma);
            headers.Remove(HeaderNames.Expires);
        }
        return Task.CompletedTask;
    }

    private async Task RefuseAsync(HttpContext context, int status, string type, string title, string detail)
    {
        logger.LogInformation("{Method} {Path} answered {Status} {Type}", context.Request.Method, context.Request.Path.Value is { Length: <= 200 } p ? p : "(long path)", status, type);
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Type = ProblemExceptionHandler.TypeBase + type, Title = title, Detail = detail },
        });
    }

    /// <summary>C0 and C1 controls and DEL: never part of a path or a search a person typed, and PostgreSQL cannot even compare a NUL.</summary>
    private static bool HasControlCharacters(string? value) => value is not null && value.Any(char.IsControl);

    /// <summary>A charset that can be decoded; for JSON, UTF-8 only (RFC 8259), so that every endpoint reads the same bytes the same way.</summary>
    private static bool CharsetIsKnown(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.Charset is not { Length: > 0 } charset) return true;
        var json = media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        if (json) return charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("\"utf-8\"", StringComparison.OrdinalIgnoreCase);
        try
        {
            _ = Encoding.GetEncoding(charset.ToString().Trim('"'));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
