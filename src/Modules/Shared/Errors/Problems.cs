namespace Tandem.Modules.Shared.Errors;

/// <summary>Base of the errors a user can cause; the host turns each into an RFC 9457 ProblemDetails.</summary>
public abstract class TandemProblemException(string type, string title, int status, string? detail = null)
    : Exception(detail ?? title)
{
    /// <summary>Stable problem type, the last segment of <c>https://tandem.dev/problems/{Type}</c>.</summary>
    public string Type { get; } = type;
    public string Title { get; } = title;
    public int Status { get; } = status;
    public string? Detail { get; } = detail;
}

/// <summary>The input breaks one or more rules; <see cref="Errors"/> holds messages per field (camelCase).</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : TandemProblemException(ProblemTypes.Validation, ProblemTypes.ValidationTitle, 400)
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The thing asked for does not exist (or is not visible to the caller).</summary>
public sealed class NotFoundException(string what, string id)
    : TandemProblemException(ProblemTypes.NotFound, $"{what} not found.", 404, $"No {what.ToLowerInvariant()} has the id '{id}'.");

/// <summary>The request conflicts with the current state (duplicate slug, wrong status...).</summary>
public sealed class ConflictException(string title, string? detail = null)
    : TandemProblemException(ProblemTypes.Conflict, title, 409, detail);

/// <summary>A message was sent to a module that is switched off for this deployment.</summary>
public sealed class ModuleDisabledException(string module)
    : TandemProblemException(ProblemTypes.ModuleDisabled, $"The {module} module is disabled.", 503,
        $"This deployment runs without the {module} module (Tandem:Modules:{module}:Enabled=false).")
{
    public string Module { get; } = module;
}
