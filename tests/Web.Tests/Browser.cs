using Microsoft.Playwright;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Web.Tests;

/// <summary>
/// One real host per provider with a first admin created by <c>tandem user create</c> — SQLite, started with the fixture;
/// PostgreSQL, started on first use when <c>TANDEM_TEST_POSTGRES</c> is set (the test is skipped otherwise) — and Debian's
/// Chromium driven by Playwright. The browser is the system's (<c>/usr/bin/chromium</c>, or <c>TANDEM_TEST_CHROMIUM</c>);
/// nothing is downloaded. All browser tests share it (<see cref="BrowserCollection"/>).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string AdminEmail = "admin@tandem.test";
    public const string Password = "un mot de passe assez long";

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<Provider, (TestStore Store, HostProcess Host)> _hosts = [];
    private IPlaywright? _playwright;

    /// <summary>The SQLite host.</summary>
    internal HostProcess Host { get; private set; } = default!;
    public IBrowser Chromium { get; private set; } = default!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("TANDEM_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        Host = await HostAsync(Provider.Sqlite);
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

    /// <summary>The host on <paramref name="provider"/>, started once and shared; PostgreSQL skips the test without <c>TANDEM_TEST_POSTGRES</c>.</summary>
    internal async Task<HostProcess> HostAsync(Provider provider)
    {
        await _lock.WaitAsync();
        try
        {
            if (_hosts.TryGetValue(provider, out var started))
            {
                Assert.False(started.Host.HasExited, $"The shared {provider} host died. Output:\n{started.Host.Output}");
                return started.Host;
            }
            var store = await TestStore.CreateAsync(provider);
            try
            {
                var created = await HostCli.RunAsync(["user", "create", "--email", AdminEmail, "--role", "admin", "--password", Password, .. store.HostArgs]);
                Assert.True(created.ExitCode == 0, $"user create failed: {created}");
                var host = await HostProcess.StartAsync(store);
                _hosts[provider] = (store, host);
                return host;
            }
            catch
            {
                await store.DisposeAsync();
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A fresh browser profile (no cookies) speaking <paramref name="locale"/>, on <paramref name="host"/> (default: the SQLite host).</summary>
    internal async Task<IPage> NewPageAsync(string locale = "fr-FR", HostProcess? host = null, ViewportSize? viewport = null)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (host ?? Host).BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = viewport ?? new ViewportSize { Width = 1366, Height = 900 },
            IsMobile = viewport is not null && viewport.Width < 600,
            HasTouch = viewport is not null && viewport.Width < 600,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        _playwright?.Dispose();
        foreach (var (store, host) in _hosts.Values)
        {
            await host.DisposeAsync();
            await store.DisposeAsync();
        }
    }
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
