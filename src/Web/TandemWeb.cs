using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Tandem.Modules.Shared.Persistence;
using Tandem.Web.Identity;

namespace Tandem.Web;

/// <summary>
/// The web app (docs/ui.md): Blazor interactive server pages at <c>/</c>, people signed in with ASP.NET Core Identity
/// cookies. It is one more client of the module Contracts through the mediator, like the HTTP API.
/// </summary>
public static class TandemWeb
{
    /// <summary>The default scheme: the API key under <c>/api</c> (or with an Authorization header), the sign-in cookie elsewhere.</summary>
    public const string Scheme = "Tandem";

    public static readonly string[] Cultures = ["fr", "en"];

    /// <summary>Registers the UI, Identity (users, roles, lockout, cookie) and localisation. Call after the host's own authentication.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="apiKeyScheme">The scheme that authenticates machines under <c>/api</c>.</param>
    public static IServiceCollection AddTandemWeb(this IServiceCollection services, IConfiguration configuration, string apiKeyScheme)
    {
        var database = DatabaseOptions.From(configuration);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var connection = database.PostgresConnectionString!;
            services.AddDbContext<PostgresUsersDbContext>(o => UsersDbContext.ConfigurePostgres(o, connection));
            services.AddScoped<UsersDbContext>(sp => sp.GetRequiredService<PostgresUsersDbContext>());
        }
        else
        {
            var connection = database.SqliteConnectionString(UsersDbContext.Name);
            services.AddDbContext<SqliteUsersDbContext>(o => UsersDbContext.ConfigureSqlite(o, connection));
            services.AddScoped<UsersDbContext>(sp => sp.GetRequiredService<SqliteUsersDbContext>());
        }

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
                o.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "API key under /api, sign-in cookie elsewhere", o => o.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments("/api") || http.Request.Headers.Authorization.Count > 0
                    ? apiKeyScheme
                    : IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie!.Configure(c =>
            {
                c.Cookie.Name = "tandem.auth";
                c.Cookie.HttpOnly = true;
                c.Cookie.SameSite = SameSiteMode.Lax;
                c.LoginPath = "/account/login";
                c.LogoutPath = "/account/logout";
                c.AccessDeniedPath = "/account/denied";
                c.ExpireTimeSpan = TimeSpan.FromHours(12);
                c.SlidingExpiration = true;
            }));
        services.AddIdentityCore<TandemUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B).
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<UsersDbContext>()
            .AddSignInManager();
        services.AddScoped<UserAdministration>();

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture("en").AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddScoped<Kpi.KpiSnapshots>();
        services.AddScoped<Demo.DemoSeeder>();
        services.AddSingleton<UiTime>();
        services.AddSingleton<Imports.ImportUploads>();
        return services;
    }

    /// <summary>Whether a path belongs to the web app (not the API, the public pages, webhooks or health).</summary>
    public static bool IsUiPath(PathString path) =>
        !(path.StartsWithSegments("/api") || path.StartsWithSegments("/f") || path.StartsWithSegments("/d") || path.StartsWithSegments("/u")
          || path.StartsWithSegments("/p") || path.StartsWithSegments("/hooks") || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi"));

    /// <summary>The UI's middleware: its language per request, antiforgery for its forms. After authentication and authorization.</summary>
    public static IApplicationBuilder UseTandemWeb(this IApplicationBuilder app)
    {
        app.UseWhen(http => IsUiPath(http.Request.Path), ui =>
        {
            ui.Use((http, next) =>
            {
                http.Items[Tandem.Modules.Shared.Modules.HttpRequests.AppPageItem] = true;
                return next(http);
            });
            ui.UseRequestLocalization();
        });
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Maps the pages, the Blazor hub, their static files and the account endpoints (sign in, sign out, language).</summary>
    public static void MapTandemWeb(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();

        var account = app.MapGroup("/account").ExcludeFromDescription();
        account.MapPost("/login", SignInAsync).AllowAnonymous();
        account.MapPost("/logout", async (SignInManager<TandemUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        }).AllowAnonymous();
        account.MapGet("/culture", SetCultureAsync).AllowAnonymous();
    }

    /// <summary>Applies the UI database's migrations (users and roles) and creates the roles. Returns how many migrations ran.</summary>
    public static async Task<int> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        if (db.Database.IsSqlite())
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory) Directory.CreateDirectory(directory);
        }
        else
        {
            // As for the modules: create the history table first, or Npgsql logs its failed probe as an error.
            await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>(db)
                .CreateIfNotExistsAsync(ct);
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
        if (pending > 0) await db.Database.MigrateAsync(ct);
        await scope.ServiceProvider.GetRequiredService<UserAdministration>().EnsureRolesAsync();
        return pending;
    }

    private static async Task<IResult> SignInAsync([FromForm] SignInForm form, SignInManager<TandemUser> signIn, HttpContext http)
    {
        var back = SafeReturnUrl(form.ReturnUrl);
        var user = string.IsNullOrWhiteSpace(form.Email) ? null : await signIn.UserManager.FindByEmailAsync(form.Email.Trim());
        if (user is null || string.IsNullOrEmpty(form.Password))
            return Results.LocalRedirect($"/account/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
        var result = await signIn.PasswordSignInAsync(user, form.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut) return Results.LocalRedirect($"/account/login?error=locked&returnUrl={Uri.EscapeDataString(back)}");
        if (!result.Succeeded) return Results.LocalRedirect($"/account/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
        if (user.Culture is { } culture && Cultures.Contains(culture)) WriteCultureCookie(http, culture);
        return Results.LocalRedirect(back);
    }

    private static async Task<IResult> SetCultureAsync(string? culture, string? returnUrl, HttpContext http, UserManager<TandemUser> users)
    {
        if (culture is null || !Cultures.Contains(culture)) return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        WriteCultureCookie(http, culture);
        // The choice follows the person: it is stored on the user and applied at each sign-in.
        if (http.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(http.User) is { } user && user.Culture != culture)
        {
            user.Culture = culture;
            await users.UpdateAsync(user);
        }
        return Results.LocalRedirect(SafeReturnUrl(returnUrl));
    }

    private static void WriteCultureCookie(HttpContext http, string culture) =>
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });

    /// <summary>Only a local path: never an open redirect.</summary>
    internal static string SafeReturnUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}

/// <summary>The sign-in form's fields.</summary>
internal sealed class SignInForm
{
    public string? Email { get; set; }
    public string? Password { get; set; }
    public string? ReturnUrl { get; set; }
}

/// <summary>The marker type of the UI's resource files (Resources/Ui.resx, Ui.fr.resx).</summary>
public sealed class Ui;
