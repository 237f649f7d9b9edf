using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Host.Composition;

/// <summary>Every error is RFC 9457 problem+json with a stable type; bad input is a 4xx; a 500 never shows internals.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public const string TypeBase = "https://tandem.dev/problems/";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } single) exception = single.InnerException!;
        ProblemDetails problem;
        switch (exception)
        {
            case ValidationFailedException invalid:
                problem = new HttpValidationProblemDetails(invalid.Errors.ToDictionary()) { Status = 400, Type = TypeBase + invalid.Type, Title = invalid.Title };
                break;
            case TandemProblemException known:
                problem = new ProblemDetails { Status = known.Status, Type = TypeBase + known.Type, Title = known.Title, Detail = known.Detail };
                if (known is ModuleDisabledException disabled) problem.Extensions["module"] = disabled.Module;
                break;
            case BadHttpRequestException bad:
                // Malformed JSON, wrong content type, body too large…: the client's mistake, said plainly.
                problem = new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Type = TypeBase + (bad.StatusCode == 413 ? "payload-too-large" : "bad-request"),
                    Title = bad.StatusCode == 413 ? "The request is too large." : "The request could not be read.",
                    Detail = bad.InnerException is System.Text.Json.JsonException json ? $"Invalid JSON: {json.Message}" : bad.Message,
                };
                break;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                return true;
            default:
                logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
                problem = new ProblemDetails
                {
                    Status = 500, Type = TypeBase + "internal", Title = "Something went wrong on our side.",
                    Detail = "The error was logged; nothing was half-saved. Try again, and report it if it persists.",
                };
                break;
        }
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
