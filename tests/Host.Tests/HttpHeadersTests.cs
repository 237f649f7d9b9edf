using System.Net;
using System.Net.Http.Json;
using System.Text;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// Security headers on every answer, no caching of personal data, HEAD wherever GET works, and forwarded headers
/// honoured only from the proxies the configuration trusts (README, Configuration).
/// </summary>
public sealed class HttpHeadersTests(SharedHosts hosts, ITestOutputHelper output) : IClassFixture<SharedHosts>
{
    private Task<(TestStore Store, HostProcess Host, SeededContent Content)> Host() => hosts.GetAsync(Provider.Sqlite);

    [Fact]
    public async Task Pages_carry_a_content_security_policy_that_forbids_framing_and_scripts_and_never_sniff()
    {
        var (_, host, content) = await Host();

        using var page = await host.Anonymous.GetAsync($"/p/{content.Slug}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = Header(page, "Content-Security-Policy");
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("form-action 'self'", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.Matches("style-src 'self' 'sha256-[A-Za-z0-9+/=]+';", csp); // the page's one inline stylesheet, by its hash
        Assert.Equal("DENY", Header(page, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(page, "X-Content-Type-Options"));
        Assert.False(string.IsNullOrEmpty(Header(page, "Referrer-Policy")));

        // The page a browser gets back with the visitor's own values in it is not kept by any cache.
        using var form = new FormUrlEncodedContent([new("firstName", "Inès")]);
        using var again = await host.Anonymous.PostAsync($"/f/{content.FormId}", form);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("text/html", again.Content.Headers.ContentType?.MediaType);
        Assert.Contains("frame-ancestors 'none'", Header(again, "Content-Security-Policy"));
        Assert.Contains("no-store", again.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Api_answers_and_problems_are_never_cached_never_sniffed_and_never_framed()
    {
        var (_, host, _) = await Host();
        var email = $"no-store.{Guid.NewGuid().ToString("N")[..8]}@exemple-solaire.fr";
        using var created = await host.Http.PostAsJsonAsync("/api/leads", new { email, source = new { channel = "api" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        foreach (var path in new[] { created.Headers.Location!.ToString(), "/api/leads?email=" + Uri.EscapeDataString(email), "/api/leads/no-such-lead" })
        {
            using var response = await host.Http.GetAsync(path);
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"GET {path} ({(int)response.StatusCode}) has Cache-Control '{response.Headers.CacheControl}'");
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        }
        Assert.True(created.Headers.CacheControl?.NoStore == true, $"the 201 has Cache-Control '{created.Headers.CacheControl}'");
        using var unauthenticated = await host.Anonymous.GetAsync("/api/leads");
        Assert.True(unauthenticated.Headers.CacheControl?.NoStore == true);
        Assert.Equal("nosniff", Header(unauthenticated, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task Head_works_wherever_get_does_without_a_body_and_without_counting_a_visit()
    {
        var (store, host, content) = await Host();
        var visitsSql = $"SELECT COUNT(*) FROM {store.Table("Content", "Visits")} WHERE \"LandingPageId\" = (SELECT \"Id\" FROM {store.Table("Content", "LandingPages")} WHERE \"Slug\" = @slug)";
        var visitsBefore = await store.ScalarAsync("Content", visitsSql, ("slug", content.Slug));

        foreach (var (client, path) in new[]
        {
            (host.Anonymous, $"/p/{content.Slug}"), (host.Anonymous, "/health/live"), (host.Anonymous, "/health/ready"),
            (host.Anonymous, "/openapi/v1.json"), (host.Http, "/api/leads"), (host.Http, "/api/modules"), (host.Http, $"/api/content/forms/{content.FormId}"),
        })
        {
            using var get = await client.GetAsync(path);
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            var body = await head.Content.ReadAsByteArrayAsync();
            Assert.True(head.StatusCode == get.StatusCode, $"HEAD {path} answered {(int)head.StatusCode}, GET {(int)get.StatusCode}");
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
            Assert.Empty(body);
        }
        using var missing = await host.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/p/no-such-page"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // One GET of the page above counted; the HEAD did not.
        Assert.Equal(visitsBefore + 1, await store.ScalarAsync("Content", visitsSql, ("slug", content.Slug)));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_public_rate_limit_and_api_body_limit_follow_the_configuration()
    {
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        await using var host = await HostProcess.StartAsync(store, output,
            "--Tandem:RateLimits:Public:PermitLimit=2", "--Tandem:RateLimits:Public:WindowSeconds=3600",
            "--Tandem:ForwardedHeaders:KnownProxies:0=127.0.0.1", "--Tandem:Limits:ApiBodyBytes=4096");

        async Task<HttpStatusCode> ViewAs(string visitor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/p/no-such-page");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", visitor);
            using var response = await host.Anonymous.SendAsync(request);
            return response.StatusCode;
        }

        // Two visitors behind the same proxy (this test, on 127.0.0.1) each get their own allowance.
        Assert.Equal(HttpStatusCode.NotFound, await ViewAs("203.0.113.7"));
        Assert.Equal(HttpStatusCode.NotFound, await ViewAs("203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ViewAs("203.0.113.7"));
        Assert.Equal(HttpStatusCode.NotFound, await ViewAs("198.51.100.23"));
        Assert.Equal(HttpStatusCode.NotFound, await ViewAs("198.51.100.23"));

        // Tandem:Limits:ApiBodyBytes caps API bodies (1 MiB by default).
        using var big = await host.Http.PostAsync("/api/leads", new StringContent(
            "{\"email\":\"big@exemple-solaire.fr\",\"source\":{\"channel\":\"api\",\"detail\":\"" + new string('x', 5000) + "\"}}", Encoding.UTF8, "application/json"));
        await TandemApi.AssertProblemAsync(big, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        host.AssertNoErrorsLogged();
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues) : "";
}
