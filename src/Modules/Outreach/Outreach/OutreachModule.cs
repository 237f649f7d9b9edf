using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Modules.Outreach.Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tandem.Modules.Outreach.Channels;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Enrolment;
using Tandem.Modules.Outreach.Policy;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Outreach.Tasks;
using Tandem.Modules.Outreach.Templates;
using Tandem.Modules.Shared.Modules;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Modules.Outreach;

/// <summary>Outreach: sequences of calls, emails and LinkedIn steps, and the rep task queue.</summary>
public sealed class OutreachModule : IModule
{
    public const string ModuleName = "Outreach";

    public string Name => ModuleName;
    /// <summary>Enrols prospects, so it needs Prospects (which needs Leads).</summary>
    public IReadOnlyList<string> Requires => ["Prospects"];
    public Assembly ContractsAssembly => typeof(ListTasks).Assembly;
    public Assembly ImplementationAssembly => typeof(OutreachModule).Assembly;

    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddOutreachModule(configuration);

    public void MapEndpoints(IEndpointRouteBuilder api, IEndpointRouteBuilder root)
    {
        OutreachEndpoints.Map(api);
        Privacy.UnsubscribeEndpoints.Map(root);
        Meetings.BookingPage.Map(root);
    }
}

public static class OutreachModuleRegistration
{
    public static IServiceCollection AddOutreachModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ChannelDirectory>();
        services.AddSingleton(SchedulerOptions.From(configuration));
        // The reps' mailboxes: sender address, daily cap and send window (docs/outbound.md, "Mailboxes").
        services.AddSingleton(Mailboxes.From(configuration));
        services.AddSingleton<SchedulerSignal>();
        services.AddSingleton<StepRunner>();
        services.AddSingleton<SchedulerGate>();
        services.AddSingleton<SequenceCache>();
        services.AddSingleton<TemplateRenderer>();
        // The one decision point of the legal gate (docs/compliance.md): the rules of the configured pack, on facts gathered
        // from Leads and from Outreach's own activity log.
        services.AddSingleton(CompliantContactPolicy.SettingsFrom(configuration));
        services.TryAddScoped<IContactPolicy, CompliantContactPolicy>();
        services.AddScoped<EmailChannel>();
        // Privacy (docs/compliance.md): unsubscribe links signed with the host's Data Protection keys, the unsubscribe itself.
        services.AddDataProtection();
        services.AddSingleton<Privacy.UnsubscribeLinks>();
        services.AddScoped<Privacy.Unsubscriber>();
        // Meetings (docs/outbound.md, "Meetings"): per-rep booking pages, busy times read from an ICS feed.
        services.AddScoped<Meetings.BookingSettingsReader>();
        services.AddSingleton<Meetings.BookingLinks>();
        services.AddScoped<Meetings.SlotFinder>();
        services.AddHttpClient("booking-feed");
        services.AddScoped<Enroller>();
        services.AddScoped<TaskCompletion>();
        services.AddHostedService<StepScheduler>();
        return services
            .AddModuleDbContext<OutreachDbContext, SqliteOutreachDbContext, PostgresOutreachDbContext>(OutreachModule.ModuleName, configuration)
            .AddModuleConventions(typeof(OutreachModule).Assembly);
    }
}
