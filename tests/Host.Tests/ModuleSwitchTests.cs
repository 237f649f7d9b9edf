using System.Net;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>Modules switched off per customer (DESIGN rule 5): no endpoints, no tables, no errors, and a clear refusal when a needed module is off.</summary>
public sealed class ModuleSwitchTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Without_outreach_a_callback_submission_stops_at_the_prospect_without_error(Provider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var host = await HostProcess.StartAsync(store, output, "--Tandem:Modules:Outreach:Enabled=false");
        var content = await TandemApi.SeedContentAsync(host.Http);

        using var submitted = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId,
            new { email = "sans.outreach@exemple-solaire.fr", callback = true });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var leadId = (await TandemApi.ReadJsonAsync(submitted))!.Str("leadId");

        var prospects = await Eventually.ValueAsync(() => TandemApi.ProspectsOfLeadAsync(host.Http, leadId), p => p.Count > 0,
            TimeSpan.FromSeconds(60), _ => "no prospect yet");
        Assert.Single(prospects);
        // Every announcement, ProspectQualified included, was published and marked done: nothing waits, nothing failed.
        var outboxes = await Eventually.OutboxesDrainedAsync(store, TimeSpan.FromSeconds(60));
        Assert.All(outboxes, o => Assert.Empty(o.Failures));
        Assert.Contains(outboxes, o => o.Module == "Prospects" && o.Total > 0);

        using var tasks = await host.Http.GetAsync("/api/outreach/tasks");
        var disabled = await TandemApi.AssertProblemAsync(tasks, HttpStatusCode.ServiceUnavailable, "module-disabled");
        Assert.Equal("Outreach", disabled["module"]!.GetValue<string>());
        var modules = (await TandemApi.GetJsonAsync(host.Http, "/api/modules")).AsArray();
        Assert.False(modules.Single(m => m!.Str("name") == "Outreach")!["enabled"]!.GetValue<bool>());
        Assert.True(modules.Single(m => m!.Str("name") == "Prospects")!["enabled"]!.GetValue<bool>());

        Assert.False(await store.HasDatabaseAsync("Outreach"), "a disabled module gets no database (file or schema)");
        Assert.True(await store.HasDatabaseAsync("Prospects"));
        host.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Content_alone_keeps_every_submission_and_answers_without_a_lead()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        await using var host = await HostProcess.StartAsync(store, output,
            "--Tandem:Modules:Leads:Enabled=false", "--Tandem:Modules:Prospects:Enabled=false", "--Tandem:Modules:Outreach:Enabled=false");
        var content = await TandemApi.SeedContentAsync(host.Http);

        using var submitted = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new { email = "contenu.seul@exemple-solaire.fr", callback = true });
        var body = await TandemApi.ReadJsonAsync(submitted);

        Assert.True(submitted.StatusCode == HttpStatusCode.Created, submitted.Describe(body?.ToJsonString() ?? ""));
        Assert.False(string.IsNullOrEmpty(body!["submissionId"]?.GetValue<string>()));
        Assert.Null(body["leadId"]?.GetValue<string>());
        var outboxes = await Eventually.OutboxesDrainedAsync(store, TimeSpan.FromSeconds(60));
        Assert.Equal(1, Assert.Single(outboxes).Total); // FormSubmitted, published to nobody and marked done
        Assert.Equal(1, await store.ScalarAsync("Content", $"SELECT COUNT(*) FROM {store.Table("Content", "Submissions")}"));
        using var leads = await host.Http.GetAsync("/api/leads");
        Assert.Equal("Leads", (await TandemApi.AssertProblemAsync(leads, HttpStatusCode.ServiceUnavailable, "module-disabled"))["module"]!.GetValue<string>());
        foreach (var module in new[] { "Leads", "Prospects", "Outreach" }) Assert.False(await store.HasDatabaseAsync(module), $"{module} has a database");
        host.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Outreach_on_with_prospects_off_refuses_to_start_with_exit_code_2_and_says_why()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);

        var result = await HostCli.RunAsync(["--urls", "http://127.0.0.1:0", "--Tandem:Modules:Prospects:Enabled=false", .. store.HostArgs]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("The Outreach module needs the Prospects module", result.Output);
        Assert.Contains("Tandem:Modules:Prospects:Enabled", result.Output);
        Assert.False(await store.HasDatabaseAsync("Leads"), "nothing is migrated when the configuration is refused");
    }

    [Fact]
    public async Task Leads_off_while_prospects_need_it_refuses_to_start_naming_every_missing_dependency()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);

        var result = await HostCli.RunAsync(["run", "--urls", "http://127.0.0.1:0", "--Tandem:Modules:Leads:Enabled=false", .. store.HostArgs]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("The Prospects module needs the Leads module", result.Output);
    }
}
