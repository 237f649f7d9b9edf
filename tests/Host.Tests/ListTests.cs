using System.Net;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>Lists follow one convention (shared/API.md): <c>{"items", "total"}</c> with <c>page</c>/<c>pageSize</c>, and bad paging is a 4xx, never a 500.</summary>
public sealed class ListTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_page_far_beyond_the_last_one_is_an_empty_page_or_a_400_never_a_500_nor_the_first_page(Provider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var host = await HostProcess.StartAsync(store, output);
        var content = await TandemApi.SeedContentAsync(host.Http);
        using (var submitted = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = "page.far@exemple-solaire.fr", callback = true }))
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        await Eventually.ValueAsync(() => TandemApi.AllProspectsAsync(host.Http), p => p.Count == 1, TimeSpan.FromSeconds(60), _ => "no prospect yet");

        foreach (var path in new[] { "/api/leads", "/api/prospects" })
        {
            // (page - 1) * pageSize does not fit in 32 bits here.
            using var response = await host.Http.GetAsync($"{path}?page={int.MaxValue}&pageSize=50");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"GET {path}?page={int.MaxValue} answered {response.Describe(body)}");
            if (response.StatusCode == HttpStatusCode.OK)
                Assert.True(JsonNode.Parse(body)!["items"]!.AsArray().Count == 0, $"GET {path}?page={int.MaxValue} answered items of another page: {body}");
            else
                Assert.Contains("page", (await TandemApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key));
        }
    }

    [Fact]
    public async Task Rep_task_queue_total_counts_every_open_task_beyond_the_first_500()
    {
        const int prospects = 501;
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        await using var host = await HostProcess.StartAsync(store, output, "--Tandem:Outbox:PollIntervalMs=200");
        var content = await TandemApi.SeedContentAsync(host.Http);
        await Parallel.ForEachAsync(Enumerable.Range(0, prospects), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            using var response = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = $"queue-{i:D4}@exemple-solaire.fr", callback = true });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });
        await Eventually.OutboxesDrainedAsync(store, TimeSpan.FromMinutes(3));
        Assert.Equal(prospects, (await TandemApi.AllProspectsAsync(host.Http)).Count);

        // Call tasks are created by the step scheduler once the enrolments are stored: poll until it has run them all.
        var queue = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(host.Http, "/api/outreach/tasks"),
            q => q["total"]!.GetValue<int>() >= prospects, TimeSpan.FromMinutes(1), q => $"{q["total"]} open tasks");

        Assert.Equal(prospects, queue["total"]!.GetValue<int>());
    }
}
