using System.Text.RegularExpressions;

namespace Tandem.Modules.Leads.Capture;

/// <summary>
/// A LinkedIn profile URL as a lead identity: <c>https://www.linkedin.com/in/&lt;slug&gt;</c>, lower case, without query,
/// fragment or trailing slash, whatever the host variant (<c>linkedin.com</c>, <c>fr.linkedin.com</c>, <c>http://</c>).
/// Rules: docs/leads.md, "Identity and deduplication".
/// </summary>
internal static partial class LinkedInProfiles
{
    /// <summary>The longest normalised URL kept (the prefix and a slug of at most 100 characters).</summary>
    public const int MaxLength = 128;

    /// <summary>The normalised profile URL, or null when the text is not a LinkedIn member profile URL.</summary>
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        var text = url.Trim();
        if (!text.Contains("://", StringComparison.Ordinal)) text = "https://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        var host = uri.Host.ToLowerInvariant();
        if (host != "linkedin.com" && !host.EndsWith(".linkedin.com", StringComparison.Ordinal)) return null;
        var match = ProfilePath().Match(Uri.UnescapeDataString(uri.AbsolutePath));
        if (!match.Success) return null;
        var slug = match.Groups[1].Value.ToLowerInvariant();
        return "https://www.linkedin.com/in/" + Uri.EscapeDataString(slug);
    }

    [GeneratedRegex(@"^/in/([^/\s]{1,100})/?$", RegexOptions.CultureInvariant)]
    private static partial Regex ProfilePath();
}
