using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Host.Messaging;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>
/// The group-commit writer's promises (docs/architecture.md, "Group commit"): many callers' writes share one transaction
/// and one durable commit; one bad write fails only its own caller; nobody is answered before the commit; a crash
/// between the commit and the answers loses nothing and duplicates nothing; a slow consumer holds back nobody else.
/// </summary>
public sealed class GroupCommitTests
{
    private static ModuleWriter Writer(TestHost host, string module) => host.Services.GetRequiredKeyedService<ModuleWriter>(module);

    /// <summary>Holds the module's writer busy until released, so that what is queued meanwhile forms one batch.</summary>
    internal static async Task<(TaskCompletionSource Release, Task Held)> HoldWriterAsync(TestHost host, string module)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scope = host.Scope();
        var db = TestHost.Context(scope, host.Database(module));
        var held = db.WriteAsync(async _ =>
        {
            entered.SetResult();
            await release.Task;
            return 0;
        }, CancellationToken.None).ContinueWith(async _ => await scope.DisposeAsync()).Unwrap();
        await entered.Task;
        return (release, held);
    }

    /// <summary>An inbox row already stored in <paramref name="leads"/>: saving its key again breaks the primary key.</summary>
    private static async Task<Guid> TakenAsync(TestHost host, ModuleDatabase leads)
    {
        var taken = Guid.CreateVersion7();
        await using var scope = host.Scope();
        var db = TestHost.Context(scope, leads);
        db.InboxMessages.Add(Inbox(taken, host));
        await db.SaveChangesAsync();
        return taken;
    }

    private static InboxMessage Inbox(Guid id, TestHost host) => new() { MessageId = id, Consumer = "GroupCommitTests", ProcessedAt = host.Clock.GetUtcNow().ToUnixTimeMilliseconds() };

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Twenty_callers_share_one_commit_and_the_one_breaking_a_key_fails_alone(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var leads = host.Database("Leads");
        var writer = Writer(host, "Leads");
        var taken = await TakenAsync(host, leads);

        using var counts = new PipelineCounts(host.Services.GetRequiredService<PipelineMetrics>());
        var (release, held) = await HoldWriterAsync(host, "Leads");
        var batchesBefore = writer.Batches;
        var scopes = Enumerable.Range(0, 20).Select(_ => host.Scope()).ToArray();
        var ids = Enumerable.Range(0, 20).Select(i => i == 7 ? taken : Guid.CreateVersion7()).ToArray();
        var saves = scopes.Select((scope, i) =>
        {
            var db = TestHost.Context(scope, leads);
            db.InboxMessages.Add(Inbox(ids[i], host));
            return db.SaveChangesAsync();
        }).ToArray();
        await Task.Delay(50); // nothing may be answered while the writer is held: nothing is committed yet
        Assert.All(saves, s => Assert.False(s.IsCompleted));

        release.SetResult();
        await held;
        for (var i = 0; i < saves.Length; i++)
        {
            if (i == 7) await Assert.ThrowsAsync<DbUpdateException>(() => saves[i]);
            else Assert.Equal(1, await saves[i]);
        }
        foreach (var scope in scopes) await scope.DisposeAsync();

        Assert.Equal(2, writer.Batches - batchesBefore); // the held one, then all twenty together
        // The meter says the same: two transactions, carrying the held piece and the 19 saves that committed.
        Assert.Equal(2, counts["tandem.db.group_commits", "Leads"]);
        Assert.Equal(20, counts["tandem.db.group_commit_writes", "Leads"]);
        Assert.Equal(0, counts["tandem.db.group_commits", "Prospects"]);
        await using var check = host.Scope();
        var stored = await TestHost.Context(check, leads).InboxMessages.AsNoTracking().Select(m => m.MessageId).ToListAsync();
        Assert.Equal(20, stored.Count); // the 19 good ones and the one that was there before
        Assert.Equal(ids.Order(), stored.Order());
    }

    /// <summary>
    /// The first piece of a group transaction runs without a savepoint (SQLite then journals none of its pages): when it
    /// fails, the whole transaction is rolled back — which undoes only that piece, even a piece that wrote a row before
    /// breaking a key — and the pieces after it commit in a new one. On SQLite the piece with the most rows goes first,
    /// so a heavy piece queued last that fails is undone the same way.
    /// </summary>
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_first_piece_of_a_group_runs_without_a_savepoint_and_fails_alone_with_everything_it_wrote(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var leads = host.Database("Leads");
        var writer = Writer(host, "Leads");
        var taken = await TakenAsync(host, leads);
        var scopes = new List<AsyncServiceScope>();
        Task<int> Save(params Guid[] ids)
        {
            var scope = host.Scope();
            scopes.Add(scope);
            var db = TestHost.Context(scope, leads);
            foreach (var id in ids) db.InboxMessages.Add(Inbox(id, host));
            return db.SaveChangesAsync();
        }

        // Queued first: a new row, then the taken key. Then two good pieces.
        var (release, held) = await HoldWriterAsync(host, "Leads");
        var batchesBefore = writer.Batches;
        var lostFirst = Guid.CreateVersion7();
        var good = new[] { Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7() };
        var first = Save(lostFirst, taken);
        var after = new[] { Save(good[0]), Save(good[1]) };
        release.SetResult();
        await held;
        await Assert.ThrowsAsync<DbUpdateException>(() => first);
        foreach (var save in after) Assert.Equal(1, await save);
        Assert.Equal(2, writer.Batches - batchesBefore); // the held one, then the three together

        // Queued last, heaviest (two rows, the second taken): on SQLite it runs first, on PostgreSQL behind its savepoint.
        (release, held) = await HoldWriterAsync(host, "Leads");
        var lostHeavy = Guid.CreateVersion7();
        var light = new[] { Save(good[2]), Save(good[3]) };
        var heavy = Save(lostHeavy, taken);
        release.SetResult();
        await held;
        await Assert.ThrowsAsync<DbUpdateException>(() => heavy);
        foreach (var save in light) Assert.Equal(1, await save);
        foreach (var scope in scopes) await scope.DisposeAsync();

        await using var check = host.Scope();
        var stored = await TestHost.Context(check, leads).InboxMessages.AsNoTracking().Select(m => m.MessageId).ToListAsync();
        Assert.Equal(good.Append(taken).Order(), stored.Order()); // neither failed piece left its first row behind
    }

    /// <summary>
    /// Work riding along (<see cref="ModuleWriter.RideAsync{T}"/>) waits for someone else's transaction, runs in it after
    /// their pieces behind its own savepoint, and fails alone: the caller it rode with commits, and so does the rider
    /// beside it.
    /// </summary>
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Work_riding_along_joins_the_next_commit_and_a_rider_that_fails_fails_alone(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider, "--Tandem:Database:GroupCommit:RideWithinMs=600000");
        var leads = host.Database("Leads");
        var writer = Writer(host, "Leads");
        await TakenAsync(host, leads); // the writer's connection is open and a first batch is behind us
        var batchesBefore = writer.Batches;

        // Riders queued while the writer is busy: when it is free again, nothing wakes it for them (a rider that did would
        // commit alone as soon as the held batch is answered, before the save below is even queued: three transactions).
        var (release, held) = await HoldWriterAsync(host, "Leads");
        var broken = writer.RideAsync<int>((_, _, _) => throw new InvalidOperationException("this rider breaks"));
        var counted = writer.RideAsync((connection, transaction, _) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT COUNT(*) FROM {Quoted(host, leads)}";
            return Convert.ToInt32(command.ExecuteScalar());
        });
        release.SetResult();
        await held;
        Assert.False(broken.IsCompleted || counted.IsCompleted); // riders alone wait for their ten minutes

        var id = Guid.CreateVersion7();
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            db.InboxMessages.Add(Inbox(id, host));
            Assert.Equal(1, await db.SaveChangesAsync());
        }
        Assert.Equal(2, writer.Batches - batchesBefore); // the held one, then the save and both riders in one transaction
        Assert.Equal("this rider breaks", (await Assert.ThrowsAsync<InvalidOperationException>(() => broken)).Message);
        Assert.Equal(2, await counted); // it ran after the save, in its transaction: the taken row and the new one

        // Nudged, a rider commits alone at once.
        var alone = writer.RideAsync((_, _, _) => 7);
        writer.Nudge();
        Assert.Equal(7, await alone.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, writer.Batches - batchesBefore);
    }

    private static string Quoted(TestHost host, ModuleDatabase database)
    {
        using var scope = host.Services.CreateScope();
        return ((ModuleDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType)).QuotedTable<InboxMessage>();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_crash_between_the_commit_and_the_answers_loses_nothing_and_the_redelivery_changes_nothing(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider, "--Tandem:Outbox:LeaseSeconds=30");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        await using (var scope = host.Scope())
        {
            var content = TestHost.Context(scope, host.Database("Content"));
            content.Publish(new FormSubmitted("submission-9", "form-9", null, null,
                new SubmittedContact("Luc.Bernard@Example.fr", null, "Luc", "Bernard", null, null, "33000", "consumer", new Dictionary<string, string>()),
                [], CallbackRequested: true, new UtmParameters(null, null, null), host.Clock.GetUtcNow()));
            await content.SaveChangesAsync();
        }

        // Leads commits the capture, then "dies" before answering: the dispatcher hears a failure and retries later.
        var leadsWriter = Writer(host, "Leads");
        leadsWriter.AfterCommit = () => throw new IOException("process killed after the commit");
        Assert.Equal(1, await dispatcher.DispatchDueAsync(host.Database("Content"), CancellationToken.None));
        leadsWriter.AfterCommit = null;
        await using (var scope = host.Scope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            Assert.Single((await sender.Send(new ListLeads("luc.bernard@example.fr", null, null, null))).Items); // durable
        }

        host.Clock.Advance(TimeSpan.FromSeconds(2)); // the retry's backoff
        Assert.Equal(1, await dispatcher.DispatchDueAsync(host.Database("Content"), CancellationToken.None));
        Assert.Equal(0, await dispatcher.DispatchDueAsync(host.Database("Content"), CancellationToken.None));
        Assert.True(await dispatcher.DispatchDueAsync(host.Database("Leads"), CancellationToken.None) > 0);
        Assert.True(await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None) > 0);
        Assert.Equal(0, await host.RunSchedulerAsync()); // the enrolment's first step, the call task, was run with it

        await using var query = host.Scope();
        var q = query.ServiceProvider.GetRequiredService<ISender>();
        var lead = Assert.Single((await q.Send(new ListLeads("luc.bernard@example.fr", null, null, null))).Items);
        Assert.Single(lead.Sources); // captured once, not twice
        Assert.Equal(60, lead.Score.Value);
        var prospect = Assert.Single((await q.Send(new ListProspects(null, null, lead.Id))).Items);
        Assert.Single((await q.Send(new ListTasks(null, null, prospect.Id))).Items);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_slow_consumer_holds_back_neither_the_answers_nor_the_other_consumers_and_then_catches_up(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        string formId;
        await using (var scope = host.Scope())
        {
            formId = (await scope.ServiceProvider.GetRequiredService<ISender>().Send(new CreateForm("Guide", null, null,
                [new FormFieldSpec("email", "E-mail", "email", true)], [], OffersCallback: true))).Id;
        }

        // Outreach's database is stuck (a slow disk, a long transaction): its writer is held.
        var (release, held) = await HoldWriterAsync(host, "Outreach");
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            await using var scope = host.Scope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new SubmitForm(formId,
                new Dictionary<string, string> { ["email"] = $"slow-{i}@example.fr", ["callback"] = "on" }, "127.0.0.1", null));
        }));
        Assert.All(answers, a => Assert.NotNull(a.LeadId)); // answered with the lead while Outreach is stuck

        Assert.True(await dispatcher.DispatchDueAsync(host.Database("Leads"), CancellationToken.None) >= 30);
        var toOutreach = dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None);
        await using (var scope = host.Scope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            Assert.Equal(30, (await sender.Send(new ListProspects(null, null, null))).Total); // Prospects went on
            Assert.Equal(0, (await sender.Send(new ListTasks(null, null, null))).Total);
        }
        Assert.False(toOutreach.IsCompleted);

        release.SetResult();
        await held;
        Assert.Equal(30, await toOutreach);
        Assert.Equal(0, await host.RunSchedulerAsync()); // the enrolments' first steps, the call tasks, were run with them
        await using var query = host.Scope();
        var q = query.ServiceProvider.GetRequiredService<ISender>();
        var tasks = await q.Send(new ListTasks(null, null, null, 1, 100));
        Assert.Equal(30, tasks.Total);
        Assert.Equal(30, tasks.Items.Select(t => t.ProspectId).Distinct().Count());
    }
}
