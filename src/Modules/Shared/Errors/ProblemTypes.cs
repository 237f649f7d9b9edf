namespace Tandem.Modules.Shared.Errors;

/// <summary>
/// The one list of problem types Tandem answers with (RFC 9457): each type is the last segment of
/// <see cref="BaseUri"/><c>{type}</c>, with the title a person reads. Exceptions and the host use these constants, never
/// string literals of their own.
/// </summary>
public static class ProblemTypes
{
    /// <summary>Every problem type URI starts with this.</summary>
    public const string BaseUri = "https://tandem.dev/problems/";

    /// <summary>The input breaks one or more rules (400, with <c>errors</c> per field).</summary>
    public const string Validation = "validation";
    /// <summary>Title of <see cref="Validation"/>.</summary>
    public const string ValidationTitle = "The request is not valid.";

    /// <summary>The thing asked for does not exist (404).</summary>
    public const string NotFound = "not-found";

    /// <summary>The request conflicts with the current state (409).</summary>
    public const string Conflict = "conflict";

    /// <summary>The module is switched off for this deployment (503).</summary>
    public const string ModuleDisabled = "module-disabled";

    /// <summary>The full URI of a problem type.</summary>
    public static string Uri(string type) => BaseUri + type;
}
