using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// The scheduler under a real fault: the host is SIGKILLed while it holds claimed steps that it has not run yet, and
/// started again on the same data. Every step must run, and no email may be recorded twice.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class SchedulerCrashTests(ITestOutputHelper output)
{
    private const int Prospects = 120;

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Sigkill_between_claim_and_execution_neither_loses_nor_duplicates_a_step(Provider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // Claimed steps wait 1.5 s before running (fault injection), so that a kill finds some claimed and not run; short leases.
        string[] settings = ["--Tandem:Outreach:Scheduler:PauseAfterClaimMs=1500", "--Tandem:Outreach:Scheduler:LeaseSeconds=3",
            "--Tandem:Outreach:Scheduler:BatchSize=20", "--Tandem:Outreach:Scheduler:PollIntervalMs=100", "--Tandem:Outbox:LeaseSeconds=3"];
        var host = await HostProcess.StartAsync(store, output, settings);
        try
        {
            // New prospects are enrolled automatically in a one-email sequence.
            await TandemApi.PostCreatedAsync(host.Http, "/api/outreach/sequences", new
            {
                name = "Un email", autoEnroll = true,
                steps = new[] { new { kind = "email", waitDays = 0, subject = "Bonjour {{ firstName }}", body = "Une étude pour {{ company }} ?" } },
            });
            var run = Guid.NewGuid().ToString("N")[..6];
            await Parallel.ForEachAsync(Enumerable.Range(0, Prospects), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                var lead = await TandemApi.PostCreatedAsync(host.Http, "/api/leads", new
                {
                    email = $"crash-{run}-{i:D3}@exemple-pme.fr", firstName = "P" + i, company = "PME " + i, kind = "professional", source = new { channel = "outbound" },
                });
                await TandemApi.PostCreatedAsync(host.Http, "/api/prospects", new { leadId = lead });
            });

            var steps = store.Table("Outreach", "Steps");
            var claimedNotRun = $"SELECT COUNT(*) FROM {steps} WHERE \"Status\" = 'due' AND \"LockedBy\" IS NOT NULL";
            var done = $"SELECT COUNT(*) FROM {steps} WHERE \"Status\" = 'done'";
            // Kill as soon as a batch is claimed and not run, once some steps have run already.
            var watch = Stopwatch.StartNew();
            long atKill = 0;
            while (watch.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (await store.ScalarAsync("Outreach", done) > 0 && (atKill = await store.ScalarAsync("Outreach", claimedNotRun)) > 0) break;
                await Task.Delay(20);
            }
            Assert.True(atKill > 0, "never saw a claimed step that had not run");
            await host.KillAsync();
            var doneAtKill = await store.ScalarAsync("Outreach", done);
            output.WriteLine($"killed with {atKill} steps claimed and not run, {doneAtKill} done");
            host = await host.RestartAsync();

            await Eventually.ValueAsync(() => store.ScalarAsync("Outreach", done), n => n == Prospects, TimeSpan.FromSeconds(180),
                n => $"{n} of {Prospects} steps done");
            var recorded = store.Table("Outreach", "RecordedMessages");
            Assert.Equal(Prospects, await store.ScalarAsync("Outreach", $"SELECT COUNT(*) FROM {recorded}"));
            Assert.Equal(Prospects, await store.ScalarAsync("Outreach", $"SELECT COUNT(DISTINCT \"Recipient\") FROM {recorded}"));
            var activities = store.Table("Outreach", "Activities");
            Assert.Equal(Prospects, await store.ScalarAsync("Outreach", $"SELECT COUNT(*) FROM {activities} WHERE \"Kind\" = 'sent'"));
            Assert.Equal(Prospects, await store.ScalarAsync("Outreach", $"SELECT COUNT(DISTINCT \"StepId\") FROM {activities} WHERE \"Kind\" = 'sent'"));
            Assert.Equal(0, await store.ScalarAsync("Outreach", $"SELECT COUNT(*) FROM {steps} WHERE \"Status\" <> 'done'"));
            var absorbed = await store.ScalarAsync("Outreach", $"SELECT COALESCE(SUM(\"Requests\"), 0) - COUNT(*) FROM {recorded}");
            output.WriteLine($"repeated send requests absorbed by the idempotency key: {absorbed}");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
