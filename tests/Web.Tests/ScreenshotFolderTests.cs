namespace Tandem.Web.Tests;

/// <summary>A plain test run never writes into the repository; only an explicit update refreshes the README's screenshots.</summary>
public sealed class ScreenshotFolderTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("yes")]
    public void Without_the_update_variable_screenshots_go_to_the_test_output(string? value)
    {
        var folder = PageExtensions.ScreenshotFolder(value);
        Assert.StartsWith(AppContext.BaseDirectory, folder, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.Combine("docs", "screenshots"), folder, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_update_variable_screenshots_go_to_docs_screenshots()
    {
        var folder = PageExtensions.ScreenshotFolder("1");
        Assert.EndsWith(Path.Combine("docs", "screenshots"), folder, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "..", "..", "Platform.sln")));
    }
}
