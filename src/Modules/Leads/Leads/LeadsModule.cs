using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Modules;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Leads;

/// <summary>Leads: one record per person, normalised and deduplicated, with sources, consents and the MQL score.</summary>
public sealed class LeadsModule : IModule
{
    public const string ModuleName = "Leads";

    public string Name => ModuleName;
    public IReadOnlyList<string> Requires => [];
    public Assembly ContractsAssembly => typeof(CaptureLead).Assembly;
    public Assembly ImplementationAssembly => typeof(LeadsModule).Assembly;

    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddLeadsModule(configuration);

    public void MapEndpoints(IEndpointRouteBuilder api, IEndpointRouteBuilder root) => LeadEndpoints.Map(api);
}

public static class LeadsModuleRegistration
{
    public static IServiceCollection AddLeadsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(MqlPolicy.From(configuration));
        services.AddScoped<LeadCapture>();
        return services
            .AddModuleDbContext<LeadsDbContext, SqliteLeadsDbContext, PostgresLeadsDbContext>(LeadsModule.ModuleName, configuration)
            .AddModuleConventions(typeof(LeadsModule).Assembly);
    }
}
