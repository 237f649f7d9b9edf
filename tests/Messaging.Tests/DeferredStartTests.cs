using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Host.Messaging;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>
/// The outbox dispatcher begins <c>Tandem:Outbox:StartDelaySeconds</c> after the host started, so that start-up does not
/// compete with it, but a message committed after start never waits for that delay.
/// </summary>
public sealed class DeferredStartTests
{
    private static async Task<Guid> CommitLeadsMessageAsync(TestHost host)
    {
        await using var scope = host.Scope();
        var db = TestHost.Context(scope, host.Database("Leads"));
        var id = db.Publish(new LeadCaptured("lead-1", "created", "consumer", new LeadSource("api"), DateTimeOffset.UnixEpoch));
        await db.SaveChangesAsync();
        return id;
    }

    private static async Task<bool> ProcessedAsync(TestHost host, Guid id)
    {
        await using var scope = host.Scope();
        var row = await TestHost.Context(scope, host.Database("Leads")).OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
        return row.ProcessedAt is not null;
    }

    private static async Task EventuallyProcessedAsync(TestHost host, Guid id, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ProcessedAsync(host, id))
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_message_left_from_before_the_start_waits_for_the_delay()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite, "--Tandem:Outbox:StartDelaySeconds=5");
        var leftOver = await CommitLeadsMessageAsync(host); // committed before the host started, as before a restart
        var start = host.Services.GetRequiredService<DeferredStart>();
        await host.App.StartAsync();
        try
        {
            Assert.False(start.IsStarted, "the dispatcher started with the host");
            host.Clock.Advance(TimeSpan.FromSeconds(4));
            Assert.False(start.IsStarted, "the dispatcher started before its delay");
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(start.IsStarted, "the dispatcher did not start after its delay");
            await EventuallyProcessedAsync(host, leftOver, "the message left from before the start was not published after the delay");
        }
        finally
        {
            await host.App.StopAsync();
        }
    }

    [Fact]
    public async Task A_message_committed_after_the_start_is_published_without_waiting_for_the_delay()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite, "--Tandem:Outbox:StartDelaySeconds=3600");
        await host.App.StartAsync();
        try
        {
            var id = await CommitLeadsMessageAsync(host); // the clock never moves: only the commit can start the dispatcher
            await EventuallyProcessedAsync(host, id, "a message committed after start waited for the start delay");
        }
        finally
        {
            await host.App.StopAsync();
        }
    }
}
