using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Data;
using Tandem.Modules.Prospects.Icp;
using Tandem.Modules.Prospects.Qualification;
using Tandem.Modules.Shared.Modules;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Prospects;

/// <summary>Prospects: leads checked against the ICP, with a fit score, an owner and a buying-journey stage.</summary>
public sealed class ProspectsModule : IModule
{
    public const string ModuleName = "Prospects";

    public string Name => ModuleName;
    /// <summary>Qualifying reads the lead from Leads.</summary>
    public IReadOnlyList<string> Requires => ["Leads"];
    public Assembly ContractsAssembly => typeof(QualifyLead).Assembly;
    public Assembly ImplementationAssembly => typeof(ProspectsModule).Assembly;

    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddProspectsModule(configuration);

    public void MapEndpoints(IEndpointRouteBuilder api, IEndpointRouteBuilder root) => ProspectEndpoints.Map(api);
}

public static class ProspectsModuleRegistration
{
    public static IServiceCollection AddProspectsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(OwnerAssignment.FromConfiguration(configuration));
        services.AddSingleton<IcpCache>();
        services.AddScoped<Qualification.Qualification>();
        services.AddSingleton<Outbound.OutboundStaging>();
        services.AddSingleton(Journey.FirstTouchSla.FromConfiguration(configuration));
        return services
            .AddModuleDbContext<ProspectsDbContext, SqliteProspectsDbContext, PostgresProspectsDbContext>(ProspectsModule.ModuleName, configuration)
            .AddModuleConventions(typeof(ProspectsModule).Assembly);
    }
}
