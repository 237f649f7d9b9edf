using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Host.Composition;

/// <summary>
/// Every error is RFC 9457 problem+json with a stable type; bad input is a 4xx; a 500 never shows internals.
/// This is the one place where failures become answers: client mistakes (including the framework's own, such as
/// unreadable bodies and form limits) are logged at Information without a stack trace, anything else is a 500 logged
/// as an error.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public const string TypeBase = Tandem.Modules.Shared.Errors.ProblemTypes.BaseUri;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } single) exception = single.InnerException!;
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested) return true;

        var problem = ClientErrors.Describe(exception, httpContext);
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = 500, Type = TypeBase + "internal", Title = "Something went wrong on our side.",
                Detail = "The error was logged; nothing was half-saved. Try again, and report it if it persists.",
            };
        }
        else
        {
            // The client's mistake, not ours: one line, no stack trace, no request content (it may hold personal data).
            logger.LogInformation("{Method} {Path} answered {Status} {Type}", httpContext.Request.Method, httpContext.Request.Path,
                problem.Status, problem.Type![TypeBase.Length..]);
        }
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}

/// <summary>
/// Recognises the failures a client causes and says what went wrong in its own words: never an exception message
/// that names an internal type, a parameter's .NET type or the framework's binding jargon.
/// </summary>
internal static partial class ClientErrors
{
    private const string TypeBase = ProblemExceptionHandler.TypeBase;

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]*) (?<name>[^" ]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailed();

    [GeneratedRegex("""^Required parameter "(?<type>[^"]*) (?<name>[^" ]+)" was not provided from (?<source>[^.]+)\.$""")]
    private static partial Regex RequiredMissing();

    [GeneratedRegex("""^Implicit body inferred for parameter""")]
    private static partial Regex ImplicitBodyMissing();

    [GeneratedRegex("""^Expected a supported (?<kind>JSON|form) media type""")]
    private static partial Regex UnexpectedMediaType();

    [GeneratedRegex("""(?<limit>\d+)""")]
    private static partial Regex Number();

    public static ProblemDetails? Describe(Exception exception, HttpContext http) => exception switch
    {
        ValidationFailedException invalid =>
            new HttpValidationProblemDetails(invalid.Errors.ToDictionary()) { Status = 400, Type = TypeBase + invalid.Type, Title = invalid.Title },
        TandemProblemException known => Known(known),
        BadHttpRequestException bad => FromBadRequest(bad, http),
        InvalidDataException invalid when ThrownByRequestReader(invalid) => FromFormReader(invalid, http),
        IOException io when ThrownByRequestReader(io) => BadRequest("The request body could not be read.", "The form data is malformed or ends too early."),
        _ when Chain(exception).Any(e => e is DecoderFallbackException) => NotUtf8(field: null),
        _ => null,
    };

    private static ProblemDetails Known(TandemProblemException known)
    {
        var problem = new ProblemDetails { Status = known.Status, Type = TypeBase + known.Type, Title = known.Title, Detail = known.Detail };
        if (known is ModuleDisabledException disabled) problem.Extensions["module"] = disabled.Module;
        return problem;
    }

    /// <summary>What the framework throws while binding a request (with <c>ThrowOnBadRequest</c>) and Kestrel while reading one.</summary>
    private static ProblemDetails FromBadRequest(BadHttpRequestException bad, HttpContext http)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge) return TooLarge(http);
        var message = bad.Message;
        if (UnexpectedMediaType().Match(message) is { Success: true } media)
            return UnsupportedMediaType(media.Groups["kind"].Value == "JSON"
                ? "Send the body as JSON, with 'Content-Type: application/json'."
                : "Send the body as a form (application/x-www-form-urlencoded or multipart/form-data).");
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType) return UnsupportedMediaType(null);
        if (Chain(bad).OfType<JsonException>().FirstOrDefault() is { } json) return FromJson(json);
        if (Chain(bad).OfType<InvalidDataException>().FirstOrDefault() is { } form && ThrownByRequestReader(form)) return FromFormReader(form, http);
        if (Chain(bad).Any(e => e is DecoderFallbackException)) return NotUtf8(field: null);
        if (ImplicitBodyMissing().IsMatch(message) || RequiredMissing().Match(message) is { Success: true } required && required.Groups["source"].Value == "body")
            return NeedsJsonObject();
        if (RequiredMissing().Match(message) is { Success: true } missing)
            return Invalid(missing.Groups["name"].Value, "This parameter is required.");
        if (BindFailed().Match(message) is { Success: true } bind)
        {
            var value = bind.Groups["value"].Value;
            if (value.Length > 60) value = value[..60] + "…";
            return Invalid(bind.Groups["name"].Value, $"'{value}' is not {Expected(bind.Groups["type"].Value)}.");
        }
        // Anything else the framework says may name its internals: keep to what the status means.
        return BadRequest("The request could not be read.", null);
    }

    /// <summary>A body that is not the JSON the endpoint reads: where, and what kind of mistake, in the API's own field names.</summary>
    private static ProblemDetails FromJson(JsonException json)
    {
        var field = FieldOf(json.Path);
        // The serializer reports text it cannot decode (invalid UTF-8, an unpaired surrogate escape) as an inner error
        // that names the encoding; a value of the wrong type names the token instead.
        var unreadableText = Chain(json).Skip(1).Any(e => e is DecoderFallbackException
            || e is InvalidOperationException && e.TargetSite?.DeclaringType?.Assembly == typeof(JsonException).Assembly
               && (e.Message.Contains("UTF-8", StringComparison.Ordinal) || e.Message.Contains("UTF-16", StringComparison.Ordinal)));
        if (unreadableText) return NotUtf8(field);
        if (json.Message.Contains("could not be converted", StringComparison.Ordinal))
            return field is null
                ? BadRequest("The request could not be read.", "The body must be a JSON object with the fields described at /openapi/v1.json.")
                : Invalid(field, "Not the expected kind of value here (text, number, true/false, list or object).");
        var where = json.LineNumber is { } line && json.BytePositionInLine is { } position
            ? $" (line {line + 1}, byte {position + 1})" : "";
        return BadRequest("The request could not be read.", $"The body is not valid JSON{where}.");
    }

    private static ProblemDetails FromFormReader(InvalidDataException invalid, HttpContext http)
    {
        var message = invalid.Message;
        var limit = Number().Match(message) is { Success: true } n ? n.Value : null;
        string? detail = message switch
        {
            _ when message.StartsWith("Form value count limit", StringComparison.Ordinal) => $"A form may have at most {limit} fields.",
            _ when message.StartsWith("Form key length limit", StringComparison.Ordinal) => $"A form field's name may have at most {limit} characters.",
            _ when message.StartsWith("Form value length limit", StringComparison.Ordinal) => $"A form field's value may have at most {limit} characters.",
            _ when message.Contains("limit", StringComparison.OrdinalIgnoreCase) => "The form is larger than this endpoint accepts.",
            _ => null,
        };
        if (detail is null) return BadRequest("The request body could not be read.", "The form data is malformed.");
        var problem = TooLarge(http);
        problem.Title = "The form is too large.";
        problem.Detail = detail;
        return problem;
    }

    public static ProblemDetails TooLarge(HttpContext http)
    {
        var limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return new ProblemDetails
        {
            Status = 413, Type = TypeBase + "payload-too-large", Title = "The request is too large.",
            Detail = limit is { } bytes
                ? $"This endpoint accepts bodies of at most {bytes.ToString(CultureInfo.InvariantCulture)} bytes ({Size(bytes)})."
                : "The body is larger than this endpoint accepts.",
        };
    }

    public static ProblemDetails UnsupportedMediaType(string? detail) => new()
    {
        Status = 415, Type = TypeBase + "unsupported-media-type", Title = "This content type is not accepted here.", Detail = detail,
    };

    private static ProblemDetails NeedsJsonObject() =>
        BadRequest("The request body is missing.", "This endpoint needs a JSON object as its body (Content-Type: application/json).");

    private static ProblemDetails NotUtf8(string? field) => field is null
        ? BadRequest("The request could not be read.", "The body holds text that is not valid UTF-8 (or an unpaired UTF-16 surrogate).")
        : Invalid(field, "Not valid text: invalid UTF-8 or an unpaired UTF-16 surrogate.");

    private static ProblemDetails BadRequest(string title, string? detail) => new()
    {
        Status = 400, Type = TypeBase + "bad-request", Title = title, Detail = detail,
    };

    private static HttpValidationProblemDetails Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = 400, Type = TypeBase + "validation", Title = "The request is not valid.",
        };

    /// <summary>The framework's parameter type, said for a person (never its .NET name).</summary>
    private static string Expected(string type)
    {
        var bare = type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>', '?');
        return bare switch
        {
            "int" or "long" or "short" or "Int32" or "Int64" => "a whole number",
            "decimal" or "double" or "float" => "a number",
            "bool" or "Boolean" => "true or false",
            "DateTimeOffset" or "DateTime" => "a date and time (ISO 8601, e.g. 2026-03-01T09:00:00+01:00)",
            "DateOnly" => "a date (ISO 8601, e.g. 2026-03-01)",
            "Guid" => "an id",
            _ => "a valid value",
        };
    }

    /// <summary><c>$.source.channel</c> → <c>source.channel</c>; <c>$['consent.x']</c> → <c>consent.x</c>; the root → null.</summary>
    private static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return null;
        var field = new StringBuilder();
        for (var i = 1; i < path.Length; i++)
        {
            if (path[i] == '.') { if (field.Length > 0) field.Append('.'); continue; }
            if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) break;
                if (field.Length > 0) field.Append('.');
                field.Append(path, i + 2, end - i - 2);
                i = end + 1;
                continue;
            }
            field.Append(path[i]);
        }
        return field.Length == 0 ? null : field.ToString();
    }

    /// <summary>True for exceptions thrown by ASP.NET Core's own readers of the request (form, multipart), not by our code or a database.</summary>
    private static bool ThrownByRequestReader(Exception exception) =>
        exception.TargetSite?.DeclaringType?.Assembly.GetName().Name is "Microsoft.AspNetCore.WebUtilities" or "Microsoft.AspNetCore.Http";

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException) yield return e;
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MiB",
        >= 1024 when bytes % 1024 == 0 => $"{bytes / 1024} KiB",
        _ => $"{bytes} bytes",
    };

    /// <summary>
    /// The compile-time request delegates (RequestDelegateGenerator) answer a query or route value that does not parse
    /// as an optional parameter's type with an empty 400 instead of throwing (unlike the runtime-built ones, with
    /// <c>ThrowOnBadRequest</c>). Found again here from the endpoint's own binding metadata, so that the problem names the
    /// parameter the same way: the first value given that does not parse as its parameter's type.
    /// </summary>
    public static (string Field, string Message)? UnboundParameter(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Http.Metadata.IParameterBindingMetadata>() is not { Count: > 0 } parameters)
            return null;
        foreach (var parameter in parameters)
        {
            if (!parameter.HasTryParse) continue;
            var raw = http.Request.RouteValues.TryGetValue(parameter.Name, out var routeValue) && routeValue is string fromRoute
                ? fromRoute
                : http.Request.Query.TryGetValue(parameter.Name, out var fromQuery) ? fromQuery.ToString() : null;
            if (string.IsNullOrEmpty(raw)) continue;
            var type = Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType;
            if (type == typeof(string) || Parses(type, raw)) continue;
            var value = raw.Length > 60 ? raw[..60] + "…" : raw;
            return (parameter.Name, $"'{value}' is not {Expected(type.Name switch { "Int32" => "int", "Int64" => "long", "Int16" => "short", var n => n })}.");
        }
        return null;
    }

    private static bool Parses(Type type, string raw)
    {
        if (type.IsEnum) return Enum.TryParse(type, raw, ignoreCase: true, out _);
        var withProvider = type.GetMethod("TryParse", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static,
            [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]);
        if (withProvider is not null) return (bool)withProvider.Invoke(null, [raw, CultureInfo.InvariantCulture, null])!;
        var plain = type.GetMethod("TryParse", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static, [typeof(string), type.MakeByRefType()]);
        return plain is null || (bool)plain.Invoke(null, [raw, null])!;
    }
}
