using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>The plugin endpoints over real HTTP (Kestrel on a loopback port), with real plugin builds.</summary>
public sealed class WebhookEndpointTests
{
    [Fact]
    public async Task Api_plugins_lists_every_plugin_with_status_reason_and_capabilities()
    {
        using var folder = new PluginFolder().With(Built.Good).With(Built.ThrowsOnConfigure)
            .With(Built.Flaky, manifest: m => m.Replace("\"^1.0\"", "\"^3\""));
        await using var host = await WebPluginHost.StartAsync(folder,
            new Dictionary<string, string?> { ["Tandem:Plugins:throws-on-configure:Enabled"] = "false" });

        var json = await host.Client.GetFromJsonAsync<JsonElement>("/api/plugins");

        Assert.Equal(
            """[{"id":"flaky","name":"Fixture: Flaky","version":"0.1.0","status":"Incompatible","reason":"Built for Plugins.Abstractions ^3, but this host provides 1.3.0.","capabilities":[],"health":null},""" +
            """{"id":"good","name":"Fixture: Good","version":"0.1.0","status":"Active","reason":null,"capabilities":["leadSource","channel:fixture-email","webhook:echo"],"health":null},""" +
            """{"id":"throws-on-configure","name":"Fixture: ThrowsOnConfigure","version":"0.1.0","status":"Disabled","reason":"Switched off by Tandem:Plugins:throws-on-configure:Enabled=false.","capabilities":[],"health":null}]""",
            JsonSerializer.Serialize(json));
    }

    [Theory]
    [InlineData("/hooks/nobody/leads", "plugin-not-found")]
    [InlineData("/hooks/good/nothing", "webhook-not-found")]
    public async Task An_unknown_plugin_or_webhook_is_a_404_problem(string path, string type)
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = await WebPluginHost.StartAsync(folder);

        using var response = await host.Client.PostAsync(path, new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://tandem.dev/problems/" + type, problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("failed")]
    public async Task A_webhook_of_an_inactive_plugin_is_a_503_problem_that_does_not_leak_the_reason(string state)
    {
        using var folder = new PluginFolder().With(Built.Good).With(Built.ThrowsOnConfigure);
        await using var host = await WebPluginHost.StartAsync(folder,
            new Dictionary<string, string?> { ["Tandem:Plugins:good:Enabled"] = state == "disabled" ? "false" : "true" });
        var id = state == "disabled" ? "good" : "throws-on-configure";

        using var response = await host.Client.PostAsync($"/hooks/{id}/echo", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://tandem.dev/problems/plugin-inactive", problem.GetProperty("type").GetString());
        Assert.DoesNotContain("ApiKey", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_plugin_receives_method_headers_query_raw_body_and_the_URL_the_provider_called()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = await WebPluginHost.StartAsync(folder);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/good/echo?attempt=2&tag=a&tag=b")
        {
            Content = new StringContent("""{"hello":"world"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Test", "yes");

        using var response = await host.Client.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("POST", echo.GetProperty("method").GetString());
        Assert.Equal(new Uri(host.BaseAddress, "/hooks/good/echo?attempt=2&tag=a&tag=b").ToString(), echo.GetProperty("publicUrl").GetString());
        Assert.Equal("yes", echo.GetProperty("header").GetString());
        Assert.Equal("2", echo.GetProperty("query").GetProperty("attempt").GetString());
        Assert.Equal("a,b", echo.GetProperty("query").GetProperty("tag").GetString());
        Assert.Equal("""{"hello":"world"}""", echo.GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, echo.GetProperty("form").ValueKind);
    }

    [Fact]
    public async Task With_a_public_base_URL_the_plugin_sees_the_address_the_provider_called_through_the_proxy()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = await WebPluginHost.StartAsync(folder,
            new Dictionary<string, string?> { ["Tandem:PublicBaseUrl"] = "https://crm.example.com/tandem/" });

        using var response = await host.Client.GetAsync("/hooks/good/echo?challenge=abc");
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("GET", echo.GetProperty("method").GetString());
        Assert.Equal("https://crm.example.com/tandem/hooks/good/echo?challenge=abc", echo.GetProperty("publicUrl").GetString());
    }

    [Fact]
    public async Task A_form_encoded_call_reaches_the_plugin_with_its_fields_decoded()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = await WebPluginHost.StartAsync(folder);

        using var response = await host.Client.PostAsync("/hooks/good/echo", new FormUrlEncodedContent(
        [
            new("CallSid", "CA123"),
            new("CallStatus", "no-answer"),
            new("Caller", "+33 6 12 34 56 78"),
        ]));
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>();

        var form = echo.GetProperty("form");
        Assert.Equal(("CA123", "no-answer", "+33 6 12 34 56 78"),
            (form.GetProperty("CallSid").GetString(), form.GetProperty("CallStatus").GetString(), form.GetProperty("Caller").GetString()));
        Assert.Equal("CallSid=CA123&CallStatus=no-answer&Caller=%2B33+6+12+34+56+78", echo.GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_plugin_s_answer_is_passed_through_as_is_even_an_empty_error()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = await WebPluginHost.StartAsync(folder);

        using var response = await host.Client.PostAsync("/hooks/flaky/empty-401", new StringContent(""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_plugin_answering_an_impossible_status_code_is_a_502_problem()
    {
        using var folder = new PluginFolder().With(Built.Flaky);
        await using var host = await WebPluginHost.StartAsync(folder);

        using var response = await host.Client.PostAsync("/hooks/flaky/bad-status", new StringContent(""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_throwing_plugin_gives_502_problems_then_503_once_its_circuit_opens()
    {
        using var folder = new PluginFolder().With(Built.Flaky).With(Built.Good);
        await using var host = await WebPluginHost.StartAsync(folder, new Dictionary<string, string?>
        {
            ["Tandem:Plugins:Guard:FailureThreshold"] = "2",
            ["Tandem:Plugins:Guard:BreakSeconds"] = "60",
        });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.PostAsync("/hooks/flaky/throw", new StringContent(""));
            statuses.Add(response.StatusCode);
        }
        using var good = await host.Client.PostAsync("/hooks/good/echo", new StringContent(""));

        Assert.Equal([HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable], statuses);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_the_plugin_is_called()
    {
        using var folder = new PluginFolder().With(Built.Good);
        await using var host = await WebPluginHost.StartAsync(folder);

        using var response = await host.Client.PostAsync("/hooks/good/echo", new ByteArrayContent(new byte[1024 * 1024 + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
