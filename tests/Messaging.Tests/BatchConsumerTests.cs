using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Host.Messaging;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>
/// Batch consumers (docs/architecture.md, "Batch consumers"): the messages of one type in one outbox claim are handed
/// together to the consumers that have a batch form, with the same effect as one by one; one bad message fails only
/// itself; a crash between the batch's commit and the marking changes nothing when the batch is delivered again.
/// </summary>
public sealed class BatchConsumerTests
{
    private static async Task<string> FormAsync(TestHost host)
    {
        await using var scope = host.Scope();
        return (await scope.ServiceProvider.GetRequiredService<ISender>().Send(new CreateForm("Guide", null, null,
            [new FormFieldSpec("email", "E-mail", "email", true)], [], OffersCallback: true))).Id;
    }

    private static async Task<List<string>> SubmitAsync(TestHost host, string formId, int count, string prefix)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await using var scope = host.Scope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new SubmitForm(formId,
                new Dictionary<string, string> { ["email"] = $"{prefix}-{i}@example.fr", ["callback"] = "on" }, "127.0.0.1", null));
        }));
        return answers.Select(a => a.LeadId!).ToList();
    }

    private static async Task<int> PendingAsync(TestHost host, string module)
    {
        await using var scope = host.Scope();
        return await TestHost.Context(scope, host.Database(module)).OutboxMessages.CountAsync(m => m.ProcessedAt == null);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Forty_mqls_are_qualified_enrolled_and_linked_in_batches_exactly_once(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var formId = await FormAsync(host);
        var leadIds = await SubmitAsync(host, formId, 40, "batch");
        Assert.Equal(40, leadIds.Distinct().Count());

        var before = dispatcher.BatchedMessages; // the inline captures may have been grouped too
        Assert.Equal(80, await dispatcher.DispatchDueAsync(host.Database("Leads"), CancellationToken.None)); // LeadCaptured + LeadQualified
        Assert.Equal(before + 80, dispatcher.BatchedMessages); // both types went in one batch each: stitching and qualifying
        Assert.Equal(40, await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None)); // ProspectQualified
        Assert.Equal(before + 120, dispatcher.BatchedMessages);
        Assert.Equal(0, dispatcher.BatchFallbacks);
        Assert.Equal(0, await PendingAsync(host, "Leads"));
        Assert.Equal(0, await PendingAsync(host, "Prospects"));
        Assert.Equal(0, await host.RunSchedulerAsync()); // each call task was made with its enrolment: nothing left due

        await using var query = host.Scope();
        var q = query.ServiceProvider.GetRequiredService<ISender>();
        var prospects = (await q.Send(new ListProspects(null, null, null, 1, 100))).Items;
        Assert.Equal(leadIds.Order(), prospects.Select(p => p.LeadId).Order()); // one prospect per lead
        var tasks = (await q.Send(new ListTasks(null, null, null, 1, 100))).Items;
        Assert.Equal(prospects.Select(p => p.Id).Order(), tasks.Select(t => t.ProspectId).Order()); // one call task each
        // The contact card each enrolment snapshot came from Leads, one card per person.
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"batch-{i}@example.fr").Order(), tasks.Select(t => t.Who!.Email).Order());
        var content = TestHost.Context(query, host.Database("Content"));
        var sql = provider == Provider.Postgres
            ? "SELECT \"LeadId\" AS \"Value\" FROM content.\"Submissions\""
            : "SELECT \"LeadId\" AS \"Value\" FROM \"Submissions\"";
        var linked = await content.Database.SqlQueryRaw<string>(sql).ToListAsync();
        Assert.Equal(leadIds.Order(), linked.Order()); // every submission linked to its lead
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Requests_arriving_during_a_capture_are_captured_together_each_answered_with_its_own_lead(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var formId = await FormAsync(host);
        await SubmitAsync(host, formId, 1, "known"); // someone already known: a second submission of theirs merges

        // Leads' database is slow: the first request's capture waits for its commit while the others arrive.
        var (release, held) = await GroupCommitTests.HoldWriterAsync(host, "Leads");
        var before = dispatcher.BatchedMessages;
        var repliedBefore = dispatcher.InlineRepliesTaken;
        var first = SubmitAsync(host, formId, 1, "first");
        var emails = Enumerable.Range(0, 30).Select(i => i == 29 ? "KNOWN-0@example.fr" : $"group-{i}@example.fr").ToList();
        var others = Task.WhenAll(emails.Select(async email =>
        {
            await using var scope = host.Scope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new SubmitForm(formId,
                new Dictionary<string, string> { ["email"] = email, ["callback"] = "on" }, "127.0.0.1", null));
        }));
        // Every request is queued behind the held capture (the first one too, if it had not been taken yet).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (dispatcher.InlineWaiting < emails.Count && DateTime.UtcNow < deadline) await Task.Yield();
        Assert.True(dispatcher.InlineWaiting >= emails.Count, $"{dispatcher.InlineWaiting} requests queued");
        Assert.False(first.IsCompleted); // nothing is answered before its capture is committed
        release.SetResult();
        await held;
        var firstLead = Assert.Single(await first);
        var answers = await others;
        Assert.True(dispatcher.BatchedMessages - before >= 2, "the requests that queued behind the first were captured together");
        Assert.All(answers, a => Assert.NotNull(a.LeadId));
        // Every request was answered with the lead its capture replied (no read back from Leads), and no reply is left over.
        Assert.Equal(31, dispatcher.InlineRepliesTaken - repliedBefore);
        Assert.Equal(0, host.Services.GetRequiredService<InlineReplies>().Count);

        await using var query = host.Scope();
        var q = query.ServiceProvider.GetRequiredService<ISender>();
        for (var i = 0; i < emails.Count; i++)
        {
            var lead = Assert.Single((await q.Send(new ListLeads(emails[i].ToLowerInvariant(), null, null, null))).Items);
            Assert.Equal(lead.Id, answers[i].LeadId); // each caller got its own person's lead
        }
        var known = Assert.Single((await q.Send(new ListLeads("known-0@example.fr", null, null, null))).Items);
        Assert.Equal(2, known.Sources.Count); // merged into the lead that existed, not a second lead
        Assert.NotEqual(firstLead, known.Id);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task One_bad_message_fails_alone_and_its_neighbours_are_enrolled(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var formId = await FormAsync(host);
        await SubmitAsync(host, formId, 10, "neighbour");
        Assert.Equal(20, await dispatcher.DispatchDueAsync(host.Database("Leads"), CancellationToken.None));
        var bad = new List<Guid>();
        await using (var scope = host.Scope())
        {
            // Prospects it does not know: their enrolment cannot read a contact card.
            var prospects = TestHost.Context(scope, host.Database("Prospects"));
            foreach (var id in new[] { "no-such-prospect", "no-such-prospect-either" })
                bad.Add(prospects.Publish(new ProspectQualified(id, "no-such-lead", "consumer", 80, null, ProspectStages.Consideration,
                    true, host.Clock.GetUtcNow(), host.Clock.GetUtcNow())));
            await prospects.SaveChangesAsync();
        }

        Assert.Equal(12, await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None));
        Assert.Equal(1, dispatcher.BatchFallbacks); // the batch failed, so each was handled alone
        Assert.Equal(0, await host.RunSchedulerAsync()); // the ten good ones are enrolled, their call tasks made with them

        async Task<List<OutboxMessage>> FailedAsync()
        {
            await using var scope = host.Scope();
            return await TestHost.Context(scope, host.Database("Prospects")).OutboxMessages.AsNoTracking().Where(m => m.ProcessedAt == null).ToListAsync();
        }
        var failed = await FailedAsync();
        Assert.Equal(bad.Order(), failed.Select(m => m.Id).Order()); // only the bad ones wait for their retry, with their reason
        Assert.All(failed, m => Assert.Equal(1, m.Attempts));
        Assert.All(failed, m => Assert.Contains("NotFound", m.LastError));

        // Retried together after their backoff: they fail again, and each counts its second attempt (a longer backoff).
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None));
        Assert.Equal(2, dispatcher.BatchFallbacks);
        Assert.All(await FailedAsync(), m => Assert.Equal(2, m.Attempts));

        await using var check = host.Scope();
        var tasks = await check.ServiceProvider.GetRequiredService<ISender>().Send(new ListTasks(null, null, null, 1, 100));
        Assert.Equal(10, tasks.Total);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_batch_enrols_only_prospects_neither_active_elsewhere_nor_once_in_the_automatic_sequence(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var formId = await FormAsync(host);
        await SubmitAsync(host, formId, 4, "again");
        Assert.Equal(8, await dispatcher.DispatchDueAsync(host.Database("Leads"), CancellationToken.None));
        Assert.Equal(4, await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None));

        List<(string ProspectId, string LeadId)> prospects;
        await using (var scope = host.Scope())
        {
            prospects = [.. (await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ListProspects(null, null, null, 1, 100))).Items
                .Select(p => (p.Id, p.LeadId)).Order()];
            var db = scope.ServiceProvider.GetRequiredService<OutreachDbContext>();
            Assert.Equal(4, await db.Enrollments.CountAsync(e => e.Status == EnrollmentStatuses.Active));
            // Two stay active in the built-in sequence; two are stopped in it.
            var stopped = prospects.Take(2).Select(p => p.ProspectId).ToList();
            await db.Enrollments.Where(e => stopped.Contains(e.ProspectId))
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EnrollmentStatuses.Stopped).SetProperty(e => e.StopReason, StopReasons.Manual));
        }

        async Task RequalifyAsync()
        {
            await using var scope = host.Scope();
            var db = TestHost.Context(scope, host.Database("Prospects"));
            foreach (var (prospectId, leadId) in prospects)
                db.Publish(new ProspectQualified(prospectId, leadId, "consumer", 80, null, ProspectStages.Consideration, true,
                    host.Clock.GetUtcNow(), host.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        async Task<List<(string ProspectId, string Status)>> EnrollmentsAsync()
        {
            await using var scope = host.Scope();
            return [.. (await scope.ServiceProvider.GetRequiredService<OutreachDbContext>().Enrollments.AsNoTracking()
                .Select(e => new { e.ProspectId, e.Status, e.SequenceId }).ToListAsync()).Select(e => (e.ProspectId, e.Status)).Order()];
        }

        // Qualified again while the built-in sequence is the automatic one: the active two are active somewhere, the
        // stopped two were in it once. Nobody is enrolled.
        var before = await EnrollmentsAsync();
        var batched = dispatcher.BatchedMessages;
        await RequalifyAsync();
        Assert.Equal(4, await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None));
        Assert.Equal(batched + 4, dispatcher.BatchedMessages); // in one batch
        Assert.Equal(before, await EnrollmentsAsync());

        // A newer automatic sequence: the stopped two were never in it and are enrolled; the active two still are not.
        await using (var scope = host.Scope())
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new DefineSequence("Relance",
                [new SequenceStepDefinition("call", 0, Instructions: "Rappeler")], AutoEnroll: true));
        await RequalifyAsync();
        Assert.Equal(4, await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None));
        var after = await EnrollmentsAsync();
        Assert.Equal(6, after.Count);
        Assert.All(prospects.Take(2), p => Assert.Equal(2, after.Count(e => e.ProspectId == p.ProspectId)));
        Assert.All(prospects, p => Assert.Equal(1, after.Count(e => e.ProspectId == p.ProspectId && e.Status == EnrollmentStatuses.Active)));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_crash_after_the_batch_commit_and_the_redelivery_change_nothing(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider, "--Tandem:Outbox:LeaseSeconds=30");
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var formId = await FormAsync(host);
        var leadIds = await SubmitAsync(host, formId, 12, "crash");

        // Prospects commits the batch, then "dies" before answering: every message of the batch is handled again alone,
        // and each finds its inbox row.
        var writer = host.Services.GetRequiredKeyedService<ModuleWriter>("Prospects");
        var crashed = 0;
        writer.AfterCommit = () => Interlocked.Exchange(ref crashed, 1) == 0 ? throw new IOException("process killed after the commit") : ValueTask.CompletedTask;
        Assert.Equal(24, await dispatcher.DispatchDueAsync(host.Database("Leads"), CancellationToken.None));
        writer.AfterCommit = null;
        Assert.Equal(1, dispatcher.BatchFallbacks);

        // The whole batch delivered again (a lease that expired before the marking): nothing changes either.
        await using (var scope = host.Scope())
        {
            var leads = TestHost.Context(scope, host.Database("Leads"));
            await leads.OutboxMessages.ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, (long?)null).SetProperty(m => m.LockedUntil, (long?)null)
                .SetProperty(m => m.LockedBy, (string?)null).SetProperty(m => m.NextAttemptAt, 0L));
        }
        var batched = dispatcher.BatchedMessages;
        Assert.Equal(24, await dispatcher.DispatchDueAsync(host.Database("Leads"), CancellationToken.None));
        Assert.Equal(batched + 24, dispatcher.BatchedMessages);
        Assert.Equal(12, await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None));
        Assert.Equal(0, await host.RunSchedulerAsync()); // the call tasks were made with the enrolments

        await using var query = host.Scope();
        var q = query.ServiceProvider.GetRequiredService<ISender>();
        var prospects = (await q.Send(new ListProspects(null, null, null, 1, 100))).Items;
        Assert.Equal(leadIds.Order(), prospects.Select(p => p.LeadId).Order());
        Assert.Equal(12, (await q.Send(new ListTasks(null, null, null, 1, 100))).Total);
        Assert.Equal(0, await PendingAsync(host, "Prospects"));
    }
}
