using Microsoft.AspNetCore.Http;

namespace Tandem.Modules.Content;

/// <summary>
/// The anonymous first-party visitor id: a random id in a cookie of this site only (HttpOnly, SameSite=Lax, Secure over
/// https), nothing else in it. It links a browser's visits to each other and, once a form is sent from it, to the lead.
/// </summary>
internal static class VisitorCookie
{
    public const string Name = "tandem_vid";

    /// <summary>Ids are 32 lower-case hex characters (what <c>Ids.New()</c> makes); anything else is ignored.</summary>
    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public static string? Read(HttpRequest request) => request.Cookies[Name] is { } id && IsValid(id) ? id : null;

    public static void Write(HttpResponse response, string visitorId, int days) =>
        response.Cookies.Append(Name, visitorId, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromDays(days),
            IsEssential = true,
        });
}
