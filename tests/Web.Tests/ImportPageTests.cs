using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using Tandem.Host.Tests.Infrastructure;
using Tandem.Modules.Leads.Contracts;
using Tandem.Web.Imports;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Web.Tests;

/// <summary>Staging an uploaded CSV: streamed to the imports folder, its data rows counted for the progress bar.</summary>
public sealed class ImportUploadsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-uploads-" + Guid.NewGuid().ToString("N"));

    private ImportUploads Uploads() =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Tandem:DataDirectory"] = _directory }).Build());

    [Theory]
    [InlineData("email;nom\na@b.fr;A\nc@d.fr;C\n", 2)]
    [InlineData("email;nom\r\na@b.fr;A\r\nc@d.fr;C", 2)] // CRLF, no line break at the end
    [InlineData("email;nom\n", 0)]
    [InlineData("email;nom", 0)]
    public async Task A_staged_file_is_copied_whole_into_the_imports_folder_and_its_data_rows_counted(string csv, long rows)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        var staged = await Uploads().StageAsync(new MemoryStream(bytes), CancellationToken.None);

        Assert.Equal(Path.Combine(_directory, "imports"), Path.GetDirectoryName(staged.Path));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(staged.Path));
        Assert.Equal((bytes.LongLength, rows), (staged.Bytes, staged.ExpectedRows));
    }

    [Fact]
    public void The_bar_follows_the_committed_rows_and_reaches_100_only_when_completed()
    {
        Assert.Equal(0, ImportUploads.Percent(ImportStatus.Queued, 0, 10_000));
        Assert.Equal(50, ImportUploads.Percent(ImportStatus.Running, 5_000, 10_000));
        Assert.Equal(99, ImportUploads.Percent(ImportStatus.Running, 10_000, 10_000)); // every row read, not yet finished
        Assert.Equal(99, ImportUploads.Percent(ImportStatus.Running, 12_000, 10_000)); // the estimate was low (quoted line breaks)
        Assert.Equal(100, ImportUploads.Percent(ImportStatus.Completed, 9_000, 10_000));
        Assert.Equal(0, ImportUploads.Percent(ImportStatus.Running, 10, 0)); // no estimate: the page shows an indeterminate bar
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Marketing uploads a CSV in the browser and follows it to its end, with the refused rows and their reasons.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportPageTests(Browser browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Marketing_uploads_a_csv_follows_the_import_and_reads_the_refused_rows()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var csv = Path.Combine(Path.GetTempPath(), $"salon-{unique}.csv");
        var rows = new StringBuilder("email;prénom;nom;téléphone\n");
        for (var i = 0; i < 40; i++) rows.Append(CultureInfo.InvariantCulture, $"salon.{unique}.{i}@exemple-solaire.fr;Camille;Martin{i};\n");
        rows.Append("pas-une-adresse;Jean;Dupont;\n");  // row 42
        rows.Append(";Sans;Contact;\n");                 // row 43
        await File.WriteAllTextAsync(csv, rows.ToString(), new UTF8Encoding(false));
        try
        {
            var page = await browser.NewPageAsync("fr-FR");
            await page.SignInAsync(Browser.AdminEmail, Browser.Password);
            await page.GotoAsync("/marketing/imports");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Imports de leads");
            await page.TestId("import-source").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "event" }).First.ClickAsync();
            await page.Locator("input[type=file]").SetInputFilesAsync(csv); // MudFileUpload's own (hidden) input

            // The page moves to the import and follows it until Leads says it completed.
            await page.WaitForURLAsync(url => url.Contains("/marketing/imports/", StringComparison.Ordinal) && url.Contains("rows=42", StringComparison.Ordinal));
            await Expect(page.TestId("import-state")).ToHaveAttributeAsync("data-status", ImportStatus.Completed, new() { Timeout = 60_000 });
            await Expect(page.TestId("import-progress")).ToHaveAttributeAsync("data-value", "100");
            await Expect(page.TestId("import-created")).ToHaveTextAsync("40");
            await Expect(page.TestId("import-rejected")).ToHaveTextAsync("2");
            var refused = page.TestId("import-row-errors");
            await Expect(refused.Locator("tr", new LocatorLocatorOptions { HasText = "42" })).ToContainTextAsync("email");
            await Expect(refused.Locator("tr", new LocatorLocatorOptions { HasText = "43" })).ToContainTextAsync("No email address or phone number.");
            await page.ScreenshotAsync("imports");

            // What the page showed is what Leads stored: the leads exist, with the source chosen.
            var lead = (await TandemApi.LeadsByEmailAsync(browser.Host.Http, $"salon.{unique}.7@exemple-solaire.fr")).Single()!;
            Assert.Equal("event", lead["sources"]![0]!.Str("channel"));
            browser.Host.AssertNoErrorsLogged();
        }
        catch
        {
            output.WriteLine("host output:\n" + browser.Host.Output);
            throw;
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
