using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Tandem.Load;

/// <summary>
/// Fixed-rate (open-loop) load: submission <c>i</c> is due at <c>start + i / rate</c> whatever happened to the ones before,
/// and its latency is measured from that intended time, not from when it was actually sent. A closed-loop client such
/// as wrk waits for an answer before sending the next request, so a stalled server also stalls the clock and hides the
/// stall from the percentiles (coordinated omission); here a stall shows in every request that should have been sent
/// during it. Each submission has its own email and phone and asks for a callback, so it must become exactly one lead,
/// one prospect and one call task (checked afterwards by <c>verify</c> with the answers written to <c>--answers</c>).
/// </summary>
internal static class OpenLoop
{
    private const int NoAnswer = -1;
    private const int TimedOut = -2;

    public static async Task<int> RunAsync(Options options)
    {
        var url = options.Required("--url").TrimEnd('/');
        var form = options.Required("--form");
        var rate = options.Number("--rate", 1000);
        var duration = options.Number("--duration", 15);
        var warmup = options.Get("--warmup") == "0" ? 0 : options.Number("--warmup", 3);
        var connections = (int)options.Number("--connections", 512);
        var timeout = options.Number("--timeout", 30);
        var tag = options.Get("--tag") ?? "rate";
        var phoneDigit = options.Get("--phone-digit") ?? "9";
        if (phoneDigit is not { Length: 1 } || !char.IsAsciiDigit(phoneDigit[0])) throw new UsageException("--phone-digit takes one digit");
        var answersFile = options.Get("--answers");
        // The host's CPU is counted from the first measured send (the warm-up is when the host's JIT does its work).
        var cpuPid = options.Get("--cpu-pid") is { } pidText ? int.Parse(pidText, CultureInfo.InvariantCulture) : (int?)null;
        long? cpuTicksAtMeasured = null;
        var results = new Results(options.Get("--out"));

        var total = (int)Math.Round((warmup + duration) * rate);
        var measuredFrom = (int)Math.Round(warmup * rate);
        if (total >= 10_000_000) throw new UsageException("at most 9,999,999 submissions per run (the phone numbers would repeat)");

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler)
        {
            BaseAddress = new Uri(url + "/"),
            Timeout = TimeSpan.FromSeconds(timeout),
            DefaultRequestVersion = HttpVersion.Version11,
        };
        var path = "f/" + Uri.EscapeDataString(form);

        var status = new int[total];
        var latencyMs = new double[total];
        var sendLagMs = new double[total];
        var tasks = new Task[total];
        var answers = new ConcurrentQueue<string>();
        Array.Fill(latencyMs, double.PositiveInfinity);

        async Task SendAsync(int i, long due)
        {
            var body = string.Create(CultureInfo.InvariantCulture,
                $$"""{"email":"{{tag}}-{{i}}@load.example","phone":"06{{phoneDigit}}{{i:D7}}","consent.newsletter":true,"callback":true}""");
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(path, content);
                var text = await response.Content.ReadAsStringAsync();
                latencyMs[i] = (Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency;
                status[i] = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.Created) answers.Enqueue(Answer(text));
            }
            catch (TaskCanceledException)
            {
                status[i] = TimedOut;
            }
            catch (HttpRequestException)
            {
                status[i] = NoAnswer;
            }
        }

        Console.WriteLine(FormattableString.Invariant(
            $"open loop: {rate:0} submissions/s for {warmup:0.#} s (warm-up, not counted) + {duration:0.#} s, up to {connections} connections, to {url}/{path}"));
        var loadBefore = LoadAverage();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;
        var startedAt = DateTimeOffset.UtcNow;
        // One thread keeps the schedule: it sleeps about 1 ms at a time and sends every submission that has come due.
        // Its lateness (send lag) is part of each latency and is reported, so a starved client shows for what it is.
        var scheduler = new Thread(() =>
        {
            var next = 0;
            while (next < total)
            {
                var now = Stopwatch.GetTimestamp();
                while (next < total)
                {
                    var due = start + (long)(next * ticksPerRequest);
                    if (due > now) break;
                    if (next == measuredFrom && cpuPid is { } pid) cpuTicksAtMeasured = CpuTicks(pid);
                    sendLagMs[next] = (now - due) * 1000.0 / Stopwatch.Frequency;
                    tasks[next] = SendAsync(next, due);
                    next++;
                    now = Stopwatch.GetTimestamp();
                }
                if (next < total) Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "schedule", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        scheduler.Join();
        var scheduleEnded = Stopwatch.GetTimestamp();
        await Task.WhenAll(tasks);
        var allAnswered = Stopwatch.GetTimestamp();
        var loadAfter = LoadAverage();

        if (answersFile is not null) await File.WriteAllLinesAsync(answersFile, answers);

        var measured = Enumerable.Range(measuredFrom, total - measuredFrom).ToArray();
        var accepted = measured.Count(i => status[i] == 201);
        var otherStatuses = measured.Where(i => status[i] > 0 && status[i] != 201).GroupBy(i => status[i])
            .OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}").ToArray();
        var non2xx = measured.Count(i => status[i] > 0 && (status[i] < 200 || status[i] >= 300));
        var timedOut = measured.Count(i => status[i] == TimedOut);
        var noAnswer = measured.Count(i => status[i] == NoAnswer);
        var sorted = measured.Select(i => latencyMs[i]).Order().ToArray();
        var lag = measured.Select(i => sendLagMs[i]).Order().ToArray();
        var window = duration;
        var p = new Dictionary<string, double>
        {
            ["p50"] = Percentiles.Of(sorted, 50), ["p90"] = Percentiles.Of(sorted, 90), ["p99"] = Percentiles.Of(sorted, 99),
            ["p99.9"] = Percentiles.Of(sorted, 99.9), ["max"] = sorted.Length == 0 ? double.NaN : sorted[^1],
        };

        static string Ms(double v) => double.IsPositiveInfinity(v) ? "no answer" : v.ToString(v < 10 ? "0.00" : "0", CultureInfo.InvariantCulture) + " ms";
        Console.WriteLine(FormattableString.Invariant(
            $"measured {measured.Length} submissions offered at {rate:0}/s over {window:0.#} s: {accepted} accepted (201), {non2xx} other status{(otherStatuses.Length > 0 ? " (" + string.Join(", ", otherStatuses) + ")" : "")}, {timedOut} timed out (> {timeout:0} s), {noAnswer} connection errors"));
        Console.WriteLine($"latency from the intended send time: {string.Join(", ", p.Select(kv => $"{kv.Key} {Ms(kv.Value)}"))}");
        Console.WriteLine(FormattableString.Invariant(
            $"client send lag (scheduling, included above): p99 {Percentiles.Of(lag, 99):0.00} ms, max {lag[^1]:0.00} ms; last answer {(allAnswered - scheduleEnded) * 1000.0 / Stopwatch.Frequency:0} ms after the last send"));

        results.Add("mode", "rate");
        results.Add("offered_per_s", rate);
        results.Add("duration_s", window);
        results.Add("warmup_s", warmup);
        results.Add("requests", measured.Length);
        results.Add("warmup_accepted", Enumerable.Range(0, measuredFrom).Count(i => status[i] == 201));
        if (cpuTicksAtMeasured is { } ticks) results.Add("host_cpu_ticks_at_measured", ticks);
        results.Add("accepted", accepted);
        results.Add("accepted_per_s", Math.Round(accepted / window));
        results.Add("non2xx", non2xx);
        results.Add("other_statuses", otherStatuses.Length == 0 ? "-" : string.Join(",", otherStatuses));
        results.Add("timeouts", timedOut);
        results.Add("errors", noAnswer);
        foreach (var (key, value) in p)
            results.Add("latency_" + key.Replace(".", "_", StringComparison.Ordinal) + "_ms", double.IsPositiveInfinity(value) ? "inf" : Math.Round(value, 2).ToString(CultureInfo.InvariantCulture));
        results.Add("send_lag_p99_ms", Math.Round(Percentiles.Of(lag, 99), 2));
        results.Add("send_lag_max_ms", Math.Round(lag[^1], 2));
        results.Add("answered_total", answers.Count);
        results.Add("load_started_unix_ms", startedAt.ToUnixTimeMilliseconds());
        results.Add("client_load_before", loadBefore);
        results.Add("client_load_after", loadAfter);
        return 0;
    }

    /// <summary>"submissionId leadId" (leadId "-" when the answer had none) from a 201 body.</summary>
    /// <summary>CPU time (user + system, all threads) process <paramref name="pid"/> has used, in clock ticks (<c>/proc/PID/stat</c>).</summary>
    private static long? CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Answer(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var submission = root.GetProperty("submissionId").GetString();
        var lead = root.TryGetProperty("leadId", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : "-";
        return $"{submission} {lead}";
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
