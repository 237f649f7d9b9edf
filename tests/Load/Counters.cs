using System.Globalization;

namespace Tandem.Load;

/// <summary>
/// Summarises a <c>dotnet-counters collect --format csv</c> file (what <c>scripts/load-forms.sh --counters</c> records):
/// the mean and the maximum over the recording of the counters that say where a request waits (lock contention,
/// thread pool queue), what the runtime spends (CPU, GC, allocations, JIT) and how much EF Core does (queries and
/// SaveChanges per second, and per accepted submission when <c>--accepted-per-s</c> is given).
/// </summary>
internal static class Counters
{
    private static readonly (string Label, string Name, double Scale, string Unit)[] Shown =
    [
        ("host CPU, user", "dotnet.process.cpu.time (s / 1 sec)[cpu.mode=user]", 1, "cores"),
        ("host CPU, system (kernel: I/O, fsync, futex)", "dotnet.process.cpu.time (s / 1 sec)[cpu.mode=system]", 1, "cores"),
        ("monitor lock contentions", "dotnet.monitor.lock_contentions ({contention} / 1 sec)", 1, "/s"),
        // dotnet-counters reports the thread count as its change per second: the sum is how many threads the pool
        // added during the recording (it injects threads when its workers are blocked, e.g. in synchronous SQLite calls).
        ("thread pool threads added", "dotnet.thread_pool.thread.count ({thread} / 1 sec)", 1, "threads"),
        ("thread pool work items", "dotnet.thread_pool.work_item.count ({work_item} / 1 sec)", 1, "/s"),
        ("GC pause", "dotnet.gc.pause.time (s / 1 sec)", 100, "% of time"),
        ("GC gen0 collections", "dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen0]", 1, "/s"),
        ("GC gen1 collections", "dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen1]", 1, "/s"),
        ("GC gen2 collections", "dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen2]", 1, "/s"),
        ("allocated", "dotnet.gc.heap.total_allocated (By / 1 sec)", 1.0 / (1024 * 1024), "MB/s"),
        ("JIT compiled methods", "dotnet.jit.compiled_methods ({method} / 1 sec)", 1, "/s"),
        ("exceptions", "dotnet.exceptions", 1, "/s"),
        ("EF Core queries", "microsoft.entityframeworkcore.queries ({query} / 1 sec)", 1, "/s"),
        ("EF Core SaveChanges", "microsoft.entityframeworkcore.savechanges ({savechanges} / 1 sec)", 1, "/s"),
        ("EF Core live DbContexts", "microsoft.entityframeworkcore.active_dbcontexts ({dbcontext})", 1, ""),
        ("EF Core compiled-query cache misses", "microsoft.entityframeworkcore.compiled_query_cache_misses ({misses} / 1 sec)", 1, "/s"),
        ("HTTP requests in progress", "http.server.active_requests ({request})[http.request.method=POST;url.scheme=http]", 1, ""),
        ("Kestrel connections", "Current Connections", 1, ""),
    ];

    public static int Run(Options options)
    {
        var file = options.PositionalAt(0, "the counters csv file");
        var acceptedPerSecond = options.Get("--accepted-per-s") is { } a ? double.Parse(a, CultureInfo.InvariantCulture) : 0;
        var series = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(file).Skip(1))
        {
            // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment: names hold no comma, but take the ends to be safe.
            var first = line.IndexOf(',', StringComparison.Ordinal);
            var second = first < 0 ? -1 : line.IndexOf(',', first + 1);
            var last = line.LastIndexOf(',');
            var beforeLast = last <= 0 ? -1 : line.LastIndexOf(',', last - 1);
            if (second < 0 || beforeLast <= second) continue;
            var name = line[(second + 1)..beforeLast];
            if (!double.TryParse(line[(last + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            // Exceptions come per type: add them up per timestamp.
            if (name.StartsWith("dotnet.exceptions", StringComparison.Ordinal)) name = "dotnet.exceptions|" + line[..first];
            if (!series.TryGetValue(name, out var values)) series[name] = values = [];
            values.Add(value);
        }
        var exceptions = series.Where(kv => kv.Key.StartsWith("dotnet.exceptions|", StringComparison.Ordinal))
            .GroupBy(kv => kv.Key, kv => kv.Value.Sum()).Select(g => g.Sum()).ToList();
        series["dotnet.exceptions"] = exceptions;

        Console.WriteLine($"{file}: mean and max over {series.Values.Select(v => v.Count).DefaultIfEmpty(0).Max()} one-second samples");
        foreach (var (label, name, scale, unit) in Shown)
        {
            if (!series.TryGetValue(name, out var values) || values.Count == 0) continue;
            if (unit == "threads")
            {
                Console.WriteLine(FormattableString.Invariant($"  {label,-46} {values.Sum():+0;-0;0} over the recording"));
                continue;
            }
            var mean = values.Average() * scale;
            var max = values.Max() * scale;
            var perSubmission = acceptedPerSecond > 0 && unit == "/s" && name.Contains("entityframeworkcore", StringComparison.Ordinal)
                ? FormattableString.Invariant($"   = {mean / acceptedPerSecond:0.0} per accepted submission")
                : "";
            Console.WriteLine(FormattableString.Invariant($"  {label,-46} mean {mean,9:0.##} {unit,-10} max {max,9:0.##}{perSubmission}"));
        }
        PrintPipeline(series);
        foreach (var percentile in new[] { 50, 95, 99 })
        {
            var key = series.Keys.FirstOrDefault(k => k.StartsWith("http.server.request.duration", StringComparison.Ordinal)
                && k.Contains("status_code=201", StringComparison.Ordinal) && k.Contains($"Percentile={percentile}]", StringComparison.Ordinal));
            if (key is null) continue;
            var values = series[key];
            Console.WriteLine(FormattableString.Invariant(
                $"  {$"server-side duration of a 201, p{percentile}",-46} mean {values.Average() * 1000,9:0.#} ms         max {values.Max() * 1000,9:0.#}"));
        }
        return 0;
    }

    /// <summary>
    /// The <c>Tandem.Pipeline</c> meter per module, totals over the recording: group commits and writes per commit, the
    /// outbox groups published (by the module's dispatcher loop, or inline for a waiting request) and messages per group,
    /// messages relayed from memory or claimed, and batches that fell back to one by one. The batch sizes are what a
    /// submission's cost depends on (docs/performance.md).
    /// </summary>
    private static void PrintPipeline(Dictionary<string, List<double>> series)
    {
        double Total(string instrument, string tags) => series
            .Where(kv => kv.Key.StartsWith(instrument + " ", StringComparison.Ordinal) && kv.Key.EndsWith("[" + tags + "]", StringComparison.Ordinal))
            .Sum(kv => kv.Value.Sum());
        var modules = series.Keys.Where(k => k.StartsWith("tandem.", StringComparison.Ordinal))
            .Select(k => k[(k.IndexOf("module=", StringComparison.Ordinal) + 7)..].Split(';', ']')[0]).Distinct().Order().ToList();
        if (modules.Count == 0) return;
        var seconds = series.Where(kv => kv.Key.StartsWith("tandem.", StringComparison.Ordinal)).Max(kv => kv.Value.Count);
        Console.WriteLine(FormattableString.Invariant($"  Tandem.Pipeline, totals over {seconds} s (per module's database and outbox):"));
        foreach (var module in modules)
        {
            var commits = Total("tandem.db.group_commits", $"module={module}");
            var writes = Total("tandem.db.group_commit_writes", $"module={module}");
            var line = FormattableString.Invariant($"    {module,-10} {commits,7:0} group commits, {(commits > 0 ? writes / commits : 0),5:0.0} writes each");
            foreach (var path in new[] { "loop", "inline" })
            {
                var groups = Total("tandem.outbox.published_groups", $"module={module};path={path}");
                var messages = Total("tandem.outbox.published_messages", $"module={module};path={path}");
                if (groups > 0) line += FormattableString.Invariant($"; {path}: {groups:0} groups of {messages / groups:0.0} messages");
            }
            var relayed = Total("tandem.outbox.relayed", $"module={module}");
            var claimed = Total("tandem.outbox.claimed", $"module={module}");
            var fallbacks = Total("tandem.outbox.batch_fallbacks", $"module={module}");
            if (relayed + claimed > 0) line += FormattableString.Invariant($"; relayed {relayed:0}, claimed {claimed:0}");
            if (fallbacks > 0) line += FormattableString.Invariant($"; {fallbacks:0} batches fell back to one by one");
            Console.WriteLine(line);
        }
    }
}
