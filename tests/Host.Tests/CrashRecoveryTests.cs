using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>Tests that kill the host run alone: they load the machine, and their timings are reported.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashCollection
{
    public const string Name = "Crash recovery (runs alone)";
}

/// <summary>
/// DESIGN rule 4 under a real fault: "a crash at any point loses nothing and sends nothing twice". The real host is
/// SIGKILLed (no shutdown code runs) in the middle of a burst of form submissions, with requests in flight, and
/// started again on the same data.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Submissions = 3000;
    private const int Concurrency = 32;
    private const int KillAfterAnswers = 1200;
    private static readonly TimeSpan QuiescenceTimeout = TimeSpan.FromMinutes(4);

    private enum Result { NotSent, Answered, Refused, NoAnswer }

    private sealed class Attempt
    {
        public required string Email { get; init; }
        public Result Result { get; set; }
        public HttpStatusCode? Status { get; set; }
        public string? SubmissionId { get; set; }
        public string? LeadId { get; set; }
        public string? Error { get; set; }
        public bool SentToFirstHost { get; set; }
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Sigkill_in_the_middle_of_three_thousand_submissions_32_at_a_time_loses_no_answered_one_and_duplicates_nothing(Provider provider)
    {
        var total = Stopwatch.StartNew();
        await using var store = await TestStore.CreateAsync(provider);
        // Short leases so that messages reserved or claimed by the killed process are taken over quickly.
        string[] settings = ["--Tandem:Outbox:LeaseSeconds=3", "--Tandem:Outbox:PollIntervalMs=200",
            "--Tandem:Outreach:Scheduler:LeaseSeconds=3", "--Tandem:Outreach:Scheduler:PollIntervalMs=200"];
        HostProcess host = await HostProcess.StartAsync(store, output, settings);
        var firstHost = host;
        HostProcess? secondHost = null;
        try
        {
            var content = await TandemApi.SeedContentAsync(host.Http);
            var run = Guid.NewGuid().ToString("N")[..6];
            var attempts = Enumerable.Range(0, Submissions)
                .Select(i => new Attempt { Email = $"crash-{run}-{i:D4}@exemple-solaire.fr" }).ToArray();

            // Workers take the next submission, wait for a live host, and post it once (never retried: an unanswered
            // submission must either exist once or not at all). The worker that sees answer #1200 kills the host.
            var target = Task.FromResult(host.BaseAddress);
            var states = new int[Submissions]; // 0 waiting, 1 in flight, 2 done
            var answered = 0;
            var inFlightAtKill = -1;
            var inFlight = new List<int>();
            IReadOnlyList<OutboxState> atKill = [];
            TimeSpan killedAt = default, restartTook = default;
            var restarted = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
            var burst = Stopwatch.StartNew();

            await Parallel.ForEachAsync(Enumerable.Range(0, Submissions), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
            {
                var attempt = attempts[i];
                var hostTask = Volatile.Read(ref target);
                attempt.SentToFirstHost = hostTask != restarted.Task;
                var baseAddress = await hostTask;
                Volatile.Write(ref states[i], 1);
                try
                {
                    using var response = await client.PostAsJsonAsync(new Uri(baseAddress, $"/f/{content.FormId}"), new { email = attempt.Email, callback = true });
                    var body = await TandemApi.ReadJsonAsync(response);
                    attempt.Status = response.StatusCode;
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        attempt.Result = Result.Answered;
                        attempt.SubmissionId = body!.Str("submissionId");
                        attempt.LeadId = body!["leadId"]?.GetValue<string>();
                    }
                    else
                    {
                        attempt.Result = Result.Refused;
                        attempt.Error = body?.ToJsonString();
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                {
                    attempt.Result = Result.NoAnswer;
                    attempt.Error = ex.GetType().Name + ": " + ex.Message;
                }
                Volatile.Write(ref states[i], 2);

                if (attempt.Result == Result.Answered && Interlocked.Increment(ref answered) == KillAfterAnswers)
                {
                    // From now on workers wait for the restarted host; the requests already sent are in flight.
                    Volatile.Write(ref target, restarted.Task);
                    for (var j = 0; j < states.Length; j++) if (Volatile.Read(ref states[j]) == 1) inFlight.Add(j);
                    inFlightAtKill = inFlight.Count;
                    killedAt = burst.Elapsed;
                    try
                    {
                        await firstHost.KillAsync();
                        atKill = await store.OutboxesAsync();
                        var restart = Stopwatch.StartNew();
                        secondHost = await firstHost.RestartAsync();
                        restartTook = restart.Elapsed;
                        restarted.SetResult(secondHost.BaseAddress);
                    }
                    catch (Exception ex)
                    {
                        restarted.SetException(ex);
                        throw;
                    }
                }
            });
            var burstTook = burst.Elapsed;
            Assert.True(secondHost is not null, $"the host was never killed: only {answered} submissions were answered");
            host = secondHost!;

            // Quiescent: every module's outbox published, none failing. Only then are counts final.
            var quiet = Stopwatch.StartNew();
            var outboxes = await Eventually.OutboxesDrainedAsync(store, QuiescenceTimeout);
            Assert.All(outboxes, o => Assert.Empty(o.Failures));
            // The call tasks come from Outreach's step scheduler after the enrolments (the steps the killed host had
            // claimed wait for their lease): quiescent also means a task for every prospect, or the deadline.
            var prospectCount = (await TandemApi.GetJsonAsync(host.Http, "/api/prospects?pageSize=1"))["total"]!.GetValue<int>();
            await Eventually.ValueAsync(async () => (await TandemApi.GetJsonAsync(host.Http, "/api/outreach/tasks?pageSize=1"))["total"]!.GetValue<int>(),
                n => n >= prospectCount, QuiescenceTimeout, n => $"{n} call tasks for {prospectCount} prospects");
            var quiescenceTook = quiet.Elapsed;

            var verify = Stopwatch.StartNew();
            var leads = await TandemApi.AllLeadsAsync(host.Http);
            var prospects = await TandemApi.AllProspectsAsync(host.Http);
            var tasksByProspect = new Dictionary<string, JsonArray>();
            await Parallel.ForEachAsync(prospects, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (p, _) =>
            {
                var tasks = await TandemApi.TasksOfProspectAsync(host.Http, p!.Str("id"));
                lock (tasksByProspect) tasksByProspect[p.Str("id")] = tasks;
            });

            var ok = attempts.Where(a => a.Result == Result.Answered).ToList();
            var unanswered = attempts.Where(a => a.Result == Result.NoAnswer).ToList();
            var refused = attempts.Where(a => a.Result == Result.Refused).ToList();
            var leadsByEmail = leads.GroupBy(l => l.Str("email")).ToDictionary(g => g.Key, g => g.ToList());
            var prospectsByLead = prospects.GroupBy(p => p.Str("leadId")).ToDictionary(g => g.Key, g => g.ToList());
            var recovered = unanswered.Count(a => leadsByEmail.ContainsKey(a.Email));

            output.WriteLine($"[{provider}] {Submissions} submissions, concurrency {Concurrency}: killed (SIGKILL) after {KillAfterAnswers} answers at " +
                $"{killedAt.TotalSeconds:0.0} s with {inFlightAtKill} request(s) in flight; restart took {restartTook.TotalSeconds:0.0} s; " +
                $"burst took {burstTook.TotalSeconds:0.0} s");
            output.WriteLine($"[{provider}] answered 201: {ok.Count} ({ok.Count(a => a.LeadId is null)} without a lead id yet), no answer: {unanswered.Count} " +
                $"(of which {recovered} became a lead), refused: {refused.Count}");
            output.WriteLine($"[{provider}] quiescent {quiescenceTook.TotalSeconds:0.0} s after the burst; outboxes: {string.Join("; ", outboxes)}");
            output.WriteLine($"[{provider}] leads {leads.Count}, prospects {prospects.Count}, call tasks {tasksByProspect.Values.Sum(t => t.Count)}; " +
                $"verification {verify.Elapsed.TotalSeconds:0.0} s; whole test {total.Elapsed.TotalSeconds:0.0} s");
            output.WriteLine($"[{provider}] outboxes right after the kill: {string.Join("; ", atKill)}");
            foreach (var j in inFlight) output.WriteLine($"  in flight at the kill: #{j} {attempts[j].Result} {attempts[j].Error}");

            // The fault really happened in the middle, with requests in flight.
            Assert.True(inFlightAtKill > 0, "no request was in flight when the host was killed");
            var pendingAtKill = atKill.Sum(o => o.Pending);
            Assert.True(unanswered.Count + pendingAtKill > 0,
                "the kill interrupted nothing: no request lost its answer and no announcement was waiting to be published");
            Assert.True(ok.Count(a => !a.SentToFirstHost) > 0, "the restarted host answered no submission");
            Assert.True(refused.Count == 0, $"{refused.Count} submissions were refused, e.g. {refused.FirstOrDefault()?.Status}: {refused.FirstOrDefault()?.Error}");
            Assert.Equal(Submissions, ok.Count + unanswered.Count);

            // Every answered submission is exactly one lead, and that lead came from exactly that submission.
            var missing = ok.Where(a => !leadsByEmail.ContainsKey(a.Email)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} answered submissions have no lead, e.g. submission {missing.FirstOrDefault()?.SubmissionId}");
            foreach (var a in ok)
            {
                var lead = Assert.Single(leadsByEmail[a.Email]);
                if (a.LeadId is not null) Assert.Equal(a.LeadId, lead.Str("id"));
                var source = Assert.Single(lead["sources"]!.AsArray())!;
                Assert.Equal(a.SubmissionId, source.Str("reference"));
            }

            // Nothing from nowhere, nothing twice: every lead is one of our submissions, captured once (one source, one
            // set of points), qualified once (one prospect), enrolled once (one call task).
            var sent = attempts.Select(a => a.Email).ToHashSet();
            Assert.Equal(leads.Count, leadsByEmail.Count);
            Assert.Equal(ok.Count + recovered, leads.Count);
            foreach (var lead in leads)
            {
                var id = lead.Str("id");
                Assert.Contains(lead.Str("email"), sent);
                Assert.True(lead["sources"]!.AsArray().Count == 1, $"lead {id} was captured {lead["sources"]!.AsArray().Count} times");
                Assert.Equal(["form-submitted", "callback-requested"], lead["score"]!["reasons"]!.AsArray().Select(r => r!.Str("rule")));
                Assert.Equal("mql", lead.Str("status"));
                Assert.True(prospectsByLead.TryGetValue(id, out var ofLead) && ofLead.Count == 1,
                    $"lead {id} has {(ofLead?.Count ?? 0)} prospects instead of exactly one");
                var tasks = tasksByProspect[ofLead![0].Str("id")];
                Assert.True(tasks.Count == 1, $"prospect {ofLead[0].Str("id")} has {tasks.Count} call tasks instead of exactly one");
                Assert.Equal("call", tasks[0]!.Str("kind"));
            }
            Assert.Equal(leads.Count, prospects.Count);
            var leadIds = leads.Select(l => l.Str("id")).ToHashSet();

            // And no stored submission was left behind: each one Content kept was linked back to its lead (Content learns
            // it from LeadCaptured), so none was lost between the modules. No endpoint lists submissions yet: read the table.
            var submissions = store.Table("Content", "Submissions");
            Assert.Equal(leads.Count, await store.ScalarAsync("Content", $"SELECT COUNT(*) FROM {submissions}"));
            Assert.Equal(0, await store.ScalarAsync("Content", $"SELECT COUNT(*) FROM {submissions} WHERE \"LeadId\" IS NULL"));
            Assert.DoesNotContain(prospects, p => !leadIds.Contains(p.Str("leadId")));
        }
        finally
        {
            await firstHost.DisposeAsync();
            if (secondHost is not null) await secondHost.DisposeAsync();
        }
    }
}
