using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>API keys have a lifecycle: listed (never the secret), revoked at once from the API or the CLI, last use recorded.</summary>
public sealed class ApiKeyTests(SharedHosts hosts) : IClassFixture<SharedHosts>
{
    private Task<(TestStore Store, HostProcess Host, SeededContent Content)> Host() => hosts.GetAsync(Provider.Sqlite);

    [Fact]
    public async Task Keys_are_listed_with_name_role_and_dates_but_never_the_secret()
    {
        var (store, host, _) = await Host();
        var name = Unique("crm-sync");
        var idle = Unique("never-used");
        var key = await HostCli.CreateApiKeyAsync(store, name, "sales");
        await HostCli.CreateApiKeyAsync(store, idle, "marketing");
        using (var sales = host.CreateClient(key))
        using (var used = await sales.GetAsync("/api/leads"))
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);

        using var response = await host.Http.GetAsync("/api/keys");
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, response.Describe(text));
        Assert.DoesNotContain(key, text);
        Assert.DoesNotContain(key[..12], text); // not even the start of the secret
        var items = JsonNode.Parse(text)!["items"]!.AsArray();
        var listed = items.Single(i => i!.Str("name") == name)!;
        Assert.Equal("sales", listed.Str("role"));
        Assert.False(string.IsNullOrEmpty(listed.Str("id")));
        Assert.True(DateTimeOffset.Parse(listed.Str("createdAt")) > DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.True(listed["lastUsedAt"] is not null, $"a key that authenticated a request has lastUsedAt: {listed.ToJsonString()}");
        Assert.Equal(["createdAt", "id", "lastUsedAt", "name", "role"], listed.AsObject().Select(p => p.Key).Order());
        Assert.Null(items.Single(i => i!.Str("name") == idle)!["lastUsedAt"]);
        Assert.Contains(items, i => i!.Str("name") == "bootstrap" && i!.Str("role") == "admin");
    }

    [Fact]
    public async Task A_key_revoked_through_the_api_is_refused_on_its_very_next_request()
    {
        var (store, host, _) = await Host();
        var name = Unique("leaving-intern");
        var key = await HostCli.CreateApiKeyAsync(store, name, "marketing");
        using var client = host.CreateClient(key);
        using (var before = await client.GetAsync("/api/leads"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode); // the key is now known to the host (and would be cached)
        var id = await KeyIdAsync(host, name);

        using var revoke = await host.Http.DeleteAsync($"/api/keys/{id}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var after = await client.GetAsync("/api/leads");

        await TandemApi.AssertProblemAsync(after, HttpStatusCode.Unauthorized, "invalid-api-key");
        Assert.DoesNotContain(await ListedNamesAsync(host), n => n == name);
        using var again = await host.Http.DeleteAsync($"/api/keys/{id}");
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode); // revoking twice is harmless
    }

    [Fact]
    public async Task A_key_revoked_with_the_cli_is_refused_at_once_by_the_running_host()
    {
        var (store, host, _) = await Host();
        var name = Unique("old-laptop");
        var key = await HostCli.CreateApiKeyAsync(store, name, "sales");
        using var client = host.CreateClient(key);
        using (var before = await client.GetAsync("/api/prospects"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var list = await HostCli.RunAsync(["apikey", "list", .. store.HostArgs]);
        Assert.True(list.ExitCode == 0, list.ToString());
        var row = list.Output.Split('\n').Single(l => l.Contains(name, StringComparison.Ordinal));
        Assert.DoesNotContain(key, list.Output);
        Assert.Contains("sales", row);
        var id = row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.Equal(await KeyIdAsync(host, name), id);

        var revoke = await HostCli.RunAsync(["apikey", "revoke", id, .. store.HostArgs]);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Contains(name, revoke.Output);
        using var after = await client.GetAsync("/api/prospects");

        await TandemApi.AssertProblemAsync(after, HttpStatusCode.Unauthorized, "invalid-api-key");
        var listAfter = await HostCli.RunAsync(["apikey", "list", .. store.HostArgs]);
        Assert.DoesNotContain(name, listAfter.Output);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_fails_in_the_cli_and_is_a_404_problem_in_the_api()
    {
        var (store, host, _) = await Host();

        var cli = await HostCli.RunAsync(["apikey", "revoke", "no-such-key", .. store.HostArgs]);
        using var api = await host.Http.DeleteAsync("/api/keys/no-such-key");

        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("no-such-key", cli.Output);
        await TandemApi.AssertProblemAsync(api, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Only_an_admin_key_lists_or_revokes_keys()
    {
        var (store, host, _) = await Host();
        var key = await HostCli.CreateApiKeyAsync(store, Unique("sales-rep"), "sales");
        using var sales = host.CreateClient(key);
        var adminId = await KeyIdAsync(host, "bootstrap");

        using var list = await sales.GetAsync("/api/keys");
        using var revoke = await sales.DeleteAsync($"/api/keys/{adminId}");

        await TandemApi.AssertProblemAsync(list, HttpStatusCode.Forbidden, "forbidden");
        await TandemApi.AssertProblemAsync(revoke, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("bootstrap", await ListedNamesAsync(host)); // still there
    }

    [Fact]
    public async Task A_wrong_key_is_another_problem_than_a_missing_one()
    {
        var (_, host, _) = await Host();
        using var wrong = host.CreateClient("tdm_this_key_was_never_created_000000000");
        using var basic = host.CreateClient(null);
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");

        using var missingResponse = await host.Anonymous.GetAsync("/api/leads");
        using var wrongResponse = await wrong.GetAsync("/api/leads");
        using var basicResponse = await basic.GetAsync("/api/leads");

        var missing = await TandemApi.AssertProblemAsync(missingResponse, HttpStatusCode.Unauthorized, "unauthorized");
        var invalid = await TandemApi.AssertProblemAsync(wrongResponse, HttpStatusCode.Unauthorized, "invalid-api-key");
        await TandemApi.AssertProblemAsync(basicResponse, HttpStatusCode.Unauthorized, "invalid-api-key");
        Assert.NotEqual(missing.Str("title"), invalid.Str("title"));
        Assert.Contains("Bearer", wrongResponse.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Consent_sent_by_an_api_caller_records_that_caller_as_its_proof_whatever_the_body_claims()
    {
        var (store, host, _) = await Host();
        var name = Unique("crm-import");
        var key = await HostCli.CreateApiKeyAsync(store, name, "sales");
        using var sales = host.CreateClient(key);
        var email = $"{Unique("consent")}@exemple-solaire.fr";

        var leadId = await TandemApi.PostCreatedAsync(sales, "/api/leads", new
        {
            email,
            kind = "consumer",
            source = new { channel = "api" },
            consents = new object[] { new { purpose = "newsletter", granted = true, text = "Oui", proof = "signed paper form, trust me" } },
            caller = new { keyId = "someone-else", keyName = "admin" },
        });

        var lead = await TandemApi.GetJsonAsync(host.Http, $"/api/leads/{leadId}");
        var consent = lead["consents"]!.AsArray().Single()!;
        Assert.Equal("newsletter", consent.Str("purpose"));
        Assert.Equal($"api-key:{await KeyIdAsync(host, name)} ({name})", consent["proof"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_bootstrap_key_ignored_because_keys_exist_says_so_in_the_log_without_the_key()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        var existing = await HostCli.CreateApiKeyAsync(store, "first-admin", "admin");
        const string ignored = "tdm_a_later_bootstrap_key_that_is_ignored";

        await using var host = await HostProcess.StartWithBootstrapKeyAsync(store, ignored, null);
        using var withIgnored = host.CreateClient(ignored);
        using var response = await withIgnored.GetAsync("/api/modules");
        using var withExisting = host.CreateClient(existing);
        using var ok = await withExisting.GetAsync("/api/modules");

        await TandemApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid-api-key");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var line = host.Output.Split('\n').FirstOrDefault(l => l.Contains("TANDEM_BOOTSTRAP_API_KEY", StringComparison.Ordinal));
        Assert.True(line is not null && line.Contains("ignored", StringComparison.Ordinal), $"no log line says the bootstrap key was ignored:\n{host.Output}");
        Assert.DoesNotContain(ignored, host.Output);
        Assert.DoesNotContain(ignored[..12], host.Output);
        host.AssertNoErrorsLogged();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static async Task<string> KeyIdAsync(HostProcess host, string name) =>
        (await TandemApi.GetJsonAsync(host.Http, "/api/keys"))["items"]!.AsArray().Single(i => i!.Str("name") == name)!.Str("id");

    private static async Task<List<string>> ListedNamesAsync(HostProcess host) =>
        (await TandemApi.GetJsonAsync(host.Http, "/api/keys"))["items"]!.AsArray().Select(i => i!.Str("name")).ToList();
}
