using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Content.Data;
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
        LandingPages.Map(api, root);
        SubmitForm.Map(root);
        Submissions.Map(api);
    }
}

public static class ContentModuleRegistration
{
    public static IServiceCollection AddContentModule(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddModuleDbContext<ContentDbContext, SqliteContentDbContext, PostgresContentDbContext>(ContentModule.ModuleName, configuration)
            .AddModuleConventions(typeof(ContentModule).Assembly);
}
