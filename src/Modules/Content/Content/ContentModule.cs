using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
using Tandem.Modules.Content.Pages;
using Tandem.Modules.Shared.Modules;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Content;

/// <summary>Content: campaigns, gated assets, forms, landing pages; turns visitors into form submissions.</summary>
public sealed class ContentModule : IModule
{
    public const string ModuleName = "Content";

    public string Name => ModuleName;
    public IReadOnlyList<string> Requires => [];
    public Assembly ContractsAssembly => typeof(FormSubmitted).Assembly;
    public Assembly ImplementationAssembly => typeof(ContentModule).Assembly;

    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddContentModule(configuration);

    public void MapEndpoints(IEndpointRouteBuilder api, IEndpointRouteBuilder root)
    {
        Campaigns.Map(api);
        Assets.Map(api);
        Forms.Map(api);
        LandingPages.Map(api);
        Submissions.Map(api);
        ContentNumbersEndpoint.Map(api);
        ViewLandingPage.Map(root);
        SubmitForm.Map(root);
        EmbedForm.Map(root);
        DownloadAsset.Map(root);
    }
}

public static class ContentModuleRegistration
{
    public static IServiceCollection AddContentModule(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ContentOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(new PageStyle(options.Branding));
        services.AddSingleton<FormPage>();
        services.AddSingleton<AssetLinks>();
        services.AddSingleton(sp => new FormCache(sp.GetRequiredService<TimeProvider>(), configuration));
        // Pop-up forms on the configured sites may post to /f/{formId} from the browser; no other origin, no credentials.
        services.AddCors(cors => cors.AddPolicy(SubmitForm.EmbedCorsPolicy, policy =>
        {
            if (options.EmbedOrigins.Count > 0) policy.WithOrigins([.. options.EmbedOrigins]).WithMethods("POST").WithHeaders("Content-Type", "Accept");
        }));
        return services
            .AddModuleDbContext<ContentDbContext, SqliteContentDbContext, PostgresContentDbContext>(ContentModule.ModuleName, configuration)
            .AddModuleConventions(typeof(ContentModule).Assembly);
    }
}
