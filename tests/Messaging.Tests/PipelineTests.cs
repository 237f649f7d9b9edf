using System.Reflection;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Host.Composition;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Messaging.Tests;

public sealed class PipelineTests
{
    private static readonly Type[] HandlerInterfaces =
    [
        typeof(INotificationHandler<>), typeof(IRequestHandler<,>), typeof(ICommandHandler<,>), typeof(IQueryHandler<,>),
    ];

    /// <summary>Handler types declared in <paramref name="assemblies"/> that the container cannot resolve through their handler interface.</summary>
    internal static List<string> UnregisteredHandlers(IServiceProvider services, IEnumerable<Assembly> assemblies)
    {
        var missing = new List<string>();
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()).Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && HandlerInterfaces.Contains(i.GetGenericTypeDefinition())))
            {
                var registered = services.GetServices(contract).Any(h => h?.GetType() == type);
                if (!registered) missing.Add($"{type.FullName} as {contract.Name}");
            }
        }
        return missing;
    }

    [Fact]
    public async Task Every_handler_in_every_module_assembly_is_registered_with_the_mediator()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite);
        await using var scope = host.Scope();
        var assemblies = ModuleCatalog.All.Select(m => m.ImplementationAssembly).ToList();
        var handlerCount = assemblies.SelectMany(a => a.GetTypes())
            .Count(t => t.GetInterfaces().Any(i => i.IsGenericType && HandlerInterfaces.Contains(i.GetGenericTypeDefinition())));
        Assert.True(handlerCount >= 15, $"only {handlerCount} handlers found: is discovery broken?");
        Assert.Empty(UnregisteredHandlers(scope.ServiceProvider, assemblies));
    }

    [Fact]
    public async Task The_registration_check_reports_a_handler_the_mediator_does_not_know()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite);
        await using var scope = host.Scope();
        // This test assembly is not in AddMediator's Assemblies, exactly like a module forgotten there.
        var missing = UnregisteredHandlers(scope.ServiceProvider, [typeof(ForgottenHandler).Assembly]);
        Assert.Contains(missing, m => m.Contains(nameof(ForgottenHandler), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_request_is_rejected_with_field_errors_before_its_handler_runs()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite);
        await using var scope = host.Scope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var invalid = await Assert.ThrowsAsync<ValidationFailedException>(async () =>
            await sender.Send(new CaptureLead(null, "not a phone", "Jean", null, null, null, null, "alien", new LeadSource("carrier-pigeon"))));
        Assert.Equal(["kind", "phone", "source.channel"], invalid.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, (await sender.Send(new ListLeads(null, null, null, null))).Total);
    }

    [Fact]
    public async Task A_disabled_module_rejects_its_requests_and_its_notification_handlers_are_skipped()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite, "--Tandem:Modules:Outreach:Enabled=false");
        await using var scope = host.Scope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var disabled = await Assert.ThrowsAsync<ModuleDisabledException>(async () => await sender.Send(new ListTasks(null, null)));
        Assert.Equal("Outreach", disabled.Module);
        Assert.Equal(503, disabled.Status);

        // Outreach has no tables here: had its handler run, this publish would fail.
        await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(new ProspectQualified(
            "p1", "l1", "consumer", 100, null, "consideration", true, null, host.Clock.GetUtcNow()));
        var outreachDb = (DbContext)scope.ServiceProvider.GetRequiredService(host.Database("Outreach").ContextType);
        Assert.Empty(await outreachDb.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task A_cross_module_notification_reaches_its_handler_through_the_publisher()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite);
        await using var scope = host.Scope();
        await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(new ChannelsChanged(["email", "call", "email"]));
        var channels = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new GetAvailableChannels());
        Assert.Equal(["call", "email"], channels);
    }
}

public sealed class MigrationTests
{
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Every_module_model_matches_its_migrations_so_none_was_forgotten(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var databases = host.Services.GetServices<Tandem.Modules.Shared.Persistence.ModuleDatabase>().ToList();
        Assert.Equal(5, databases.Count); // four modules and the platform
        foreach (var database in databases)
        {
            await using var scope = host.Scope();
            var db = TestHost.Context(scope, database);
            Assert.False(db.Database.HasPendingModelChanges(),
                $"{database.Module} ({provider}) has model changes without a migration: run scripts/add-migration.sh <Name> {database.Module}");
        }
    }
}

/// <summary>A handler deliberately outside the mediator's assemblies.</summary>
internal sealed class ForgottenHandler : INotificationHandler<ChannelsChanged>
{
    public ValueTask Handle(ChannelsChanged notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
