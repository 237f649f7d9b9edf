using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Leads.Capture;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Dedup;
using Tandem.Modules.Leads.Import;
using Tandem.Modules.Leads.Lifecycle;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Leads.Numbers;
using Tandem.Modules.Leads.Scoring;
using Tandem.Modules.Leads.Search;
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

/// <summary>The route table of <c>/api/leads</c>; each use case maps its own endpoints from its folder.</summary>
internal static class LeadEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapCaptureLead();        // POST /
        api.MapMqlDefinition();      // GET|PUT /mql-definition, GET /mql-definition/history
        api.MapImports();            // POST /imports, GET /imports/{id}
        api.MapExport();             // GET /export
        api.MapNumbers();            // GET /numbers
        api.MapSearch();             // GET /, GET /{id}, GET /{id}/timeline
        api.MapDedup();              // PATCH /{id}, POST /{id}/unmerge, GET /{id}/duplicates
        api.MapLifecycle();          // POST /{id}/accept|reject|customer
    }
}

public static class LeadsModuleRegistration
{
    public static IServiceCollection AddLeadsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new ContactNormalizer(configuration["Tandem:Leads:DefaultRegion"] ?? ContactNormalizer.DefaultRegion));
        services.AddSingleton(sp => new MqlDefinitionCache(MqlDefaults.From(configuration), sp.GetRequiredService<TimeProvider>()));
        services.AddScoped<MqlDefinitions>();
        services.AddScoped<LeadCapture>();
        services.AddScoped<LeadEngagement>();
        services.AddScoped<Reevaluation>();
        services.AddScoped<LeadImporter>();
        services.AddScoped<ImportWrites>();
        services.AddSingleton<ImportStaging>();
        services.AddSingleton<ImportSignal>();
        services.AddSingleton<ImportWorkerIdentity>();
        services.AddHostedService<LeadImportWorker>();
        return services
            .AddModuleDbContext<LeadsDbContext, SqliteLeadsDbContext, PostgresLeadsDbContext>(LeadsModule.ModuleName, configuration)
            .AddModuleConventions(typeof(LeadsModule).Assembly);
    }
}
