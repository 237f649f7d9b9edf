using Microsoft.AspNetCore.Http;

namespace Tandem.Modules.Shared.Modules;

public static class HttpRequests
{
    /// <summary>The <see cref="HttpContext.Items"/> key the host sets on a HEAD request that it serves with the GET endpoint.</summary>
    public const string HeadItem = "Tandem.HeadRequest";

    /// <summary>
    /// <see cref="HttpContext.Items"/> key of one more CSP <c>style-src</c> source for this HTML answer (a page's inline
    /// stylesheet, allowed by its <c>'sha256-…'</c> hash).
    /// </summary>
    public const string PageStyleSourceItem = "Tandem.Csp.StyleSrc";

    /// <summary><see cref="HttpContext.Items"/> key of one more CSP <c>img-src</c> source for this HTML answer (the configured logo's origin).</summary>
    public const string PageImageSourceItem = "Tandem.Csp.ImgSrc";

    /// <summary>
    /// <see cref="HttpContext.Items"/> key the web app sets on its own requests: its pages run scripts (Blazor) and
    /// connect back to the host, so they get the web app's CSP instead of the script-free one of the public pages.
    /// </summary>
    public const string AppPageItem = "Tandem.Csp.AppPage";

    /// <summary>True for a HEAD request (answered by the GET endpoint without a body): nothing should count it as a view.</summary>
    public static bool IsHead(this HttpRequest request) =>
        HttpMethods.IsHead(request.Method) || request.HttpContext.Items.ContainsKey(HeadItem);
}
