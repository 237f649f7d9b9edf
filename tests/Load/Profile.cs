using System.Globalization;
using System.Text.Json;

namespace Tandem.Load;

/// <summary>
/// Summarises a speedscope file written by <c>dotnet-trace collect --profile dotnet-sampled-thread-time --format
/// Speedscope</c> (what <c>scripts/load-forms.sh --trace</c> records): where the host's threads spent their time.
/// <para>
/// The sampler records every managed thread about every 10 ms, with a pseudo-frame at the top: <c>CPU_TIME</c> (running
/// managed code) or <c>UNMANAGED_CODE_TIME</c> (in native code: SQLite, a system call such as fsync, or waiting). Time
/// of threads parked with nothing to do (an idle thread-pool worker, the socket engine's epoll wait, timers) is left
/// out; what remains is the busy thread time: CPU plus time blocked inside the work (SQLite's write lock, fsync, a
/// PostgreSQL round trip). It is split twice: by area (the innermost frame that names one) and by step of a
/// submission (the outermost Tandem operation on the stack), and the top inclusive frames are listed.
/// </para>
/// </summary>
internal static class Profile
{
    public static int Run(Options options)
    {
        var file = options.PositionalAt(0, "the speedscope file");
        var top = (int)options.Number("--top", 30);
        var dump = options.Get("--dump-other");
        using var json = JsonDocument.Parse(File.ReadAllBytes(file));
        var frames = json.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString() ?? "?").ToArray();
        var kinds = frames.Select(Classify).ToArray();
        // The process and thread pseudo-frames name the process ("Tandem.Host …"): never match them.
        for (var i = 0; i < frames.Length; i++)
            if (kinds[i] == FrameKind.Synthetic && frames[i] is not ("CPU_TIME" or "UNMANAGED_CODE_TIME")) frames[i] = "";

        var byArea = new Dictionary<string, double>(StringComparer.Ordinal);
        var byStep = new Dictionary<string, double>(StringComparer.Ordinal);
        var dumped = new Dictionary<string, double>(StringComparer.Ordinal);
        var inclusive = new double[frames.Length];
        double total = 0, idle = 0, cpu = 0;
        var seen = new int[frames.Length];
        var stamp = 0;

        foreach (var profile in json.RootElement.GetProperty("profiles").EnumerateArray())
        {
            var stack = new List<int>();
            double? last = null;
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                if (last is { } from && at > from && stack.Count > 0)
                {
                    var dt = at - from;
                    total += dt;
                    var leaf = frames[stack[^1]];
                    var onCpu = leaf == "CPU_TIME";
                    if (!onCpu && IsIdle(stack, frames)) idle += dt;
                    else
                    {
                        if (onCpu) cpu += dt;
                        var area = Area(stack, frames, onCpu);
                        Add(byArea, area, dt);
                        if (dump is not null && area.StartsWith(dump, StringComparison.Ordinal))
                            Add(dumped, string.Join(" <- ", stack.AsEnumerable().Reverse().Take(8).Select(f => Shorten(frames[f]))), dt);
                        Add(byStep, Step(stack, frames), dt);
                        stamp++;
                        foreach (var f in stack)
                        {
                            if (seen[f] == stamp || kinds[f] == FrameKind.Synthetic) continue;
                            seen[f] = stamp;
                            inclusive[f] += dt;
                        }
                    }
                }
                last = at;
                var frame = e.GetProperty("frame").GetInt32();
                if (e.GetProperty("type").GetString() == "O") stack.Add(frame);
                else
                {
                    var i = stack.LastIndexOf(frame);
                    if (i >= 0) stack.RemoveRange(i, stack.Count - i);
                }
            }
        }

        var busy = total - idle;
        Console.WriteLine(FormattableString.Invariant(
            $"{file}: {total / 1000:0.0} s of sampled thread time, {idle / 1000:0.0} s idle (left out), busy {busy / 1000:0.0} s = 100 % below; of it on CPU in managed code {cpu / busy * 100:0} %, in native code or blocked {(busy - cpu) / busy * 100:0} %"));
        Print("by area (innermost frame that names one)", byArea, busy);
        Print("by step of a submission (outermost Tandem operation on the stack)", byStep, busy);
        if (dump is not null) Print($"stacks of the area '{dump}…' (innermost 8 frames)", dumped, busy, 25);
        Console.WriteLine();
        Console.WriteLine($"top {top} frames by inclusive busy time:");
        foreach (var (name, time) in frames.Select((n, i) => (Name: n, Time: inclusive[i])).OrderByDescending(x => x.Time).Take(top))
            Console.WriteLine(FormattableString.Invariant($"  {time / busy * 100,5:0.0} %  {Shorten(name)}"));
        return 0;
    }

    private static void Print(string title, Dictionary<string, double> shares, double busy, int limit = int.MaxValue)
    {
        Console.WriteLine();
        Console.WriteLine($"{title}:");
        foreach (var (name, time) in shares.OrderByDescending(kv => kv.Value).Take(limit))
            Console.WriteLine(FormattableString.Invariant($"  {time / busy * 100,5:0.0} %  {name}"));
    }

    private static void Add(Dictionary<string, double> map, string key, double value) =>
        map[key] = map.GetValueOrDefault(key) + value;

    private enum FrameKind { Synthetic, Base, Other }

    private static FrameKind Classify(string name) =>
        name is "CPU_TIME" or "UNMANAGED_CODE_TIME" or "Threads" or "(Non-Activities)" || name.StartsWith("Thread (", StringComparison.Ordinal)
            || name.StartsWith("Process", StringComparison.Ordinal) ? FrameKind.Synthetic
        : name.StartsWith("System.Private.CoreLib!", StringComparison.Ordinal) || name.StartsWith("System.Linq!", StringComparison.Ordinal)
            || name.StartsWith("System.Collections", StringComparison.Ordinal) || name.StartsWith("System.Runtime", StringComparison.Ordinal)
            || name.StartsWith("?!?", StringComparison.Ordinal) ? FrameKind.Base
        : FrameKind.Other;

    private static bool Has(List<int> stack, string[] frames, string part)
    {
        foreach (var f in stack)
            if (frames[f].Contains(part, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>A thread in native code with no work of ours on its stack, or in a wait that only waits for work.</summary>
    private static bool IsIdle(List<int> stack, string[] frames)
    {
        string[] idleLoops = ["ConsoleLoggerProcessor.ProcessLogQueue", "Heartbeat.TimerLoop", "Program.<Main>", "CounterGroup.PollForValues",
            "AggregationManager.CollectWorker", "EventPipe", "GateThread", "SocketAsyncEngine"];
        if (idleLoops.Any(loop => Has(stack, frames, loop))) return true;
        string[] work = ["Tandem.", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Microsoft.Data.Sqlite", "SQLitePCL", "Npgsql", "Mediator"];
        return !stack.Any(f => work.Any(w => frames[f].Contains(w, StringComparison.Ordinal)));
    }

    private static string Area(List<int> stack, string[] frames, bool onCpu)
    {
        if (!onCpu)
        {
            if (Has(stack, frames, "SqliteTransaction.Commit")) return "SQLite COMMIT in native code: WAL append + fsync";
            if (Has(stack, frames, "SqliteTransaction..ctor")) return "SQLite BEGIN IMMEDIATE in native code: waiting for the write lock";
            if (Has(stack, frames, "SqliteConnection.Open") || Has(stack, frames, "SqliteConnectionSetup")) return "SQLite connection open + PRAGMAs (native)";
            if (Has(stack, frames, "SQLitePCL") || Has(stack, frames, "Microsoft.Data.Sqlite")) return "SQLite statements in native code (prepare, step; a first write waits for the lock here)";
            if (Has(stack, frames, "Npgsql")) return "PostgreSQL: waiting for the server (native socket I/O)";
            if (Has(stack, frames, "Monitor.Enter")) return "lock contention (Monitor.Enter)";
            return "other native code or blocked";
        }
        for (var i = stack.Count - 1; i >= 0; i--)
        {
            var name = frames[stack[i]];
            if (Classify(name) != FrameKind.Other) continue;
            if (name.StartsWith("SQLitePCL", StringComparison.Ordinal) || name.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal)) return "ADO.NET SQLite driver (managed)";
            if (name.StartsWith("Npgsql", StringComparison.Ordinal)) return "Npgsql driver (managed)";
            if (name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal))
            {
                if (name.Contains(".ChangeTracking.", StringComparison.Ordinal) || name.Contains(".Update.", StringComparison.Ordinal)) return "EF Core change tracking + SaveChanges (managed)";
                if (name.Contains(".Query.", StringComparison.Ordinal)) return "EF Core queries: translate, cache lookup, materialise (managed)";
                return "EF Core context creation + infrastructure (managed)";
            }
            if (name.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal)) return "DI: scopes, service resolution";
            if (name.StartsWith("System.Text.Json", StringComparison.Ordinal)) return "JSON (System.Text.Json)";
            if (name.StartsWith("Microsoft.Extensions.Logging", StringComparison.Ordinal)) return "logging";
            if (name.Contains("Mediator", StringComparison.Ordinal)) return "mediator (generated)";
            if (name.StartsWith("Tandem.", StringComparison.Ordinal)) return "Tandem code (validation, handlers, outbox)";
            if (name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || name.StartsWith("System.Net", StringComparison.Ordinal)
                || name.StartsWith("System.IO.Pipelines", StringComparison.Ordinal)) return "HTTP: Kestrel, ASP.NET Core, sockets";
            if (name.StartsWith("System.Diagnostics", StringComparison.Ordinal)) return "diagnostics (tracing, counters)";
        }
        return "runtime + base library (thread pool, async machinery, collections)";
    }

    private static string Step(List<int> stack, string[] frames)
    {
        if (Has(stack, frames, "EnrolNewProspect")) return "Outreach: enrol prospect, call task (background dispatcher)";
        if (Has(stack, frames, "QualifyMql")) return "Prospects: qualify lead, create prospect (background dispatcher)";
        if (Has(stack, frames, "LinkSubmissionToLead")) return "Content: link submission to lead on LeadCaptured (background dispatcher)";
        if (Has(stack, frames, "CaptureLeadFromForm"))
            return Has(stack, frames, "TryDispatchNowAsync") ? "Leads: capture lead (inline, in the request)" : "Leads: capture lead (background dispatcher)";
        if (Has(stack, frames, "FindLeadBySource")) return "Leads: find the lead id for the answer (in the request)";
        if (Has(stack, frames, "ClaimAsync")) return "outbox: claim a batch (background dispatcher)";
        if (Has(stack, frames, "PurgeAsync")) return "outbox: purge";
        if (Has(stack, frames, "TryDispatchNowAsync")) return "outbox: inline claim, scope, mark processed (in the request)";
        if (Has(stack, frames, "OutboxDispatcher")) return "outbox: scope, deserialise, mark processed (background dispatcher)";
        if (Has(stack, frames, "SubmitFormHandler")) return "Content: load form, validate, store submission + outbox row (in the request)";
        if (Has(stack, frames, "ConsoleLogger")) return "logging (console writer thread)";
        if (Has(stack, frames, "Microsoft.AspNetCore") || Has(stack, frames, "Tandem.")) return "HTTP: Kestrel, middleware, rate limiter, body, answer (in the request)";
        return "runtime: thread pool dispatch, socket engine, timers";
    }

    private static string Shorten(string name)
    {
        var bang = name.IndexOf('!', StringComparison.Ordinal);
        var method = bang >= 0 ? name[(bang + 1)..] : name;
        var paren = method.IndexOf('(', StringComparison.Ordinal);
        if (paren > 0) method = method[..paren];
        return method.Length > 150 ? method[..150] + "…" : method;
    }
}
