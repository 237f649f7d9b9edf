using System.Diagnostics;
using System.Net;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// Scale-out (DESIGN "Running it"): several hosts on one PostgreSQL database. Both serve requests and both run their
/// outbox dispatchers against the same tables; claims (FOR UPDATE SKIP LOCKED + leases) and inboxes must make every
/// announcement take effect exactly once, whichever host published or handled it.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class MultiHostTests(ITestOutputHelper output)
{
    private const int Submissions = 300;

    [SkippableFact]
    public async Task Two_hosts_on_one_postgres_database_turn_each_submission_into_exactly_one_lead_prospect_and_call_task()
    {
        var clock = Stopwatch.StartNew();
        await using var store = await TestStore.CreateAsync(Provider.Postgres);
        string[] settings = ["--Tandem:Outbox:PollIntervalMs=100"];
        await using var first = await HostProcess.StartAsync(store, output, settings);
        await using var second = await HostProcess.StartAsync(store, output, settings);
        var content = await TandemApi.SeedContentAsync(first.Http);
        var run = Guid.NewGuid().ToString("N")[..6];
        var emails = Enumerable.Range(0, Submissions).Select(i => $"multi-{run}-{i:D3}@exemple-solaire.fr").ToArray();

        await Parallel.ForEachAsync(Enumerable.Range(0, Submissions), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var host = i % 2 == 0 ? first : second;
            using var response = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = emails[i], callback = true });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });
        var outboxes = await Eventually.OutboxesDrainedAsync(store, TimeSpan.FromMinutes(3));
        Assert.All(outboxes, o => Assert.Empty(o.Failures));

        var leads = await TandemApi.AllLeadsAsync(second.Http);
        var ours = leads.Where(l => l.Str("email").StartsWith($"multi-{run}-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Submissions, ours.Count);
        Assert.Equal(Submissions, ours.Select(l => l.Str("email")).Distinct().Count());
        var prospects = await TandemApi.AllProspectsAsync(first.Http);
        var leadIds = ours.Select(l => l.Str("id")).ToHashSet();
        var ourProspects = prospects.Where(p => leadIds.Contains(p.Str("leadId"))).ToList();
        Assert.Equal(Submissions, ourProspects.Count);
        Assert.Equal(Submissions, ourProspects.Select(p => p.Str("leadId")).Distinct().Count());
        var tasks = 0;
        await Parallel.ForEachAsync(ourProspects, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (p, _) =>
        {
            var list = await TandemApi.TasksOfProspectAsync(second.Http, p.Str("id"));
            Assert.Single(list);
            Interlocked.Increment(ref tasks);
        });
        Assert.Equal(Submissions, tasks);
        first.AssertNoErrorsLogged();
        second.AssertNoErrorsLogged();
        output.WriteLine($"{Submissions} submissions over two hosts → {ours.Count} leads, {ourProspects.Count} prospects, {tasks} call tasks in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
