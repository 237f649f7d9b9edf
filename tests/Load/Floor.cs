using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Tandem.Load;

/// <summary>
/// The floor of this disk: how many durable commits per second SQLite makes when each commit carries one row
/// (WAL, <c>synchronous=FULL</c>, one connection, one prepared insert). A request path that commits once per request,
/// without group commit, cannot be faster than this; group commit (many callers per commit) is how to go beyond it.
/// </summary>
internal static class Floor
{
    public static int Run(Options options)
    {
        var dir = options.Required("--dir");
        var seconds = options.Number("--seconds", 3);
        var synchronous = (options.Get("--synchronous") ?? "FULL").ToUpperInvariant();
        if (synchronous is not ("FULL" or "NORMAL")) throw new UsageException("--synchronous takes FULL or NORMAL");
        var results = new Results(options.Get("--out"));

        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "floor.db");
        foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);

        double commitsPerSecond;
        double[] latencies;
        using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous};");
            Execute(connection, "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, at INTEGER NOT NULL)");
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO rows (payload, at) VALUES ($payload, $at)";
            var payload = insert.Parameters.Add("$payload", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            insert.Prepare();
            // About the size of a stored form submission.
            var text = new string('x', 300);

            void CommitOne()
            {
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                payload.Value = text;
                at.Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                insert.ExecuteNonQuery();
                transaction.Commit();
            }

            // Untimed: the WAL file grows to its working size and the code is compiled.
            var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
            while (Stopwatch.GetTimestamp() < warmUntil) CommitOne();

            var samples = new List<double>(capacity: 50_000);
            var started = Stopwatch.GetTimestamp();
            var stop = started + (long)(seconds * Stopwatch.Frequency);
            long now;
            do
            {
                var before = Stopwatch.GetTimestamp();
                CommitOne();
                now = Stopwatch.GetTimestamp();
                samples.Add((now - before) * 1000.0 / Stopwatch.Frequency);
            } while (now < stop);
            commitsPerSecond = samples.Count / ((now - started) / (double)Stopwatch.Frequency);
            latencies = [.. samples.Order()];
        }
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);

        Console.WriteLine(FormattableString.Invariant(
            $"SQLite floor: {commitsPerSecond:0} durable commits/s (one row per commit, WAL, synchronous={synchronous}, {latencies.Length} commits in {seconds:0.#} s; commit p50 {Percentiles.Of(latencies, 50):0.00} ms, p99 {Percentiles.Of(latencies, 99):0.00} ms) in {dir}"));
        results.Add("floor_commits_per_s", Math.Round(commitsPerSecond));
        results.Add("floor_commit_p50_ms", Math.Round(Percentiles.Of(latencies, 50), 2));
        results.Add("floor_commit_p99_ms", Math.Round(Percentiles.Of(latencies, 99), 2));
        return 0;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
