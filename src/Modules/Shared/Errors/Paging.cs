namespace Tandem.Modules.Shared.Errors;

/// <summary>
/// The one paging rule of every list (docs/API.md, "Paging"): <c>page</c> starts at 1, <c>pageSize</c> is 1 to
/// <see cref="MaxPageSize"/>. A list's validator calls <see cref="ValidationErrorsPaging.Page"/>; a wrong value is a 400
/// naming the parameter.
/// </summary>
public static class Paging
{
    /// <summary>The first page.</summary>
    public const int FirstPage = 1;
    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultPageSize = 50;
    /// <summary>The largest page a list answers.</summary>
    public const int MaxPageSize = 200;
    /// <summary>The last page a list answers (narrow the search instead of paging that far).</summary>
    public const int MaxPage = 100_000;
}

/// <summary>The paging validator.</summary>
public static class ValidationErrorsPaging
{
    /// <summary>Checks <paramref name="page"/> (≥ 1) and <paramref name="pageSize"/> (1..<see cref="Paging.MaxPageSize"/>).</summary>
    public static ValidationErrors Page(this ValidationErrors errors, int page, int pageSize)
    {
        if (page is < Paging.FirstPage or > Paging.MaxPage)
            errors.Add("page", $"Pages start at {Paging.FirstPage} (and stop at {Paging.MaxPage}; narrow the search instead).");
        if (pageSize is < 1 or > Paging.MaxPageSize)
            errors.Add("pageSize", $"Between 1 and {Paging.MaxPageSize}.");
        return errors;
    }
}
