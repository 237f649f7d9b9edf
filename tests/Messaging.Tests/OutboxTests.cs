using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Host.Messaging;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

public sealed class OutboxTests
{
    private static long Now(TestHost host) => host.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task<Guid> AddRowAsync(TestHost host, ModuleDatabase database, string type, string payload)
    {
        await using var scope = host.Scope();
        var db = TestHost.Context(scope, database);
        var id = Guid.CreateVersion7();
        db.OutboxMessages.Add(new OutboxMessage { Id = id, Type = type, Payload = payload, OccurredAt = Now(host), NextAttemptAt = Now(host) });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>A message committed reserved for inline dispatch, as a request publishes it.</summary>
    private static async Task<Guid> PublishInlineAsync<TNotification>(TestHost host, ModuleDatabase database, TNotification notification)
        where TNotification : INotification
    {
        await using var scope = host.Scope();
        var db = TestHost.Context(scope, database);
        var id = db.PublishInline(notification);
        await db.SaveChangesAsync();
        return id;
    }

    private static async Task<OutboxMessage> ReadAsync(TestHost host, ModuleDatabase database, Guid id)
    {
        await using var scope = host.Scope();
        return await TestHost.Context(scope, database).OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    /// <summary>A capture no module acts on (its source is not a form): consumed without effects.</summary>
    private static LeadCaptured NoOpCapture() => new("lead-1", "created", "consumer", new LeadSource("api"), DateTimeOffset.UnixEpoch);

    private static string NoOpLeadCaptured() => JsonSerializer.Serialize(NoOpCapture(), ModuleDbContext.PayloadJson);

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_message_that_fails_is_kept_and_retried_with_growing_backoff_until_it_succeeds(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var leads = host.Database("Leads");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        // A type no contract declares (say, a message written by a newer version) fails on every attempt.
        var id = await AddRowAsync(host, leads, "Tandem.Modules.Leads.Contracts.LeadRenamed", "{}");

        var attempt = 0;
        foreach (var backoffSeconds in new[] { 1, 2, 4, 8, 16 })
        {
            attempt++;
            var failedAt = Now(host);
            Assert.Equal(1, await dispatcher.DispatchDueAsync(leads, CancellationToken.None));
            Assert.Equal(0, await dispatcher.DispatchDueAsync(leads, CancellationToken.None)); // not due again yet
            var row = await ReadAsync(host, leads, id);
            Assert.Null(row.ProcessedAt);
            Assert.Equal(attempt, row.Attempts);
            Assert.Equal(failedAt + backoffSeconds * 1000L, row.NextAttemptAt);
            Assert.Contains("Unknown notification type", row.LastError);
            Assert.Null(row.LockedBy);
            host.Clock.Advance(TimeSpan.FromSeconds(backoffSeconds));
        }

        // Once the message can be handled (here: repaired by hand), the next attempt delivers it.
        await using (var scope = host.Scope())
        {
            await TestHost.Context(scope, leads).OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Type, typeof(LeadCaptured).FullName!)
                .SetProperty(m => m.Payload, NoOpLeadCaptured()));
        }
        Assert.Equal(1, await dispatcher.DispatchDueAsync(leads, CancellationToken.None));
        var done = await ReadAsync(host, leads, id);
        Assert.Equal(Now(host), done.ProcessedAt);
        Assert.Equal(5, done.Attempts);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Notifications_delivered_twice_along_the_whole_path_have_their_effect_once(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        await using (var scope = host.Scope())
        {
            var content = TestHost.Context(scope, host.Database("Content"));
            content.Publish(new FormSubmitted("submission-1", "form-1", null, null,
                new SubmittedContact("Anne.Martin@Example.fr", "06 11 22 33 44", "Anne", "Martin", null, null, "69003", "consumer", new Dictionary<string, string>()),
                [], CallbackRequested: true, new UtmParameters(null, null, null), host.Clock.GetUtcNow()));
            await content.SaveChangesAsync();
        }

        // Each hop is dispatched, then "un-marked" as if the host had died after the effect but before recording it,
        // and dispatched again: the consumers' inboxes must absorb the second delivery.
        foreach (var module in new[] { "Content", "Leads", "Prospects" })
        {
            var database = host.Database(module);
            Assert.True(await dispatcher.DispatchDueAsync(database, CancellationToken.None) > 0, $"{module} announced nothing");
            await using (var scope = host.Scope())
            {
                var reset = await TestHost.Context(scope, database).OutboxMessages.ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.ProcessedAt, (long?)null));
                Assert.True(reset > 0);
            }
            Assert.True(await dispatcher.DispatchDueAsync(database, CancellationToken.None) > 0);
        }
        Assert.Equal(0, await host.RunSchedulerAsync()); // one enrolment despite two deliveries, its call task made with it

        await using var query = host.Scope();
        var sender = query.ServiceProvider.GetRequiredService<ISender>();
        var leads = await sender.Send(new ListLeads("anne.martin@example.fr", null, null, null));
        var lead = Assert.Single(leads.Items);
        Assert.Equal("mql", lead.Status);
        Assert.Single(lead.Sources);
        Assert.Equal(60, lead.Score.Value);
        var prospect = Assert.Single((await sender.Send(new ListProspects(null, null, lead.Id))).Items);
        var task = Assert.Single((await sender.Send(new ListTasks(null, null, prospect.Id))).Items);
        Assert.Equal("call", task.Kind);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Two_dispatchers_claiming_at_once_never_take_the_same_message(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var leads = host.Database("Leads");
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            for (var i = 0; i < 300; i++)
                db.OutboxMessages.Add(new OutboxMessage
                {
                    Id = Guid.CreateVersion7(), Type = typeof(LeadCaptured).FullName!, Payload = NoOpLeadCaptured(), OccurredAt = Now(host) + i, NextAttemptAt = Now(host),
                });
            await db.SaveChangesAsync();
        }
        var first = host.Services.GetRequiredService<OutboxDispatcher>();
        var second = ActivatorUtilities.CreateInstance<OutboxDispatcher>(host.Services);
        Assert.NotEqual(first.InstanceId, second.InstanceId);

        async Task<List<Guid>> ClaimAllAsync(OutboxDispatcher dispatcher)
        {
            var ids = new List<Guid>();
            while (true)
            {
                await using var scope = host.Scope();
                var batch = await dispatcher.ClaimAsync(TestHost.Context(scope, leads), 50, CancellationToken.None);
                if (batch.Count == 0) return ids;
                ids.AddRange(batch.Select(m => m.Id));
            }
        }
        var results = await Task.WhenAll(Task.Run(() => ClaimAllAsync(first)), Task.Run(() => ClaimAllAsync(second)));

        Assert.Empty(results[0].Intersect(results[1]));
        Assert.Equal(300, results[0].Concat(results[1]).Distinct().Count());
        Assert.Equal(300, results[0].Count + results[1].Count);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_claim_left_by_a_dead_host_is_taken_over_only_after_its_lease_expires(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider, "--Tandem:Outbox:LeaseSeconds=30");
        var leads = host.Database("Leads");
        var id = await AddRowAsync(host, leads, typeof(LeadCaptured).FullName!, NoOpLeadCaptured());
        var dead = host.Services.GetRequiredService<OutboxDispatcher>();
        var survivor = ActivatorUtilities.CreateInstance<OutboxDispatcher>(host.Services);

        await using (var scope = host.Scope())
            Assert.Single(await dead.ClaimAsync(TestHost.Context(scope, leads), 50, CancellationToken.None));
        host.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await survivor.DispatchDueAsync(leads, CancellationToken.None));
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await survivor.DispatchDueAsync(leads, CancellationToken.None));
        Assert.NotNull((await ReadAsync(host, leads, id)).ProcessedAt);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_message_reserved_for_inline_dispatch_is_left_to_its_caller_until_the_reservation_expires(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider, "--Tandem:Outbox:LeaseSeconds=30");
        var leads = host.Database("Leads");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        Guid reserved, crashed;
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            reserved = db.PublishInline(NoOpCapture());
            crashed = db.PublishInline(new LeadCaptured("lead-2", "created", "consumer", new LeadSource("api"), DateTimeOffset.UnixEpoch));
            await db.SaveChangesAsync();
        }
        Assert.Equal(0, await dispatcher.DispatchDueAsync(leads, CancellationToken.None));
        Assert.True(await dispatcher.TryDispatchNowAsync("Leads", reserved, CancellationToken.None));
        Assert.False(await dispatcher.TryDispatchNowAsync("Leads", reserved, CancellationToken.None)); // already done

        // The caller of the second one "crashed" before dispatching it: the background dispatcher delivers it later.
        host.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await dispatcher.DispatchDueAsync(leads, CancellationToken.None));
        Assert.NotNull((await ReadAsync(host, leads, crashed)).ProcessedAt);
    }

    /// <summary>
    /// Marks ride along (docs/architecture.md): a message handled inline is marked processed inside the module's next group
    /// commit, not in a transaction of its own; a caller that waits for its marks (<c>DispatchDueAsync</c>) has them
    /// committed at once; and with nothing else to ride in, a mark commits on its own after <c>RideWithinMs</c>.
    /// </summary>
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_processed_mark_rides_in_the_modules_next_commit_instead_of_forcing_one_of_its_own(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider, "--Tandem:Database:GroupCommit:RideWithinMs=600000");
        var leads = host.Database("Leads");
        var writer = host.Services.GetRequiredKeyedService<ModuleWriter>("Leads");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var captured = NoOpCapture();
        var id = await PublishInlineAsync(host, leads, captured);

        // The mark is queued while the Leads writer is busy: when it is free again, nothing wakes it for the mark (a mark
        // that did would commit alone as soon as the held batch is answered, before the write below is even queued).
        var batches = writer.Batches;
        var (release, held) = await GroupCommitTests.HoldWriterAsync(host, "Leads");
        Assert.True((await dispatcher.DispatchInlineAsync("Leads", id, captured, CancellationToken.None)).Handled);
        release.SetResult();
        await held;
        Assert.Equal(batches + 1, writer.Batches); // the held one only: the ride waits ten minutes
        Assert.Null((await ReadAsync(host, leads, id)).ProcessedAt);

        // Someone else's write to Leads: the mark is committed with it, in the same transaction.
        var other = await AddRowAsync(host, leads, "Tandem.Modules.Leads.Contracts.LeadRenamed", "{}");
        Assert.Equal(batches + 2, writer.Batches);
        Assert.NotNull((await ReadAsync(host, leads, id)).ProcessedAt);

        // A caller that waits for its marks has them committed now: of the two claimed, the one of a known type is marked.
        var good = await AddRowAsync(host, leads, typeof(LeadCaptured).FullName!, NoOpLeadCaptured());
        Assert.Equal(2, await dispatcher.DispatchDueAsync(leads, CancellationToken.None));
        Assert.NotNull((await ReadAsync(host, leads, good)).ProcessedAt);
        Assert.Null((await ReadAsync(host, leads, other)).ProcessedAt); // an unknown type fails and is retried later

        // With nothing to ride in, a mark commits on its own once RideWithinMs has passed (real time: 50 ms here).
        await using var quick = await TestHost.StartAsync(provider, "--Tandem:Database:GroupCommit:RideWithinMs=50");
        var quickLeads = quick.Database("Leads");
        id = await PublishInlineAsync(quick, quickLeads, captured);
        var quickDispatcher = quick.Services.GetRequiredService<OutboxDispatcher>();
        Assert.True((await quickDispatcher.DispatchInlineAsync("Leads", id, captured, CancellationToken.None)).Handled);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await ReadAsync(quick, quickLeads, id)).ProcessedAt is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the lone mark was never committed");
            await Task.Delay(20);
        }
    }

    /// <summary>Polls <paramref name="done"/> until true, failing with <paramref name="what"/> after ten seconds; <paramref name="between"/> runs between polls.</summary>
    private static async Task UntilAsync(Func<Task<bool>> done, string what, Action? between = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(20);
            between?.Invoke();
        }
    }

    /// <summary>
    /// While a module's dispatcher runs, a message its context commits is reserved for it with a lease and handed over from
    /// memory after the commit: published and marked without any claim. A message committed inside the caller's own
    /// transaction (which could still roll back) is announced instead and claimed from the table, as before.
    /// </summary>
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_message_committed_while_the_dispatcher_runs_is_relayed_from_memory_without_a_claim(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var leads = host.Database("Leads");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        using var counts = new PipelineCounts(host.Services.GetRequiredService<PipelineMetrics>());
        var captured = NoOpCapture();
        Assert.Null(dispatcher.RelayOwner("Leads")); // not running: a commit announces, the dispatcher would claim

        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(() => Task.FromResult(dispatcher.RelayOwner("Leads") is not null), "the Leads loop never started");
            Guid relayed;
            await using (var scope = host.Scope())
            {
                var db = TestHost.Context(scope, leads);
                relayed = db.Publish(captured);
                await db.SaveChangesAsync();
            }
            await UntilAsync(async () => (await ReadAsync(host, leads, relayed)).ProcessedAt is not null, "the relayed message was never processed");
            Assert.Equal(1, dispatcher.RelayedMessages);
            Assert.Equal(0, dispatcher.ClaimedMessages);

            Guid claimed;
            await using (var scope = host.Scope())
            {
                var db = TestHost.Context(scope, leads);
                await using var transaction = await db.Database.BeginTransactionAsync();
                claimed = db.Publish(captured);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }
            // Announced at the save, before the commit: on PostgreSQL that claim may find nothing yet, and the next poll
            // (Tandem:Outbox:PollIntervalMs, on the fake clock here) takes it.
            await UntilAsync(async () => (await ReadAsync(host, leads, claimed)).ProcessedAt is not null, "the announced message was never processed",
                () => host.Clock.Advance(TimeSpan.FromSeconds(1)));
            Assert.Equal(1, dispatcher.RelayedMessages);
            Assert.Equal(1, dispatcher.ClaimedMessages);
            // The same, as the Tandem.Pipeline meter tells it (this host's meter only: other tests run beside this one).
            Assert.Equal(1, counts["tandem.outbox.relayed", "Leads"]);
            Assert.Equal(1, counts["tandem.outbox.claimed", "Leads"]);
            Assert.Equal(2, counts["tandem.outbox.published_messages", "Leads"]);
            Assert.Equal(2, counts["tandem.outbox.published_groups", "Leads"]);
            Assert.Equal(0, counts["tandem.outbox.claimed", "Content"]);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
        Assert.Null(dispatcher.RelayOwner("Leads"));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Processed_messages_are_purged_after_the_retention_but_pending_ones_never(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider, "--Tandem:Outbox:RetentionDays=7");
        var leads = host.Database("Leads");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var processed = await AddRowAsync(host, leads, typeof(LeadCaptured).FullName!, NoOpLeadCaptured());
        var stuck = await AddRowAsync(host, leads, "Tandem.Modules.Leads.Contracts.LeadRenamed", "{}");
        Assert.Equal(2, await dispatcher.DispatchDueAsync(leads, CancellationToken.None));
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            db.InboxMessages.Add(new InboxMessage { MessageId = processed, Consumer = "Test", ProcessedAt = Now(host) });
            await db.SaveChangesAsync();
        }

        host.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, await dispatcher.PurgeAsync(leads, CancellationToken.None));
        host.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await dispatcher.PurgeAsync(leads, CancellationToken.None));

        await using var check = host.Scope();
        var remaining = await TestHost.Context(check, leads).OutboxMessages.AsNoTracking().Select(m => m.Id).ToListAsync();
        Assert.Equal([stuck], remaining);
        Assert.Empty(await TestHost.Context(check, leads).InboxMessages.AsNoTracking().ToListAsync());
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_purge_deletes_the_oldest_first_a_few_rows_per_write_until_only_the_retained_ones_are_left(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider, "--Tandem:Outbox:RetentionDays=7", "--Tandem:Outbox:PurgeBatch=2");
        var leads = host.Database("Leads");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var start = Now(host);
        // Processed at minutes 0, 1, 1, 2, 3 (two at the same time, on either side of the first write's cut), then at
        // minute 10, which the purge keeps; one outbox row never processed.
        long[] minutes = [0, 1, 1, 2, 3, 10];
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            foreach (var (minute, i) in minutes.Select((m, i) => (m, i)))
            {
                var at = start + minute * 60_000;
                db.InboxMessages.Add(new InboxMessage { MessageId = Guid.CreateVersion7(), Consumer = $"Test{i}", ProcessedAt = at });
                db.OutboxMessages.Add(new OutboxMessage { Id = Guid.CreateVersion7(), Type = "T", Payload = "{}", OccurredAt = at, NextAttemptAt = at, ProcessedAt = at });
            }
            db.OutboxMessages.Add(new OutboxMessage { Id = Guid.CreateVersion7(), Type = "T", Payload = "{}", OccurredAt = start, NextAttemptAt = start + 86_400_000L * 30 });
            await db.SaveChangesAsync();
        }
        using var counts = new PipelineCounts(host.Services.GetRequiredService<PipelineMetrics>());

        host.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(5));
        Assert.Equal(10, await dispatcher.PurgeAsync(leads, CancellationToken.None));
        // Three writes: up to the 2nd oldest (minutes 0, 1, 1), up to the 4th (2, 3), then the last, finding none.
        Assert.Equal(3, counts["tandem.db.group_commit_writes", "Leads"]);

        await using var check = host.Scope();
        var db2 = TestHost.Context(check, leads);
        var inbox = await db2.InboxMessages.AsNoTracking().Select(m => m.ProcessedAt).ToListAsync();
        Assert.Equal([start + 10 * 60_000], inbox);
        var outbox = await db2.OutboxMessages.AsNoTracking().Select(m => m.ProcessedAt).ToListAsync();
        Assert.Equal([null, start + 10 * 60_000], outbox.Order());
    }
}

/// <summary>What one host's <c>Tandem.Pipeline</c> meter counted, per instrument and module.</summary>
internal sealed class PipelineCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Module), long> _totals = new();

    public PipelineCounts(PipelineMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var module = "";
            foreach (var tag in tags) if (tag.Key == "module") module = (string)tag.Value!;
            _totals.AddOrUpdate((instrument.Name, module), value, (_, total) => total + value);
        });
        _listener.Start();
    }

    public long this[string instrument, string module] => _totals.GetValueOrDefault((instrument, module));

    public void Dispose() => _listener.Dispose();
}
