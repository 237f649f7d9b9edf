using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Tandem.Host.Access;
using Tandem.Host.Logging;
using Tandem.Host.Messaging;
using Tandem.Host.Platform;
using Tandem.Host.Plugins;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Modules;
using Tandem.Modules.Shared.Persistence;
using Tandem.Web;

namespace Tandem.Host.Composition;

/// <summary>The composition root: one place that knows every module, the mediator, persistence, access and HTTP.</summary>
public static class TandemApp
{
    /// <summary>Builds the web application (not started). <paramref name="args"/> are configuration arguments such as <c>--urls</c>.</summary>
    /// <param name="args">Configuration arguments.</param>
    /// <param name="overrideServices">Replaces services after the host registered its own (tests: a fake clock).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrideServices = null)
    {
        // The application is the host whatever process builds it (tests build it in their test runner): its name finds the
        // web UI's static assets manifest (Tandem.Host.staticwebassets.endpoints.json beside the binaries).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, ContentRootPath = AppContext.BaseDirectory, ApplicationName = typeof(TandemApp).Assembly.GetName().Name,
        });
        var configuration = builder.Configuration;
        var services = builder.Services;

        var guard = HttpGuardOptions.From(configuration);
        // Kestrel refuses longer request lines with a bare 414 before any middleware runs; below this, HttpGuard
        // answers a URL that is too long with a problem.
        // Console logs go through the redacting format: no email address or phone number reaches a log (docs/compliance.md).
        builder.Logging.AddConsole(o => o.FormatterName = RedactingConsoleFormatter.Name)
            .AddConsoleFormatter<RedactingConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        // The web app's files (MudBlazor's, Blazor's) from the build output too, not only from a publish.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestLineSize = HttpGuardOptions.KestrelRequestLineLimit);

        var modules = new ModuleCatalog(configuration);
        var missing = modules.MissingDependencies();
        if (missing.Count > 0) throw new ModuleDependencyException(missing);

        services.AddSingleton(modules);
        services.AddSingleton<IModuleState>(modules);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Readiness>();
        services.AddSingleton(guard);
        if (guard.KnownProxies.Count > 0) services.Configure<ForwardedHeadersOptions>(guard.Configure);
        services.AddMemoryCache();
        // Kept beside the data so that restarts keep the same keys (the web UI's cookies will rely on them).
        services.AddDataProtection().SetApplicationName("Tandem")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DatabaseOptions.From(configuration).DataDirectory, "keys")));

        // Every module registers its services (the generated mediator can construct any handler); a disabled module
        // only loses its endpoints, migrations and background work, and its handlers are skipped by the pipeline.
        foreach (var module in ModuleCatalog.All) module.AddServices(services, configuration);
        services.AddModuleDbContext<PlatformDbContext, SqlitePlatformDbContext, PostgresPlatformDbContext>(PlatformDbContext.ModuleName, configuration);
        services.AddScoped<ApiKeyService>();
        services.AddSingleton<ApiKeyUsage>();
        services.AddSingleton<FailedAuthenticationLimiter>();
        services.AddSingleton<Tandem.Plugins.Abstractions.ILeadSink, PluginLeadSink>();
        services.AddSingleton<Tandem.Plugins.Abstractions.IChannelEventSink, PluginChannelEventSink>();
        services.AddSingleton<IPluginStateStore, DatabasePluginStateStore>();
        // Privacy (docs/compliance.md): the retention purge, scheduled and from 'tandem privacy purge'.
        services.AddSingleton(RetentionOptions.From(configuration));
        services.AddSingleton<PrivacyRetention>();
        services.AddHostedService<PrivacyRetentionService>();
        services.AddTandemPlugins(configuration);

        services.AddMediator((MediatorOptions options) =>
        {
            options.Namespace = "Tandem.Host.Mediator";
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.NotificationPublisherType = typeof(ModuleAwarePublisher);
            options.Assemblies =
            [
                typeof(Tandem.Modules.Content.ContentModule),
                typeof(Tandem.Modules.Content.Contracts.FormSubmitted),
                typeof(Tandem.Modules.Leads.LeadsModule),
                typeof(Tandem.Modules.Leads.Contracts.CaptureLead),
                typeof(Tandem.Modules.Prospects.ProspectsModule),
                typeof(Tandem.Modules.Prospects.Contracts.QualifyLead),
                typeof(Tandem.Modules.Outreach.OutreachModule),
                typeof(Tandem.Modules.Outreach.Contracts.ListTasks),
                typeof(SendThroughChannelHandler), // the host's adapters: channel plugins answer Outreach
            ];
            options.PipelineBehaviors =
            [
                typeof(ScopeSerialisationBehavior<,>),
                typeof(LoggingBehavior<,>),
                typeof(ModuleEnabledBehavior<,>),
                typeof(ValidationBehavior<,>),
            ];
        });

        services.AddScoped<MessageContext>();
        services.AddSingleton<InlineReplies>();
        services.AddScoped<ScopeGate>();
        services.AddSingleton(OutboxOptions.From(configuration));
        services.AddSingleton<MessageTypes>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<BackgroundStart>();
        services.AddSingleton<IBackgroundStart>(sp => sp.GetRequiredService<BackgroundStart>());
        services.AddSingleton<IOutboxSignal>(sp => new StartingOutboxSignal(sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<DeferredStart>(),
            sp.GetRequiredService<BackgroundStart>()));
        PipelineMetrics.TryAddTo(services);
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<IOutboxDispatcher>(sp => sp.GetRequiredService<OutboxDispatcher>());
        // The dispatcher begins a few seconds after start, or at the first new outbox message (docs/performance.md).
        services.AddSingleton(sp => new DeferredStart(sp.GetRequiredService<OutboxDispatcher>(), DeferredStart.DelayFrom(configuration),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<DeferredStart>>()));
        services.AddHostedService(sp => sp.GetRequiredService<DeferredStart>());
        services.AddSingleton<StartupTasks>();

        services.Configure<JsonOptions>(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // Our own stable types everywhere, also for the framework's own answers (404 route, 405, 415…).
            if (ctx.ProblemDetails.Type is null || ctx.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                // The framework's own answers (no route, wrong method, wrong content type…), with a title a person understands.
                (var type, var title) = ctx.ProblemDetails.Status switch
                {
                    400 => ("bad-request", "The request could not be read."),
                    404 => ("not-found", "Nothing lives at this address."),
                    405 => ("method-not-allowed", "This method is not allowed here."),
                    413 => ("payload-too-large", "The request is too large."),
                    414 => ("uri-too-long", "The URL is too long."),
                    415 => ("unsupported-media-type", "This content type is not accepted here."),
                    429 => ("rate-limited", "Too many requests."),
                    var status => ("http-" + status, ctx.ProblemDetails.Title),
                };
                ctx.ProblemDetails.Type = ProblemExceptionHandler.TypeBase + type;
                ctx.ProblemDetails.Title = title;
                if (ctx.ProblemDetails.Status == 400 && ClientErrors.UnboundParameter(ctx.HttpContext) is var (field, message))
                {
                    ctx.ProblemDetails.Type = ProblemExceptionHandler.TypeBase + "validation";
                    ctx.ProblemDetails.Title = "The request is not valid.";
                    ctx.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
                }
                if (ctx.ProblemDetails.Status == 413 && ctx.ProblemDetails.Detail is null)
                    ctx.ProblemDetails.Detail = ClientErrors.TooLarge(ctx.HttpContext).Detail;
                if (ctx.ProblemDetails.Status == 415 && ctx.ProblemDetails.Detail is null)
                    ctx.ProblemDetails.Detail = ctx.HttpContext.Request.Path.StartsWithSegments("/api")
                        ? "Send the body as JSON, with 'Content-Type: application/json'."
                        : "Send the body as JSON (application/json) or as a form post (application/x-www-form-urlencoded).";
            }
            ctx.ProblemDetails.Extensions.Remove("traceId");
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(OpenApiDocumentation.Configure);
        // Unreadable bodies (malformed JSON…) reach the exception handler and become a clear 400 problem.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .AddPolicy("api", p => p.RequireAuthenticatedUser())
            .AddPolicy("marketing", p => p.RequireRole(Roles.Admin, Roles.Marketing))
            .AddPolicy("sales", p => p.RequireRole(Roles.Admin, Roles.Sales))
            .AddPolicy("admin", p => p.RequireRole(Roles.Admin));
        // The web app (src/Web): people sign in with a cookie; /api keeps its API keys (docs/ui.md).
        services.AddTandemWeb(configuration, ApiKeyAuthenticationHandler.SchemeName);
        services.AddSingleton<Tandem.Web.Platform.IPlatformStatus, WebPlatformStatus>();
        services.AddSingleton<WebAdministration>();
        services.AddSingleton<Tandem.Web.Platform.IApiKeyAdministration>(sp => sp.GetRequiredService<WebAdministration>());
        services.AddSingleton<Tandem.Web.Platform.IComplianceSettingsView>(sp => sp.GetRequiredService<WebAdministration>());
        services.AddSingleton<Tandem.Web.Platform.IDataSubjectRequests>(sp => sp.GetRequiredService<WebAdministration>());
        services.AddSingleton<Tandem.Web.Platform.IAuditLog>(sp => sp.GetRequiredService<WebAdministration>());
        services.AddRateLimiter(o =>
        {
            var permits = configuration.GetValue("Tandem:RateLimits:Public:PermitLimit", 60);
            var window = TimeSpan.FromSeconds(configuration.GetValue("Tandem:RateLimits:Public:WindowSeconds", 60));
            o.AddPolicy("public", http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
            o.OnRejected = async (ctx, ct) =>
            {
                ctx.HttpContext.Response.StatusCode = 429;
                if (ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                    ctx.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: 429, type: ProblemExceptionHandler.TypeBase + "rate-limited", title: "Too many requests.",
                    detail: "This address sent too many requests to a public endpoint; wait a little and try again.").ExecuteAsync(ctx.HttpContext);
            };
        });

        overrideServices?.Invoke(services);
        var app = builder.Build();
        // The first real request lets background workers begin at once (IBackgroundStart); health probes do not.
        var workersStart = app.Services.GetRequiredService<BackgroundStart>();
        app.Use((context, next) =>
        {
            if (!workersStart.IsOpen && !context.Request.Path.StartsWithSegments("/health")) workersStart.Open();
            return next(context);
        });
        if (guard.KnownProxies.Count > 0) app.UseForwardedHeaders();
        app.UseMiddleware<HttpGuard>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Explicitly after HttpGuard, which serves HEAD with the GET endpoints before a route is chosen.
        app.UseRouting();
        // Cross-origin posts only where an endpoint names a policy (pop-up forms: Tandem:Content:EmbedOrigins).
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseTandemWeb();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" })).ExcludeFromDescription();
        app.MapGet("/health/ready", (Readiness readiness) => readiness.IsReady
            ? Results.Ok(new { status = "ready" })
            : Results.Json(new { status = "starting" }, statusCode: 503)).ExcludeFromDescription();

        // API bodies are capped (1 MiB by default); an endpoint that needs more declares its own RequestSizeLimit, which wins.
        var api = app.MapGroup("/api").RequireAuthorization("api")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(guard.ApiBodyBytes));
        api.MapGet("/modules", (ModuleCatalog catalog) =>
            ModuleCatalog.All.Select(m => new ModuleListing(m.Name, catalog.IsEnabled(m.Name), m.Requires)))
            .WithName("ListModules").WithTags("Platform").WithSummary("The modules compiled in, whether each is enabled, and what each requires");
        api.MapApiKeyEndpoints();
        api.MapKpiEndpoints();
        api.MapPrivacyEndpoints();

        app.MapPluginEndpoints(api).RequireRateLimiting("public");

        // A switched-off module has no endpoints; its URL space answers one clear problem instead of a bare 404.
        foreach (var module in ModuleCatalog.All.Where(m => !modules.IsEnabled(m.Name)))
        {
            var name = module.Name;
            api.Map("/" + name.ToLowerInvariant() + "/{**rest}", IResult () => throw new ModuleDisabledException(name))
                .ExcludeFromDescription();
        }

        foreach (var module in modules.Enabled)
        {
            var group = api.MapGroup("/" + module.Name.ToLowerInvariant()).WithTags(module.Name);
            var policy = ModulePolicy(module.Name);
            if (policy is not null) group.RequireAuthorization(policy);
            module.MapEndpoints(group, app);
        }
        app.MapTandemWeb();
        return app;
    }

    /// <summary>Who may use a module's API: marketing owns content, sales owns prospects and outreach, both see leads.</summary>
    private static string? ModulePolicy(string module) => module switch
    {
        "Content" => "marketing",
        "Prospects" or "Outreach" => "sales",
        _ => null,
    };
}

/// <summary>One entry of <c>GET /api/modules</c> (a named type: the compile-time request delegate generator cannot return anonymous types).</summary>
internal sealed record ModuleListing(string Name, bool Enabled, IReadOnlyList<string> Requires);

/// <summary>Thrown at start-up when an enabled module needs a disabled one.</summary>
public sealed class ModuleDependencyException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
