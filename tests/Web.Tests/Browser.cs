using Microsoft.Playwright;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Web.Tests;

/// <summary>
/// One real host (SQLite) with a first admin created by <c>tandem user create</c>, and Debian's Chromium driven by
/// Playwright. The browser is the system's (<c>/usr/bin/chromium</c>, or <c>TANDEM_TEST_CHROMIUM</c>); nothing is downloaded.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string AdminEmail = "admin@tandem.test";
    public const string Password = "un mot de passe assez long";

    private TestStore? _store;
    private IPlaywright? _playwright;

    internal HostProcess Host { get; private set; } = default!;
    public IBrowser Chromium { get; private set; } = default!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("TANDEM_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        _store = await TestStore.CreateAsync(Provider.Sqlite);
        var created = await HostCli.RunAsync(["user", "create", "--email", AdminEmail, "--role", "admin", "--password", Password, .. _store.HostArgs]);
        Assert.True(created.ExitCode == 0, $"user create failed: {created}");
        Host = await HostProcess.StartAsync(_store);
        _playwright = await Playwright.CreateAsync();
        // A page connects its Blazor circuit before it shows: generous on a busy 2-core CI machine.
        Assertions.SetDefaultExpectTimeout(30_000);
        Assert.True(File.Exists(ChromiumPath), $"No Chromium at {ChromiumPath}: apt-get install chromium (or set TANDEM_TEST_CHROMIUM).");
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser profile (no cookies) speaking <paramref name="locale"/>.</summary>
    public async Task<IPage> NewPageAsync(string locale = "fr-FR")
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        _playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        if (_store is not null) await _store.DisposeAsync();
    }
}

/// <summary>The browser tests share one host and one Chromium (one per provider), and run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}

internal static class PageExtensions
{
    /// <summary>The input (or textarea) of a MudBlazor field carrying <c>data-testid</c>, wherever MudBlazor put the attribute.</summary>
    public static ILocator Field(this IPage page, string testId) =>
        page.Locator($"[data-testid='{testId}'] input:not([type=hidden]), input[data-testid='{testId}'], [data-testid='{testId}'] textarea, textarea[data-testid='{testId}']").First;

    public static ILocator TestId(this IPage page, string testId) => page.Locator($"[data-testid='{testId}']");

    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/");
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    /// <summary>Set to <c>1</c> to write the screenshots to docs/screenshots (the README's); otherwise they go to the test output folder.</summary>
    public const string UpdateScreenshotsVariable = "TANDEM_UPDATE_SCREENSHOTS";

    /// <summary>
    /// Saves a screenshot of the page: under docs/screenshots when <see cref="UpdateScreenshotsVariable"/> is <c>1</c>
    /// (to refresh the README's pictures on purpose), else under the test output folder, so a plain test run never
    /// dirties the repository.
    /// </summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        var folder = ScreenshotFolder(Environment.GetEnvironmentVariable(UpdateScreenshotsVariable));
        Directory.CreateDirectory(folder);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = false });
    }

    /// <summary>Where screenshots go for a value of <see cref="UpdateScreenshotsVariable"/>.</summary>
    public static string ScreenshotFolder(string? update) =>
        update == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException("No Platform.sln above the test binaries.");
    }
}
