using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tandem.Load;

/// <summary>
/// After the load: waits until the downstream backlog is drained (every stored submission has its lead, prospect and
/// call task and no module has an unpublished outbox message), then checks that every answered submission became
/// exactly one lead, one prospect and one call task. Reads the module databases directly and read-only (the SQLite
/// files with <c>Mode=ReadOnly</c>, or the PostgreSQL schemas), so it adds no HTTP load and needs no paging.
/// </summary>
internal static class Verification
{
    public static async Task<int> RunAsync(Options options)
    {
        var results = new Results(options.Get("--out"));
        await using var store = options.Get("--sqlite") is { } dir ? (Store)new SqliteStore(dir)
            : options.Get("--postgres") is { } cs ? new PostgresStore(cs)
            : throw new UsageException("--sqlite DIR or --postgres CONNSTRING is required");
        var deadline = TimeSpan.FromSeconds(options.Number("--deadline", 120));
        var since = options.Get("--since-unix-ms") is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms, System.Globalization.CultureInfo.InvariantCulture)) : DateTimeOffset.UtcNow;

        var answered = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var file in options.All("--answers"))
            foreach (var line in await File.ReadAllLinesAsync(file))
                if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var submission, var lead, ..])
                    answered[submission] = lead == "-" ? null : lead;

        // 1. Drain: poll cheap counts until everything stored has gone all the way through. Requests cut when the load
        // stopped (stored, never answered) may wait for their inline reservation to expire before the outbox takes them
        // over, so the time until every ANSWERED submission is through is reported on its own as well.
        var waited = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var lastExactCheck = -TimeSpan.FromDays(1);
        double? answeredDrainSeconds = null;
        Counts counts;
        bool drained;
        while (true)
        {
            counts = await store.CountsAsync();
            drained = counts.IsDrained;
            if (answeredDrainSeconds is null && answered.Count > 0 && counts.Tasks >= answered.Count
                && (drained || waited.Elapsed - lastExactCheck >= TimeSpan.FromSeconds(1)))
            {
                lastExactCheck = waited.Elapsed;
                if (await AnsweredAreThroughAsync(store, answered)) answeredDrainSeconds = (DateTimeOffset.UtcNow - since).TotalSeconds;
            }
            if (drained || waited.Elapsed > deadline) break;
            if (waited.Elapsed - lastReport >= TimeSpan.FromSeconds(2))
            {
                Console.WriteLine($"  draining: {counts}");
                lastReport = waited.Elapsed;
            }
            await Task.Delay(100);
        }
        var drainSeconds = (DateTimeOffset.UtcNow - since).TotalSeconds;
        Console.WriteLine(drained
            ? FormattableString.Invariant($"drained {drainSeconds:0.0} s after the load stopped: {counts}")
            : FormattableString.Invariant($"NOT drained {drainSeconds:0.0} s after the load stopped (deadline {deadline.TotalSeconds:0} s): {counts}"));
        if (answeredDrainSeconds is { } a)
            Console.WriteLine(FormattableString.Invariant($"every answered submission had its lead, prospect and call task {a:0.0} s after the load stopped"));

        // 2. Exactly once, submission by submission.
        var problems = await CheckAsync(store, answered);
        var pass = problems.Count == 0 && answered.Count > 0;
        if (answered.Count == 0) problems.Add("no answered submission to check");
        Console.WriteLine(pass
            ? $"verification PASS: each of the {answered.Count} answered submissions (and each of the {counts.Submissions} stored) is exactly one lead, one prospect and one call task"
            : "verification FAIL: " + string.Join("; ", problems));

        results.Add("drained", drained ? "yes" : "no");
        results.Add("drain_s", Math.Round(drainSeconds, 1));
        results.Add("drain_answered_s", answeredDrainSeconds is { } x ? Math.Round(x, 1) : "-");
        results.Add("stored", counts.Submissions);
        results.Add("answered_checked", answered.Count);
        results.Add("leads", counts.Leads);
        results.Add("prospects", counts.Prospects);
        results.Add("tasks", counts.Tasks);
        results.Add("verification", pass ? "PASS" : "FAIL");
        results.Add("problems", pass ? "-" : string.Join(" | ", problems).Replace('\n', ' '));
        return pass ? 0 : 1;
    }

    /// <summary>Whether every answered submission already has a lead with a prospect with a task.</summary>
    private static async Task<bool> AnsweredAreThroughAsync(Store store, Dictionary<string, string?> answered)
    {
        var leadBySubmission = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in await store.RowsAsync("leads", "SELECT \"LeadId\", \"Reference\" FROM {0} WHERE \"Reference\" IS NOT NULL", "Sources"))
            leadBySubmission[row[1]!] = row[0]!;
        var prospectByLead = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in await store.RowsAsync("prospects", "SELECT \"Id\", \"LeadId\" FROM {0}", "Prospects"))
            prospectByLead[row[1]!] = row[0]!;
        var withTask = (await store.RowsAsync("outreach", "SELECT \"ProspectId\" FROM {0}", "Tasks")).Select(r => r[0]!).ToHashSet(StringComparer.Ordinal);
        return answered.Keys.All(s => leadBySubmission.TryGetValue(s, out var lead) && prospectByLead.TryGetValue(lead, out var prospect) && withTask.Contains(prospect));
    }

    private static async Task<List<string>> CheckAsync(Store store, Dictionary<string, string?> answered)
    {
        var problems = new List<string>();
        var submissions = (await store.RowsAsync("content", "SELECT \"Id\" FROM {0}", "Submissions")).Select(r => r[0]!).ToHashSet(StringComparer.Ordinal);
        var sources = await store.RowsAsync("leads", "SELECT \"LeadId\", \"Reference\" FROM {0}", "Sources");
        var leads = (await store.RowsAsync("leads", "SELECT \"Id\" FROM {0}", "Leads")).Select(r => r[0]!).ToHashSet(StringComparer.Ordinal);
        var prospects = await store.RowsAsync("prospects", "SELECT \"Id\", \"LeadId\" FROM {0}", "Prospects");
        var tasks = await store.RowsAsync("outreach", "SELECT \"ProspectId\", \"Kind\" FROM {0}", "Tasks");

        var leadsBySubmission = sources.Where(s => s[1] is not null).ToLookup(s => s[1]!, s => s[0]!, StringComparer.Ordinal);
        var sourcesByLead = sources.ToLookup(s => s[0]!, StringComparer.Ordinal);
        var prospectsByLead = prospects.ToLookup(p => p[1]!, p => p[0]!, StringComparer.Ordinal);
        var tasksByProspect = tasks.ToLookup(t => t[0]!, t => t[1], StringComparer.Ordinal);

        void Report(string what, IReadOnlyCollection<string> ids)
        {
            if (ids.Count > 0) problems.Add($"{ids.Count} {what} (e.g. {string.Join(", ", ids.Take(3))})");
        }

        Report("answered submissions not stored", [.. answered.Keys.Where(id => !submissions.Contains(id))]);
        Report("stored submissions without a lead", [.. submissions.Where(id => !leadsBySubmission.Contains(id))]);
        Report("submissions captured more than once", [.. submissions.Where(id => leadsBySubmission[id].Count() > 1)]);
        Report("answers whose leadId is not the captured lead", [.. answered.Where(a => a.Value is not null && leadsBySubmission[a.Key].FirstOrDefault() is { } l && l != a.Value).Select(a => a.Key)]);
        Report("leads from more than one submission (merged or duplicated)", [.. leads.Where(l => sourcesByLead[l].Count() > 1)]);
        var leadsOfStoredSubmissions = sources.Where(s => s[1] is not null && submissions.Contains(s[1]!)).Select(s => s[0]!).ToHashSet(StringComparer.Ordinal);
        Report("leads that no stored submission made", [.. leads.Where(l => !leadsOfStoredSubmissions.Contains(l))]);
        Report("leads without a prospect", [.. leads.Where(l => !prospectsByLead.Contains(l))]);
        Report("leads with more than one prospect", [.. leads.Where(l => prospectsByLead[l].Count() > 1)]);
        var prospectIds = prospects.Select(p => p[0]!).ToHashSet(StringComparer.Ordinal);
        Report("prospects without a call task", [.. prospectIds.Where(p => !tasksByProspect[p].Any(k => k == "call"))]);
        Report("prospects with more than one task", [.. prospectIds.Where(p => tasksByProspect[p].Count() > 1)]);
        Report("prospects of unknown leads", [.. prospects.Where(p => !leads.Contains(p[1]!)).Select(p => p[0]!)]);
        Report("tasks of unknown prospects", [.. tasks.Select(t => t[0]!).Where(p => !prospectIds.Contains(p)).Distinct()]);
        var unanswered = submissions.Count - answered.Keys.Count(submissions.Contains);
        if (unanswered > 0) Console.WriteLine($"  {unanswered} stored submissions got no 201 to the client (in flight when the load stopped, or timed out); they are checked too");
        return problems;
    }

    /// <summary>What has gone how far: cheap enough to poll every 100 ms.</summary>
    private sealed record Counts(long Submissions, long CapturedSubmissions, long Leads, long Prospects, long Tasks, long PendingOutbox)
    {
        public bool IsDrained => Submissions > 0 && CapturedSubmissions >= Submissions && Leads >= Submissions
            && Prospects >= Leads && Tasks >= Prospects && PendingOutbox <= 0;

        public override string ToString() =>
            $"{Submissions} submissions stored, {CapturedSubmissions} captured, {Leads} leads, {Prospects} prospects, {Tasks} call tasks, " +
            (PendingOutbox < 0 ? "outbox not readable" : $"{PendingOutbox} outbox messages pending");
    }

    private abstract class Store : IAsyncDisposable
    {
        private static readonly string[] Modules = ["content", "leads", "prospects", "outreach"];

        protected abstract DbConnection Connection(string module);

        protected abstract string Table(string module, string table);

        public async Task<Counts> CountsAsync()
        {
            var pending = 0L;
            foreach (var module in Modules)
            {
                try
                {
                    pending += await ScalarAsync(module, "SELECT COUNT(*) FROM {0} WHERE \"ProcessedAt\" IS NULL", "OutboxMessages");
                }
                catch (DbException)
                {
                    // The outbox is the write path's business and may change shape: then the counts alone decide.
                    pending = -1;
                    break;
                }
            }
            return new Counts(
                await ScalarAsync("content", "SELECT COUNT(*) FROM {0}", "Submissions"),
                await ScalarAsync("leads", "SELECT COUNT(DISTINCT \"Reference\") FROM {0}", "Sources"),
                await ScalarAsync("leads", "SELECT COUNT(*) FROM {0}", "Leads"),
                await ScalarAsync("prospects", "SELECT COUNT(*) FROM {0}", "Prospects"),
                await ScalarAsync("outreach", "SELECT COUNT(*) FROM {0}", "Tasks"),
                pending);
        }

        public async Task<long> ScalarAsync(string module, string sql, string table)
        {
            var connection = Connection(module);
            await using var command = connection.CreateCommand();
            command.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, Table(module, table));
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async Task<List<string?[]>> RowsAsync(string module, string sql, string table)
        {
            var connection = Connection(module);
            await using var command = connection.CreateCommand();
            command.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, Table(module, table));
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string?[]>();
            while (await reader.ReadAsync())
            {
                var row = new string?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i).ToString();
                rows.Add(row);
            }
            return rows;
        }

        public abstract ValueTask DisposeAsync();
    }

    private sealed class SqliteStore(string directory) : Store
    {
        private readonly Dictionary<string, SqliteConnection> _connections = [];

        protected override DbConnection Connection(string module)
        {
            if (_connections.TryGetValue(module, out var open)) return open;
            var file = Path.Combine(directory, module + ".db");
            if (!File.Exists(file)) throw new UsageException($"{file} does not exist");
            // Read-only: the host is the only writer; a WAL reader never blocks it.
            var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False;Default Timeout=30");
            connection.Open();
            _connections[module] = connection;
            return connection;
        }

        protected override string Table(string module, string table) => $"\"{table}\"";

        public override async ValueTask DisposeAsync()
        {
            foreach (var connection in _connections.Values) await connection.DisposeAsync();
        }
    }

    private sealed class PostgresStore(string connectionString) : Store
    {
        private NpgsqlConnection? _connection;

        protected override DbConnection Connection(string module)
        {
            if (_connection is not null) return _connection;
            _connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            _connection.Open();
            using var readOnly = _connection.CreateCommand();
            readOnly.CommandText = "SET default_transaction_read_only = on";
            readOnly.ExecuteNonQuery();
            return _connection;
        }

        protected override string Table(string module, string table) => $"\"{module}\".\"{table}\"";

        public override async ValueTask DisposeAsync()
        {
            if (_connection is not null) await _connection.DisposeAsync();
        }
    }
}
