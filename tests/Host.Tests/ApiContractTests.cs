using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>What every integrator relies on (shared/API.md): keys and roles, problem+json errors, OpenAPI, health.</summary>
public sealed class ApiContractTests(SharedHosts hosts) : IClassFixture<SharedHosts>
{
    private Task<(TestStore Store, HostProcess Host, SeededContent Content)> Host() => hosts.GetAsync(Provider.Sqlite);

    [Fact]
    public async Task Api_without_a_key_is_a_401_problem_asking_for_one()
    {
        var (_, host, _) = await Host();

        using var response = await host.Anonymous.GetAsync("/api/leads");

        var problem = await TandemApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("Authorization: Bearer", problem.Str("detail"));
    }

    [Fact]
    public async Task Sales_key_created_with_the_cli_works_for_prospects_but_is_a_403_problem_for_content_authoring()
    {
        var (store, host, _) = await Host();
        var key = await HostCli.CreateApiKeyAsync(store, "sales-rep", "sales");
        using var sales = host.CreateClient(key);

        using var prospects = await sales.GetAsync("/api/prospects");
        Assert.Equal(HttpStatusCode.OK, prospects.StatusCode);
        using var leads = await sales.GetAsync("/api/leads");
        Assert.Equal(HttpStatusCode.OK, leads.StatusCode);

        using var campaign = await sales.PostAsJsonAsync("/api/content/campaigns", new { name = "Not mine to make", channel = "content" });
        await TandemApi.AssertProblemAsync(campaign, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Validation_errors_are_a_400_problem_with_errors_per_field_and_store_nothing()
    {
        var (store, host, _) = await Host();
        var email = $"invalid.{Guid.NewGuid().ToString("N")[..8]}@exemple-solaire.fr";

        using var lead = await host.Http.PostAsJsonAsync("/api/leads", new { email, phone = "call me maybe", kind = "robot", source = new { channel = "carrier-pigeon" } });
        var leadProblem = await TandemApi.AssertProblemAsync(lead, HttpStatusCode.BadRequest, "validation");
        var leadErrors = leadProblem["errors"]!.AsObject().Select(e => e.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "phone", "kind", "source.channel" }, leadErrors);
        Assert.Empty(await TandemApi.LeadsByEmailAsync(host.Http, email)); // the valid email was not stored either

        var formsBefore = await store.ScalarAsync("Content", $"SELECT COUNT(*) FROM {store.Table("Content", "Forms")}");
        using var form = await host.Http.PostAsJsonAsync("/api/content/forms", new
        {
            name = "",
            fields = new object[] { new { name = "callback", label = "Rappel", type = "checkbox" }, new { name = "email", label = "", type = "fax" } },
        });
        var formProblem = await TandemApi.AssertProblemAsync(form, HttpStatusCode.BadRequest, "validation");
        var formErrors = formProblem["errors"]!.AsObject();
        Assert.Contains("name", formErrors.Select(e => e.Key));
        Assert.Contains("fields[0].name", formErrors.Select(e => e.Key)); // reserved name
        Assert.Contains("fields[1].label", formErrors.Select(e => e.Key));
        Assert.Contains("fields[1].type", formErrors.Select(e => e.Key));
        Assert.Equal(formsBefore, await store.ScalarAsync("Content", $"SELECT COUNT(*) FROM {store.Table("Content", "Forms")}"));

        using var page = await host.Http.PostAsJsonAsync("/api/content/landing-pages", new { slug = "Not A Slug!", title = "x", formId = "no-such-form" });
        var pageErrors = (await TandemApi.AssertProblemAsync(page, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject();
        Assert.Contains("slug", pageErrors.Select(e => e.Key));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_not_a_500()
    {
        var (_, host, _) = await Host();

        using var truncated = await host.Http.PostAsync("/api/content/campaigns",
            new StringContent("{\"name\": \"Guide\", \"channel\":", Encoding.UTF8, "application/json"));
        var problem = await TandemApi.AssertProblemAsync(truncated, HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem.Str("detail"));

        using var wrongShape = await host.Http.PostAsync("/api/leads", new StringContent("[1, 2, 3]", Encoding.UTF8, "application/json"));
        await TandemApi.AssertProblemAsync(wrongShape, HttpStatusCode.BadRequest);

        using var wrongType = await host.Http.PostAsync("/api/content/campaigns",
            new StringContent("{\"name\": 42, \"channel\": \"content\"}", Encoding.UTF8, "application/json"));
        await TandemApi.AssertProblemAsync(wrongType, HttpStatusCode.BadRequest);

        host.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task Landing_page_on_a_taken_slug_is_a_409_problem()
    {
        var (_, host, content) = await Host();

        using var response = await host.Http.PostAsJsonAsync("/api/content/landing-pages", new { slug = content.Slug, title = "Twin", formId = content.FormId });

        await TandemApi.AssertProblemAsync(response, HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        var (_, host, content) = await Host();

        using var response = await host.Http.DeleteAsync($"/p/{content.Slug}");

        await TandemApi.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        var (_, host, _) = await Host();

        using var response = await host.Http.GetAsync("/api/no-such-module/things");

        await TandemApi.AssertProblemAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Unknown_lead_is_a_404_problem()
    {
        var (_, host, _) = await Host();

        using var response = await host.Http.GetAsync("/api/leads/no-such-lead");

        await TandemApi.AssertProblemAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Openapi_document_is_served_and_describes_the_public_and_api_endpoints()
    {
        var (_, host, _) = await Host();

        using var response = await host.Anonymous.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.", document.Str("openapi"));
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/f/{formId}", paths);
        Assert.Contains("/p/{slug}", paths);
        Assert.Contains("/api/leads", paths.Select(p => p.TrimEnd('/')));
        Assert.Contains("/api/content/forms", paths);
        Assert.Contains("/api/outreach/tasks", paths);
    }

    [Fact]
    public async Task Openapi_declares_the_bearer_key_on_every_api_operation_and_none_on_public_ones()
    {
        var (_, host, _) = await Host();

        var document = await TandemApi.GetJsonAsync(host.Anonymous, "/openapi/v1.json");

        var schemes = document["components"]?["securitySchemes"]?.AsObject();
        Assert.True(schemes is not null, "no securitySchemes in components");
        var (schemeName, scheme) = schemes!.Single();
        Assert.Equal("http", scheme!.Str("type"));
        Assert.Equal("bearer", scheme!.Str("scheme"));
        foreach (var (path, method, operation) in Operations(document))
        {
            var security = operation["security"]?.AsArray();
            if (path.StartsWith("/api/", StringComparison.Ordinal))
                Assert.True(security is not null && security.Any(r => r!.AsObject().ContainsKey(schemeName)),
                    $"{method} {path} does not declare the {schemeName} key: {operation["security"]?.ToJsonString() ?? "no security"}");
            else // "security": [{}] — one requirement that needs nothing: explicitly public
                Assert.True(security is not null && security.All(r => r!.AsObject().Count == 0), $"{method} {path} is public and must say so: {operation["security"]?.ToJsonString() ?? "no security"}");
        }
    }

    [Fact]
    public async Task Openapi_gives_every_operation_a_summary_and_the_problems_it_can_answer()
    {
        var (_, host, _) = await Host();

        var document = await TandemApi.GetJsonAsync(host.Anonymous, "/openapi/v1.json");

        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 20, $"only {operations.Count} operations");
        foreach (var (path, method, operation) in operations)
        {
            var where = $"{method} {path}";
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{where} has no summary");
            var responses = operation["responses"]!.AsObject();
            var problems = responses.Where(r => r.Key.StartsWith('4')).ToList();
            Assert.True(problems.Count > 0, $"{where} lists no 4xx answer");
            Assert.All(problems, p => Assert.True(p.Value!["content"]?["application/problem+json"] is not null, $"{where} {p.Key} is not problem+json"));
            if (path.StartsWith("/api/", StringComparison.Ordinal)) Assert.Contains("401", responses.Select(r => r.Key));
            if (operation["requestBody"] is not null) Assert.Contains("400", responses.Select(r => r.Key));
            if (path.Contains("{id}", StringComparison.Ordinal)) Assert.Contains("404", responses.Select(r => r.Key));
        }
        var keys = operations.Single(o => o.Method == "get" && o.Path == "/api/keys").Operation["responses"]!.AsObject();
        Assert.Contains("403", keys.Select(r => r.Key)); // admin only
        var campaign = operations.Single(o => o.Method == "post" && o.Path == "/api/content/campaigns").Operation["responses"]!.AsObject();
        Assert.Contains("201", campaign.Select(r => r.Key));
        Assert.DoesNotContain("200", campaign.Select(r => r.Key));
    }

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where operation.Key is "get" or "put" or "post" or "delete" or "patch" or "head" or "options"
        select (path.Key, operation.Key, operation.Value!);

    [Fact]
    public async Task Health_endpoints_answer_without_a_key()
    {
        var (_, host, _) = await Host();

        using var live = await host.Anonymous.GetAsync("/health/live");
        using var ready = await host.Anonymous.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", JsonNode.Parse(await ready.Content.ReadAsStringAsync())!.Str("status"));
    }

    [Fact]
    public async Task Modules_endpoint_lists_every_module_enabled_with_its_requirements()
    {
        var (_, host, _) = await Host();

        var modules = (await TandemApi.GetJsonAsync(host.Http, "/api/modules")).AsArray();

        Assert.Equal(["Content", "Leads", "Prospects", "Outreach"], modules.Select(m => m!.Str("name")));
        Assert.All(modules, m => Assert.True(m!["enabled"]!.GetValue<bool>()));
        Assert.Equal(["Prospects"], modules.Single(m => m!.Str("name") == "Outreach")!["requires"]!.AsArray().Select(r => r!.GetValue<string>()));
    }
}

/// <summary>
/// Limits per client address: public endpoints (the API and health checks are not limited), and failed authentication
/// (a burst of wrong keys ends in 429s, logged with the address). One host with low limits for both; the tests use
/// different loopback addresses, so neither blocks the other.
/// </summary>
public sealed class RateLimitTests(RateLimitTests.LimitedHost limited) : IClassFixture<RateLimitTests.LimitedHost>
{
    [Fact]
    public async Task Public_endpoints_answer_a_429_problem_past_the_rate_limit()
    {
        var host = limited.Host;
        using var visitor = host.CreateClientFrom(IPAddress.Parse("127.0.0.2"), apiKey: null);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await visitor.GetAsync("/p/no-such-page");
            statuses.Add(allowed.StatusCode);
        }
        // Forwarded headers are not trusted unless Tandem:ForwardedHeaders:KnownProxies says so: claiming to be
        // another visitor does not escape the limit.
        using var spoofed = new HttpRequestMessage(HttpMethod.Post, "/f/no-such-form") { Content = JsonContent.Create(new { email = "a@exemple-solaire.fr" }) };
        spoofed.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.99");
        using var limitedResponse = await visitor.SendAsync(spoofed);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NotFound, s));
        await TandemApi.AssertProblemAsync(limitedResponse, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(limitedResponse.Headers.RetryAfter is not null, "a 429 says when to retry (Retry-After)");

        using var health = await visitor.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var api = await host.Http.GetAsync("/api/leads");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task Wrong_keys_from_one_address_are_answered_429_after_a_burst_while_other_addresses_go_on()
    {
        var host = limited.Host;
        var attacker = IPAddress.Parse("127.0.0.3");
        using var guesser = host.CreateClientFrom(attacker, "tdm_guess_0000000000000000000000000");
        using var rightKeyFromThere = host.CreateClientFrom(attacker, HostProcess.AdminKey);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var guess = await guesser.GetAsync("/api/leads");
            statuses.Add(guess.StatusCode);
        }
        using var blocked = await guesser.GetAsync("/api/leads");
        using var evenTheRightKey = await rightKeyFromThere.GetAsync("/api/leads");
        using var otherAddress = await host.Http.GetAsync("/api/leads");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        await TandemApi.AssertProblemAsync(blocked, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(blocked.Headers.RetryAfter is not null, "a 429 says when to retry (Retry-After)");
        await TandemApi.AssertProblemAsync(evenTheRightKey, HttpStatusCode.TooManyRequests, "rate-limited"); // guessing right does not help
        Assert.Equal(HttpStatusCode.OK, otherAddress.StatusCode);
        Assert.Contains(host.Output.Split('\n'), l => l.Contains("127.0.0.3", StringComparison.Ordinal));
        Assert.DoesNotContain("tdm_guess", host.Output);
        host.AssertNoErrorsLogged();
    }

    /// <summary>One host with a public limit of 3 and a failed-authentication limit of 5 per address, for an hour.</summary>
    public sealed class LimitedHost : IAsyncLifetime
    {
        private TestStore? _store;
        private HostProcess? _host;

        internal HostProcess Host => _host ?? throw new InvalidOperationException("The rate-limited host did not start.");

        public async Task InitializeAsync()
        {
            _store = await TestStore.CreateAsync(Provider.Sqlite);
            _host = await HostProcess.StartAsync(_store, null,
                "--Tandem:RateLimits:Public:PermitLimit=3", "--Tandem:RateLimits:Public:WindowSeconds=3600",
                "--Tandem:RateLimits:FailedAuthentication:PermitLimit=5", "--Tandem:RateLimits:FailedAuthentication:WindowSeconds=3600");
        }

        public async Task DisposeAsync()
        {
            if (_host is not null) await _host.DisposeAsync();
            if (_store is not null) await _store.DisposeAsync();
        }
    }
}
