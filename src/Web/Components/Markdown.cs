using Markdig;
using Microsoft.AspNetCore.Components;

namespace Tandem.Web.Components;

/// <summary>The editor's preview: the same rules as the published page (Markdig, raw HTML disabled).</summary>
public static class Markdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    public static MarkupString ToHtml(string? markdown) => new(Markdig.Markdown.ToHtml(markdown ?? "", Pipeline));
}
