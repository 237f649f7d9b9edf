using System.Diagnostics;
using System.Text.RegularExpressions;
using Mediator;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tandem.Host.Messaging;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;

namespace Tandem.Messaging.Tests;

/// <summary>
/// The hot path searches indexes (docs/architecture.md, "Queries on the hot path search an index"): every statement EF
/// Core runs while a submission becomes a lead, a prospect and a call task (requests, inline capture, the dispatcher's
/// batches, the step scheduler, the purge) is explained with SQLite's <c>EXPLAIN QUERY PLAN</c> against the host's own
/// files, and none may scan a table that grows with the traffic. A scan costs nothing in a test's empty tables and
/// grows with every row in production: a query whose OR made the planner scan every active enrolment on each batch cost
/// a quarter of the chain's CPU before it was found by profiling. The lists a team opens every day follow the same rule,
/// and read each page in an index's order instead of sorting everything that matches.
/// </summary>
public sealed class QueryPlanTests
{
    /// <summary>
    /// Tables a team fills by hand, a few rows to a few hundred: reading them whole costs less than an index lookup's
    /// bookkeeping. Every other table grows with submissions, leads, prospects or messages.
    /// </summary>
    private static readonly HashSet<string> Configuration = new(StringComparer.Ordinal)
    {
        "Forms", "LandingPages", "Assets", "Campaigns", "MqlDefinitions", "Icps", "Personas", "Sequences", "BookingProfiles",
        "__EFMigrationsHistory",
    };

    [Fact]
    public async Task The_path_from_a_submission_to_its_call_task_scans_no_table_that_grows()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite);
        using var capture = new StatementCapture(host.DataDirectory!);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        string formId;
        await using (var scope = host.Scope())
            formId = (await scope.ServiceProvider.GetRequiredService<ISender>().Send(new CreateForm("Guide", null, null,
                [new FormFieldSpec("email", "E-mail", "email", true), new FormFieldSpec("phone", "Téléphone", "tel", false)],
                [new FormConsentSpec("newsletter", "J'accepte de recevoir la lettre d'information", false)], OffersCallback: true))).Id;
        capture.Start();

        // Twelve people, one of them twice (the second submission merges into the first lead), in two rounds, so that
        // the second round meets rows the first one wrote.
        for (var round = 0; round < 2; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
            {
                var n = round * 6 + i;
                await using var scope = host.Scope();
                await scope.ServiceProvider.GetRequiredService<ISender>().Send(new SubmitForm(formId, new Dictionary<string, string>
                {
                    ["email"] = n == 11 ? "person-0@example.fr" : $"person-{n}@example.fr",
                    ["phone"] = $"06{n:D8}", ["consent.newsletter"] = "on", ["callback"] = "on",
                }, "127.0.0.1", "test"));
            }));
            foreach (var module in new[] { "Content", "Leads", "Prospects", "Outreach" })
                await dispatcher.DispatchDueAsync(host.Database(module), CancellationToken.None);
            await dispatcher.DispatchDueAsync(host.Database("Prospects"), CancellationToken.None);
            await host.RunSchedulerAsync();
        }
        host.Clock.Advance(TimeSpan.FromDays(8));
        foreach (var module in new[] { "Content", "Leads", "Prospects", "Outreach" })
            await dispatcher.PurgeAsync(host.Database(module), CancellationToken.None);

        var statements = capture.Stop();
        Assert.Contains(statements, s => s.Sql.Contains("\"Enrollments\"", StringComparison.Ordinal)); // the chain ran to the end
        var scans = new List<string>();
        foreach (var statement in statements.DistinctBy(s => (s.DataSource, s.Sql)))
            scans.AddRange(await ScansAsync(statement));
        Assert.True(scans.Count == 0, "Statements that scan a growing table:\n\n" + string.Join("\n\n", scans));
    }

    [Fact]
    public async Task The_lists_a_team_opens_every_day_read_their_page_in_order_without_scanning_or_sorting_a_growing_table()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite);
        using var capture = new StatementCapture(host.DataDirectory!);
        capture.Start();
        await using (var scope = host.Scope())
        {
            var q = scope.ServiceProvider.GetRequiredService<ISender>();
            // A rep's day and the manager's: tasks, prospects by stage and by owner, the pipeline's columns, the lead inbox.
            await q.Send(new ListTasks("alice", host.Clock.GetUtcNow(), null, 1, 50));
            await q.Send(new ListTasks("alice", null, null, 2, 50));
            await q.Send(new ListTasks(null, null, null, 1, 50));
            await q.Send(new ListProspects(ProspectStages.Consideration, null, null, 1, 50));
            await q.Send(new ListProspects(null, "alice", null, 1, 50));
            await q.Send(new ListProspects(ProspectStages.Consideration, "alice", null, 2, 50));
            await q.Send(new ListProspects(null, null, null, 1, 50));
            foreach (var column in PipelineColumns.All)
            {
                await q.Send(new ListPipelineColumn(column, null));
                await q.Send(new ListPipelineColumn(column, "alice"));
            }
            await q.Send(new ListOverdueProspects("alice"));
            await q.Send(new ListLeads(null, null, "new", null, 1, 50));
            await q.Send(new ListLeads(null, null, null, null, 2, 50));
        }

        var statements = capture.Stop();
        Assert.Contains(statements, s => s.Sql.Contains("\"Tasks\"", StringComparison.Ordinal));
        var found = new List<string>();
        foreach (var statement in statements.DistinctBy(s => (s.DataSource, s.Sql)))
            found.AddRange(await ScansAsync(statement, sortsToo: true));
        Assert.True(found.Count == 0, "Statements that scan or sort a growing table:\n\n" + string.Join("\n\n", found));
    }

    /// <summary>
    /// The plan lines of one captured command that scan a table outside <see cref="Configuration"/>; with
    /// <paramref name="sortsToo"/>, also a sort for ORDER BY, unless the rows come from a list of ids (a page's own rows,
    /// bounded by the page).
    /// </summary>
    private static async Task<List<string>> ScansAsync(Statement statement, bool sortsToo = false)
    {
        var found = new List<string>();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            { DataSource = statement.DataSource, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        // EF Core joins batched statements with ";" at a line end; each is explained alone.
        foreach (var sql in Regex.Split(statement.Sql, @";\s*(?:\r?\n|$)").Select(s => s.Trim()).Where(s => s.Length > 0))
        {
            if (Regex.IsMatch(sql, @"^(PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|CREATE|DROP|ALTER)\b", RegexOptions.IgnoreCase)) continue;
            var tables = Regex.Matches(sql, "\"(\\w+)\" AS \"(\\w+)\"").ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var (name, value) in statement.Parameters)
                if (sql.Contains(name, StringComparison.Ordinal)) explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
            var details = new List<string>();
            await using (var plan = await explain.ExecuteReaderAsync())
                while (await plan.ReadAsync()) details.Add(plan.GetString(3));
            if (sortsToo && details.Any(d => d.StartsWith("USE TEMP B-TREE FOR", StringComparison.Ordinal) && d.Contains("ORDER BY", StringComparison.Ordinal))
                && !details.Any(d => d.Contains("VIRTUAL TABLE", StringComparison.Ordinal))
                && !tables.Values.All(Configuration.Contains))
                found.Add($"{Path.GetFileName(statement.DataSource)}: {string.Join(" | ", details)}\n{sql}");
            foreach (var detail in details)
            {
                // A table read row by row; not a json_each list, a VALUES list or a constant row.
                var scanned = Regex.Match(detail, @"^SCAN (\w+)(?!.*(VIRTUAL TABLE|VALUES CLAUSE))");
                if (!scanned.Success || detail.StartsWith("SCAN CONSTANT ROW", StringComparison.Ordinal)) continue;
                var name = scanned.Groups[1].Value;
                // A table of the statement (by its alias or its own name), not a subquery's result.
                if (!tables.TryGetValue(name, out var table) && !Regex.IsMatch(sql, $@"\b(FROM|JOIN|UPDATE|INTO)\s+""{name}""")) continue;
                table ??= name;
                if (table is "json_each" || Configuration.Contains(table)) continue;
                // In a list without a filter, a walk of an index in the page's order that stops at the LIMIT is the page itself
                // (with a filter the index does not hold, the walk may read the whole table to fill a page); the total
                // of an unfiltered list counts the table's smallest index (what a list's "N in all" costs).
                if (sortsToo && ((detail.Contains("USING", StringComparison.Ordinal) && Regex.IsMatch(sql, @"\bLIMIT\b") && !Regex.IsMatch(sql, @"\bWHERE\b"))
                        || Regex.IsMatch(sql, @"^SELECT COUNT\(\*\)\s+FROM ""\w+"" AS ""\w+""$"))) continue;
                found.Add($"{Path.GetFileName(statement.DataSource)}: {detail}\n{sql}");
            }
        }
        return found;
    }

    private sealed record Statement(string DataSource, string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

    /// <summary>
    /// The commands EF Core executes on one host's SQLite files, from its <see cref="DiagnosticListener"/> (process-wide,
    /// so other tests' hosts running in parallel are told apart by their data folder).
    /// </summary>
    private sealed class StatementCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _directory;
        private readonly List<IDisposable> _subscriptions = [];
        private readonly List<Statement> _statements = [];
        private readonly IDisposable _all;
        private volatile bool _recording;

        public StatementCapture(string directory)
        {
            _directory = directory;
            _all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public void Start() => _recording = true;

        public List<Statement> Stop()
        {
            _recording = false;
            lock (_statements) return [.. _statements];
        }

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name != DbLoggerCategory.Name) return;
            lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuted.Name));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (!_recording || value.Value is not CommandExecutedEventData executed) return;
            var command = executed.Command;
            var source = command.Connection?.DataSource;
            if (source is null || !source.StartsWith(_directory, StringComparison.Ordinal)) return;
            var parameters = command.Parameters.Cast<System.Data.Common.DbParameter>().Select(p => (p.ParameterName, p.Value)).ToList();
            lock (_statements) _statements.Add(new Statement(source, command.CommandText, parameters));
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions) _subscriptions.ForEach(s => s.Dispose());
        }
    }
}
