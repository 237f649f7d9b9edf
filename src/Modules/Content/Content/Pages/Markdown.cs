using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Tandem.Modules.Content.Pages;

/// <summary>
/// A landing page's body: CommonMark through Markdig with raw HTML disabled (markup typed in the body is shown as text),
/// headings moved one level down (the page title is the only h1; HTML stops at h6), links only to web and mail addresses.
/// </summary>
internal static class Markdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    public static void Append(TextWriter html, string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
            heading.Level = Math.Min(heading.Level + 1, 6);
        foreach (var link in document.Descendants<LinkInline>())
        {
            // javascript:, data: and friends become harmless text links to nowhere; images only from this site (CSP too).
            if (!IsSafe(link.Url, link.IsImage)) link.Url = "#";
        }
        var renderer = new HtmlRenderer(html);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        html.Flush();
    }

    private static bool IsSafe(string? url, bool image)
    {
        if (string.IsNullOrEmpty(url)) return true;
        if (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)) return true;
        if (url.StartsWith('#')) return !image;
        return !image && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto" or "tel";
    }
}
