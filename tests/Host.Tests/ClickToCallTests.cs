using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Tandem.Host.Tests.Infrastructure;
using Tandem.Plugins.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// Click-to-call end to end (docs/outbound.md, docs/ui.md): the real host with the bundled telephony plugin pointed at a
/// fake Twilio-format API on 127.0.0.1. An open call task's call is placed through Outreach once (a second request rings
/// nobody again), a call the provider refuses is a failure with its reason, a suppressed number is blocked by the
/// compliance verdict before the provider is called, and the provider's signed status report completes the task.
/// </summary>
public sealed class ClickToCallTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);
    private const string Token = "click-to-call-token";
    private const string PublicBase = "https://crm.example.com";
    private const string Refused = "+33699999999";

    [SkippableFact]
    public async Task A_rep_places_a_task_call_through_the_telephony_plugin_within_the_compliance_verdict()
    {
        var calls = new ConcurrentQueue<IFormCollection>();
        await using var api = await FakeApi.StartAsync(app =>
            app.MapPost("/2010-04-01/Accounts/{account}/Calls.json", async (string account, HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                calls.Enqueue(form);
                return form["Twiml"].ToString().Contains(Refused, StringComparison.Ordinal)
                    ? Results.Json(new { code = 21211, message = "The 'To' number is not a valid phone number.", status = 400 }, statusCode: 400)
                    : Results.Json(new { sid = $"CA{calls.Count:D5}", account_sid = account, status = "queued" }, statusCode: 201);
            }));
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        await using var host = await HostProcess.StartAsync(store, output,
            $"--Tandem:PublicBaseUrl={PublicBase}",
            "--Tandem:Plugins:telephony:AccountSid=AC0123456789",
            $"--Tandem:Plugins:telephony:AuthToken={Token}",
            "--Tandem:Plugins:telephony:FromNumber=+33180000000",
            "--Tandem:Plugins:telephony:AgentNumber=+33600000001",
            $"--Tandem:Plugins:telephony:ApiBaseUrl={api.Address.AbsoluteUri}");
        var http = host.Http;
        Assert.Contains("call", (await TandemApi.GetJsonAsync(http, "/api/outreach/channels")).AsArray().Select(c => c!.GetValue<string>()));

        // Three professionals asked to be called back: each becomes a prospect with an open call task.
        var form = await TandemApi.PostCreatedAsync(http, "/api/content/forms", new
        {
            name = "Rappel", offersCallback = true, consents = Array.Empty<object>(),
            fields = new object[]
            {
                new { name = "email", label = "Email", type = "email", required = true },
                new { name = "phone", label = "Téléphone", type = "tel", required = true },
                new { name = "kind", label = "Type", type = "text", required = false },
            },
        });
        async Task<string> CallTaskOf(string phone)
        {
            using var submitted = await TandemApi.SubmitJsonAsync(host.Anonymous, form, new Dictionary<string, object>
            {
                ["email"] = $"rappel.{Guid.NewGuid():N}@exemple-pro.fr", ["phone"] = phone, ["kind"] = "professional", ["callback"] = true,
            });
            var leadId = (await TandemApi.ReadJsonAsync(submitted))!.Str("leadId");
            var prospectId = await Eventually.ValueAsync(async () => (await TandemApi.ProspectsOfLeadAsync(http, leadId)).FirstOrDefault()?.Str("id"),
                id => id is not null, Downstream, _ => "no prospect yet");
            var tasks = await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(http, prospectId!), t => t.Any(x => x!.Str("kind") == "call"),
                Downstream, t => "no call task yet: " + t.ToJsonString());
            return tasks.First(x => x!.Str("kind") == "call")!.Str("id");
        }
        var placedTask = await CallTaskOf("06 12 34 56 78");
        var refusedTask = await CallTaskOf("06 99 99 99 99");
        var suppressedTask = await CallTaskOf("06 55 55 55 55");
        using (var suppressed = await http.PostAsJsonAsync("/api/privacy/suppressions", new { kind = "phone", value = "+33655555555", reason = "objection" }))
            Assert.Equal(HttpStatusCode.OK, suppressed.StatusCode);

        // Placed: the rep's phone (the agent number) is rung, the person is dialled with the caller id.
        var placed = await CallAsync(host, placedTask);
        Assert.Equal("placed", placed.Str("outcome"));
        var callId = placed.Str("callId");
        var request = Assert.Single(calls);
        Assert.Equal("+33600000001", request["To"]);
        Assert.Equal("+33180000000", request["From"]);
        Assert.Contains(">+33612345678</Dial>", request["Twiml"].ToString());
        Assert.Equal(PublicBase + "/hooks/telephony/status", request["StatusCallback"]);
        // A second click on the same task rings nobody again.
        var again = await CallAsync(host, placedTask);
        Assert.Equal(("placed", callId), (again.Str("outcome"), again.Str("callId")));
        Assert.Single(calls);

        // Refused by the provider: a failure with the provider's reason.
        var failed = await CallAsync(host, refusedTask);
        Assert.Equal("failed", failed.Str("outcome"));
        Assert.Contains("not a valid phone number", failed.Str("reason"));
        Assert.Equal(2, calls.Count);

        // Suppressed: the verdict forbids the call; the provider is never asked.
        var blocked = await CallAsync(host, suppressedTask);
        Assert.Equal("blocked", blocked.Str("outcome"));
        Assert.False(string.IsNullOrWhiteSpace(blocked.Str("reason")));
        Assert.Equal(2, calls.Count);

        // Bad requests: a field named, nothing placed.
        using (var bad = await http.PostAsJsonAsync($"/api/outreach/tasks/{placedTask}/call", new { repPhone = "0612" }))
            Assert.Contains("repPhone", (await TandemApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest)).ToJsonString());
        using (var missing = await http.PostAsJsonAsync("/api/outreach/tasks/nope/call", new { }))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(2, calls.Count);

        // The provider reports the call answered by a person: the task is completed as connected.
        var status = new Dictionary<string, string>
        {
            ["CallSid"] = callId, ["AccountSid"] = "AC0123456789", ["From"] = "+33180000000", ["To"] = "+33600000001",
            ["CallStatus"] = "completed", ["AnsweredBy"] = "human", ["CallDuration"] = "95",
        };
        var signed = PublicBase + "/hooks/telephony/status" + string.Concat(status.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        using (var report = new HttpRequestMessage(HttpMethod.Post, "/hooks/telephony/status") { Content = new FormUrlEncodedContent(status) })
        {
            report.Headers.Add("X-Twilio-Signature", Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(signed))));
            using var reported = await host.Anonymous.SendAsync(report);
            Assert.Equal(HttpStatusCode.NoContent, reported.StatusCode);
        }
        using (var done = await http.PostAsJsonAsync($"/api/outreach/tasks/{placedTask}/call", new { }))
            await TandemApi.AssertProblemAsync(done, HttpStatusCode.Conflict); // completed by the report: no open call task any more
        Assert.Equal(2, calls.Count);
        host.AssertNoErrorsLogged();
    }

    private static async Task<JsonNode> CallAsync(HostProcess host, string taskId)
    {
        using var response = await host.Http.PostAsJsonAsync($"/api/outreach/tasks/{taskId}/call", new { });
        var body = await TandemApi.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, response.Describe(body?.ToJsonString() ?? ""));
        return body!;
    }
}
