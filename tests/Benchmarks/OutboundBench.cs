using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tandem.Host.Composition;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Scheduling;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Prospects.Icp;

namespace Tandem.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Benchmarks -- --outbound [steps] [rows] [companies]</c>: (1) ICP re-scoring of
/// <c>rows</c> (default 1,000,000) in memory with the compiled ICP; (2) the scheduler claiming, checking and running
/// <c>steps</c> (default 100,000) due email steps against the no-op channel on SQLite, through the production
/// container (the scheduler's own loop body, batch after batch, until nothing is due); (3) an outbound list of
/// <c>companies</c> (default 10,000) imported, scored and the fitting ones qualified, in the started host (Leads'
/// import worker running). Prints throughput.
/// <c>--outbound-scheduler [steps] [--postgres[=connection string]]</c>: the scheduler part alone, on SQLite or on PostgreSQL (the
/// connection string given, else <c>TANDEM_TEST_POSTGRES</c>; a fresh database is created for the run and dropped after), with
/// the load average printed before and after.
/// </summary>
internal static class OutboundBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var rows = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var companies = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
        Rescore(rows);
        await ScheduleAsync(steps);
        await ImportListAsync(companies);
        return 0;
    }

    public static async Task<int> RunSchedulerAsync(string[] args)
    {
        var steps = 100_000;
        string? postgres = null;
        foreach (var arg in args)
        {
            if (arg == "--postgres")
                postgres = Environment.GetEnvironmentVariable("TANDEM_TEST_POSTGRES")
                           ?? throw new ArgumentException("--postgres needs a connection string (--postgres=…) or TANDEM_TEST_POSTGRES.");
            else if (arg.StartsWith("--postgres=", StringComparison.Ordinal)) postgres = arg["--postgres=".Length..];
            else steps = int.Parse(arg, System.Globalization.CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"load average before: {LoadAverage()}");
        if (postgres is null) await ScheduleAsync(steps);
        else
        {
            // A fresh database on the server, dropped after the run (whatever happens).
            var database = "tandem_bench_" + Guid.NewGuid().ToString("N")[..12];
            var admin = new NpgsqlConnectionStringBuilder(postgres) { Pooling = false }.ConnectionString;
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                await create.ExecuteNonQueryAsync();
            }
            try
            {
                await ScheduleAsync(steps, new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString);
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
        Console.WriteLine($"load average after: {LoadAverage()} ({Environment.ProcessorCount} cores)");
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown (no /proc/loadavg)";

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

    private static async Task ScheduleAsync(int count, string? postgres = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tandem-outbound-bench-" + Guid.NewGuid().ToString("N"));
        string[] settings = [$"--Tandem:DataDirectory={dataDirectory}", "--urls=http://127.0.0.1:0", "--Tandem:Outreach:Channels:Email=noop",
            "--Logging:LogLevel:Default=Warning"];
        if (postgres is not null) settings = [.. settings, "--Tandem:Database:Provider=Postgres", $"--ConnectionStrings:Tandem={postgres}"];
        var provider = postgres is null ? "SQLite" : "PostgreSQL";
        var app = TandemApp.Build(settings);
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
            Console.WriteLine($"seeded {count:N0} due email steps in {seed.Elapsed.TotalSeconds:0.0} s ({provider})");
            var scheduler = app.Services.GetServices<IHostedService>().OfType<StepScheduler>().Single();
            var watch = Stopwatch.StartNew();
            var ran = 0;
            int batch;
            while ((batch = await scheduler.RunOnceAsync(CancellationToken.None)) > 0) ran += batch;
            watch.Stop();
            Console.WriteLine($"scheduler: {ran:N0} steps claimed, checked, sent (no-op channel) and recorded in {watch.Elapsed.TotalSeconds:0.00} s " +
                              $"= {ran / watch.Elapsed.TotalMinutes:N0} steps/min ({provider}, batch 500)");
        }
        finally
        {
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The outbound list of <paramref name="companies"/> rows (NAF, INSEE band, postal code, contact) through
    /// <c>ImportOutboundList</c>: Leads' bulk import of the people, accounts, ICP fit, prospects of the fitting ones.
    /// </summary>
    private static async Task ImportListAsync(int companies)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tandem-outbound-list-bench-" + Guid.NewGuid().ToString("N"));
        var app = TandemApp.Build([$"--Tandem:DataDirectory={dataDirectory}", "--urls=http://127.0.0.1:0", "--Tandem:Outreach:Channels:Email=noop",
            "--Tandem:Prospects:Reps:0:Name=alice", "--Tandem:Prospects:Reps:1:Name=bob", "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Tandem.Modules.Prospects.Outbound=Information"]);
        try
        {
            await app.Services.GetRequiredService<StartupTasks>().RunAsync(CancellationToken.None); // migrations, as the host does before it starts
            await app.StartAsync();
            string[] naf = ["35.11Z", "43.21A", "47.11B", "49.41A"];
            string[] bands = ["03", "11", "12", "21", "32"];
            var csv = new System.Text.StringBuilder("Raison sociale;Code NAF;Tranche effectif;Code postal;Prénom;Nom;E-mail;Fonction\r\n");
            for (var i = 0; i < companies; i++)
                csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"Société {i:D6};{naf[i % 4]};{bands[i % 5]};{(i % 2 == 0 ? "69001" : "75001")};Prénom{i};Nom{i};c{i}@exemple.fr;Gérant\r\n");
            await using var scope = app.Services.CreateAsyncScope();
            var sender = scope.ServiceProvider.GetRequiredService<Mediator.ISender>();
            await sender.Send(new DefineIcp("Bornes de recharge PME",
            [
                new IcpCriterion("nafCode", "in", ["35", "43.21"], 50), new IcpCriterion("headcountBand", "in", ["11", "12", "21"], 30),
                new IcpCriterion("departement", "in", ["69"], 20),
            ], 60));
            var staging = scope.ServiceProvider.GetRequiredService<Tandem.Modules.Prospects.Outbound.OutboundStaging>();
            var watch = Stopwatch.StartNew();
            var staged = await staging.StageAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString())), CancellationToken.None);
            var result = await sender.Send(new ImportOutboundList(staged, "bench.csv"));
            watch.Stop();
            var leads = await sender.Send(new Tandem.Modules.Leads.Contracts.GetLeadImport(result.LeadImportId));
            Console.WriteLine($"  of which Leads' import (queued to finished): {(leads.FinishedAt - leads.CreatedAt)?.TotalSeconds:0.00} s");
            Console.WriteLine($"outbound list: {result.Rows:N0} companies imported as leads (source outbound), {result.Accounts:N0} accounts, " +
                              $"{result.Scored:N0} scored, {result.Qualified:N0} qualified as prospects in {watch.Elapsed.TotalSeconds:0.00} s " +
                              $"({result.Rows / watch.Elapsed.TotalSeconds:N0} rows/s, SQLite, host started)");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
