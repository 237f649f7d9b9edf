using Microsoft.Extensions.Configuration;
using Tandem.Modules.Content.Contracts;

namespace Tandem.Modules.Content;

/// <summary>The Content module's settings (README, Configuration): pages, branding, asset links, embedding.</summary>
internal sealed record ContentOptions
{
    /// <summary><c>Tandem:Content:DefaultLanguage</c>: the language of a page created without one.</summary>
    public string DefaultLanguage { get; init; } = PageLanguages.French;

    /// <summary><c>Tandem:Content:LinkSigningKey</c>: the HMAC key of asset links; null: generated once, kept in the Content database.</summary>
    public string? LinkSigningKey { get; init; }

    /// <summary><c>Tandem:Content:AssetLinkDays</c>: how long a signed asset link works.</summary>
    public TimeSpan AssetLinkLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary><c>Tandem:Content:EmbedOrigins</c>: sites allowed to post pop-up forms to <c>/f/{formId}</c> from the browser (CORS).</summary>
    public IReadOnlyList<string> EmbedOrigins { get; init; } = [];

    /// <summary><c>Tandem:Content:VisitorCookieDays</c>: lifetime of the anonymous visitor cookie (13 months at most, as the CNIL allows for audience measurement).</summary>
    public int VisitorCookieDays { get; init; } = 390;

    /// <summary><c>Tandem:PublicBaseUrl</c>: the public address, for absolute asset links; null: the request's own.</summary>
    public string? PublicBaseUrl { get; init; }

    public Branding Branding { get; init; } = new();

    public static ContentOptions From(IConfiguration configuration)
    {
        var language = configuration["Tandem:Content:DefaultLanguage"]?.Trim().ToLowerInvariant();
        if (language is { Length: > 0 } && !PageLanguages.All.Contains(language))
            throw new InvalidOperationException($"Tandem:Content:DefaultLanguage: '{language}' is not one of {string.Join(", ", PageLanguages.All)}.");
        var days = configuration.GetValue("Tandem:Content:AssetLinkDays", 7.0);
        if (days is <= 0 or > 3650) throw new InvalidOperationException("Tandem:Content:AssetLinkDays must be more than 0 and at most 3650.");
        var key = configuration["Tandem:Content:LinkSigningKey"];
        if (key is { Length: > 0 and < 32 }) throw new InvalidOperationException("Tandem:Content:LinkSigningKey must be at least 32 characters (or unset: a key is generated).");
        var section = configuration.GetSection("Tandem:Content:EmbedOrigins");
        var origins = (section.Value is { Length: > 0 } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? "").ToArray())
            .Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).ToArray();
        var branding = configuration.GetSection("Tandem:Branding");
        return new ContentOptions
        {
            DefaultLanguage = language is { Length: > 0 } ? language : PageLanguages.French,
            LinkSigningKey = key is { Length: > 0 } ? key : null,
            AssetLinkLifetime = TimeSpan.FromDays(days),
            EmbedOrigins = origins,
            VisitorCookieDays = Math.Clamp(configuration.GetValue("Tandem:Content:VisitorCookieDays", 390), 1, 395),
            PublicBaseUrl = configuration["Tandem:PublicBaseUrl"]?.TrimEnd('/') is { Length: > 0 } b ? b : null,
            Branding = new Branding
            {
                CompanyName = branding["CompanyName"] is { Length: > 0 } name ? name : "Tandem",
                LogoUrl = WebUrl(branding["LogoUrl"], "Tandem:Branding:LogoUrl"),
                PrimaryColor = Color(branding["PrimaryColor"]) ?? "#1f5f8b",
                PrivacyNoticeUrl = WebUrl(branding["PrivacyNoticeUrl"], "Tandem:Branding:PrivacyNoticeUrl"),
                LegalNoticeUrl = WebUrl(branding["LegalNoticeUrl"], "Tandem:Branding:LegalNoticeUrl"),
            },
        };
    }

    /// <summary>A colour used in CSS: only <c>#rgb</c> or <c>#rrggbb</c>, so that a setting can never inject CSS.</summary>
    private static string? Color(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = value.Trim();
        return v.Length is 4 or 7 && v[0] == '#' && v[1..].All(char.IsAsciiHexDigit)
            ? v.ToLowerInvariant()
            : throw new InvalidOperationException($"Tandem:Branding:PrimaryColor: '{v}' is not a colour such as #1f5f8b.");
    }

    private static string? WebUrl(string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = value.Trim();
        if (v.StartsWith('/') && !v.StartsWith("//", StringComparison.Ordinal)) return v;
        return Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? v
            : throw new InvalidOperationException($"{key}: '{v}' is not an http(s) URL or a path starting with '/'.");
    }
}

/// <summary><c>Tandem:Branding:*</c>: what makes a landing page the company's own.</summary>
internal sealed record Branding
{
    public string CompanyName { get; init; } = "Tandem";
    public string? LogoUrl { get; init; }
    public string PrimaryColor { get; init; } = "#1f5f8b";
    public string? PrivacyNoticeUrl { get; init; }
    public string? LegalNoticeUrl { get; init; }
}
