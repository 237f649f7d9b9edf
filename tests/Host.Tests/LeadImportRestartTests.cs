using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tandem.Host.Tests;

/// <summary>
/// A lead import survives the death of its process (docs/leads.md, "Import"): the host is SIGKILLed while a 30,000-row
/// file is half imported; the restarted host takes the import over once its lease has expired, resumes after the last
/// committed batch and finishes with every row counted once, every person created once and one source entry per row.
/// The import is large enough to defer the search indexes (docs/leads.md, "Import"): they are gone while it runs, still
/// gone after the kill, and built again when the resumed import ends.
/// </summary>
public sealed class LeadImportRestartTests(ITestOutputHelper output)
{
    private const int Rows = 30_000;

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task An_import_killed_half_way_resumes_after_a_restart_and_imports_no_row_twice(Provider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // Batches of 5,000 (not the default): six commits in the file, so that the kill lands between two of them.
        // Deferring from 1,000 rows (not 100,000): this 30,000-row file drops the search indexes before its first batch.
        var host = await HostProcess.StartAsync(store, output, "--Tandem:Leads:Import:LeaseSeconds=5", "--Tandem:Leads:Import:BatchSize=5000",
            "--Tandem:Leads:Import:DeferSearchIndexesFromRows=1000");
        Assert.Equal(SearchIndexNames.Length, await SearchIndexesAsync(store));
        try
        {
            // Every 50th row repeats the person of the row before it (email in capitals: merged); every 100th has no valid
            // email (rejected with its row number). Rows are numbered as a spreadsheet shows them: the header is row 1.
            var csv = new StringBuilder("Prénom;Nom;E-mail;Code postal\r\n");
            int created = 0, merged = 0, rejected = 0;
            for (var i = 1; i <= Rows; i++)
            {
                if (i % 100 == 0) { csv.Append($"Bad;Row{i};pas-un-email-{i};69001\r\n"); rejected++; }
                else if (i % 50 == 0) { csv.Append($"Élodie;Lefèvre;PERSONNE.{i - 1}@EXEMPLE-SOLAIRE.FR;;\r\n"); merged++; }
                else { csv.Append($"Élodie;Lefèvre;personne.{i}@exemple-solaire.fr;75001\r\n"); created++; }
            }
            using var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            using var form = new MultipartFormDataContent { { file, "file", "salon.csv" }, { new StringContent("event"), "source" } };
            using var response = await host.Http.PostAsync("/api/leads/imports", form);
            var started = (await TandemApi.ReadJsonAsync(response))!;
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, response.Describe(started.ToJsonString()));
            var id = started.Str("id");

            // Kill as soon as at least one batch is committed and the file is not finished.
            var atKill = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(host.Http, $"/api/leads/imports/{id}"),
                s => s["rows"]!.GetValue<int>() > 0 || s.Str("status") is "completed" or "failed", TimeSpan.FromSeconds(120), s => s.ToJsonString(),
                interval: TimeSpan.FromMilliseconds(20));
            await host.KillAsync();
            var rowsAtKill = atKill["rows"]!.GetValue<int>();
            output.WriteLine($"[{provider}] killed with {rowsAtKill:N0} of {Rows:N0} rows committed: {atKill.ToJsonString()}");
            Assert.True(atKill.Str("status") == "running" && rowsAtKill < Rows, $"the import was not half way when the host was killed: {atKill.ToJsonString()}");
            Assert.Equal(0, await SearchIndexesAsync(store));

            host = await host.RestartAsync();
            var done = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(host.Http, $"/api/leads/imports/{id}"),
                s => s.Str("status") is "completed" or "failed", TimeSpan.FromSeconds(180), s => s.ToJsonString());
            output.WriteLine($"[{provider}] after the restart: {done.ToJsonString()}");

            Assert.Equal("completed", done.Str("status"));
            Assert.Equal((Rows, created, merged, rejected),
                (done["rows"]!.GetValue<int>(), done["created"]!.GetValue<int>(), done["merged"]!.GetValue<int>(), done["rejected"]!.GetValue<int>()));
            var errorRows = done["errors"]!.AsArray().Select(e => e!["row"]!.GetValue<int>()).ToList();
            Assert.Equal(errorRows.Distinct().Count(), errorRows.Count);
            Assert.All(errorRows, r => Assert.Equal(0, (r - 1) % 100)); // data row i is spreadsheet row i + 1

            // What the database holds, counted directly: one lead per person, one source entry per accepted row, each
            // row's reference once.
            var leads = store.Table("Leads", "Leads");
            var sources = store.Table("Leads", "Sources");
            Assert.Equal(created, await store.ScalarAsync("Leads", $"SELECT COUNT(*) FROM {leads}"));
            Assert.Equal(created + merged, await store.ScalarAsync("Leads", $"SELECT COUNT(*) FROM {sources} WHERE \"Detail\" = @d", ("d", $"import:{id}")));
            Assert.Equal(created + merged, await store.ScalarAsync("Leads", $"SELECT COUNT(DISTINCT \"Reference\") FROM {sources} WHERE \"Detail\" = @d", ("d", $"import:{id}")));
            // The search indexes are back, and a search by name reads them again.
            Assert.Equal(SearchIndexNames.Length, await SearchIndexesAsync(store));
            var found = await TandemApi.GetJsonAsync(host.Http, "/api/leads?q=lefevre&pageSize=5");
            Assert.Equal(5, found["items"]!.AsArray().Count);
            host.AssertNoErrorsLogged();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// An import stopped for good with its search indexes dropped (here: dropped by hand, no import pending) does not
    /// leave search without them: the import worker builds what is missing when a host starts with nothing to import.
    /// </summary>
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_host_starting_with_no_import_pending_builds_the_search_indexes_an_import_left_dropped(Provider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var host = await HostProcess.StartAsync(store, output);
        try
        {
            await host.KillAsync();
            var prefix = provider == Provider.Postgres ? "leads." : "";
            foreach (var name in SearchIndexNames) await store.ScalarAsync("Leads", $"DROP INDEX {prefix}\"{name}\"");
            Assert.Equal(0, await SearchIndexesAsync(store));

            host = await host.RestartAsync();
            await Eventually.ValueAsync(() => SearchIndexesAsync(store), n => n == SearchIndexNames.Length, TimeSpan.FromSeconds(60), n => $"{n} search indexes");
            host.AssertNoErrorsLogged();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static readonly string[] SearchIndexNames = ["IX_Leads_SearchText_Id", "IX_Leads_NameKey_Id", "IX_Leads_CompanyKey_Id", "IX_Leads_PostalCode"];

    private static Task<long> SearchIndexesAsync(TestStore store)
    {
        var names = string.Join(", ", SearchIndexNames.Select(n => $"'{n}'"));
        return store.ScalarAsync("Leads", store is SqliteStore
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ({names})"
            : $"SELECT COUNT(*) FROM pg_indexes WHERE schemaname = 'leads' AND indexname IN ({names})");
    }
}
