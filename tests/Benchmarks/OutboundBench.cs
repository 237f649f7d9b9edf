using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tandem.Host.Composition;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Icp;

namespace Tandem.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Benchmarks -- --outbound [steps] [rows]</c>: (1) ICP re-scoring of
/// <c>rows</c> (default 1,000,000) in memory with the compiled ICP; (2) the scheduler claiming, checking and running
/// <c>steps</c> (default 100,000) due email steps against the no-op channel on SQLite, through the production
/// container (the scheduler's own loop body, batch after batch, until nothing is due). Prints throughput.
/// </summary>
internal static class OutboundBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var rows = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        Rescore(rows);
        await ScheduleAsync(steps);
        return 0;
    }

    private static void Rescore(int rows)
    {
        var icp = new CompiledIcp("bench", "Toitures solaires PME",
        [
            new IcpCriterion("departement", "in", ["69", "38", "01", "42", "73", "74"], 30),
            new IcpCriterion("nafCode", "in", ["49", "10", "46", "52"], 30),
            new IcpCriterion("headcountBand", "in", ["11", "12", "21"], 25),
            new IcpCriterion("kind", "equals", ["professional"], 15),
        ], 60);
        string[] naf = ["49.41A", "10.71C", "46.90Z", "62.01Z", "52.10B", "86.21Z"];
        string[] bands = ["00", "01", "02", "03", "11", "12", "21", "22"];
        var facts = new ProspectFacts[rows];
        for (var i = 0; i < rows; i++)
            facts[i] = new ProspectFacts
            {
                Kind = i % 3 == 0 ? "consumer" : "professional", Departement = (i % 95 + 1).ToString("D2", System.Globalization.CultureInfo.InvariantCulture),
                NafCode = naf[i % naf.Length], HeadcountBand = bands[i % bands.Length],
            };
        var scores = new int[rows];
        var watch = Stopwatch.StartNew();
        Parallel.For(0, rows, i => scores[i] = icp.Score(facts[i]));
        watch.Stop();
        var fitting = scores.Count(s => s >= icp.MinFit);
        Console.WriteLine($"ICP re-scoring: {rows:N0} rows in {watch.Elapsed.TotalSeconds:0.00} s ({rows / watch.Elapsed.TotalSeconds:N0} rows/s, {Environment.ProcessorCount} cores), {fitting:N0} fit");
    }

    private static async Task ScheduleAsync(int count)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tandem-outbound-bench-" + Guid.NewGuid().ToString("N"));
        var app = TandemApp.Build([$"--Tandem:DataDirectory={dataDirectory}", "--urls=http://127.0.0.1:0", "--Tandem:Outreach:Channels:Email=noop",
            "--Logging:LogLevel:Default=Warning"]);
        try
        {
            await app.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None);
            var seed = Stopwatch.StartNew();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<OutreachDbContext>();
                var now = DateTimeOffset.UtcNow;
                db.Sequences.Add(new Sequence
                {
                    Id = "bench", Name = "bench", CreatedAt = now, Steps = [new SequenceStep("email", 0, "Bonjour {{ firstName }}", "Une étude pour {{ company }} ?")],
                });
                await db.SaveChangesAsync();
                for (var start = 0; start < count; start += 10_000)
                {
                    for (var i = start; i < Math.Min(count, start + 10_000); i++)
                    {
                        var id = $"e{i:D7}";
                        db.Enrollments.Add(new Enrollment
                        {
                            Id = id, ProspectId = $"p{i:D7}", SequenceId = "bench", Status = "active", Owner = "alice", Email = $"p{i}@example.fr",
                            Contact = new ContactSnapshot($"l{i:D7}", $"p{i}@example.fr", null, "P" + i, null, "PME " + i, null, 80, [], null, null, null),
                            CreatedAt = now,
                        });
                        db.Steps.Add(new ScheduledStep
                        {
                            Id = $"s{i:D7}", EnrollmentId = id, ProspectId = $"p{i:D7}", StepIndex = 0, Kind = "email", Status = "due", DueAt = now.ToUnixTimeMilliseconds(),
                        });
                    }
                    await db.SaveChangesAsync();
                    db.ChangeTracker.Clear();
                }
            }
            Console.WriteLine($"seeded {count:N0} due email steps in {seed.Elapsed.TotalSeconds:0.0} s");
            var scheduler = app.Services.GetServices<IHostedService>().OfType<StepScheduler>().Single();
            var watch = Stopwatch.StartNew();
            var ran = 0;
            int batch;
            while ((batch = await scheduler.RunOnceAsync(CancellationToken.None)) > 0) ran += batch;
            watch.Stop();
            Console.WriteLine($"scheduler: {ran:N0} steps claimed, checked, sent (no-op channel) and recorded in {watch.Elapsed.TotalSeconds:0.00} s " +
                              $"= {ran / watch.Elapsed.TotalMinutes:N0} steps/min (SQLite, batch 500)");
        }
        finally
        {
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
