using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>The bundled sample plugin, as built, behind the host's real <c>POST /hooks/sample/leads</c>.</summary>
public sealed class SamplePluginTests
{
    private const string Secret = "s3cret-shared-with-the-form-tool";

    private const string Lead = """
        {"externalId":"form-8812","email":"Camille.Martin@Example.fr","phone":"06 12 34 56 78","firstName":"Camille",
         "lastName":"Martin","kind":"consumer","sourceDetail":"Guide solaire","callbackRequested":true,
         "occurredAt":"2026-03-09T18:05:00+01:00",
         "consents":[{"purpose":"marketing-email","granted":true,"text":"J'accepte de recevoir des conseils."}]}
        """;

    [Fact]
    public async Task A_lead_with_a_correct_signature_is_handed_to_the_lead_sink_as_the_sample_plugin()
    {
        var sink = new RecordingLeadSink();
        using var folder = new PluginFolder().With(Built.Sample);
        await using var host = await WebPluginHost.StartAsync(folder, Settings(Secret), sink);

        using var response = await PostAsync(host, Lead, Sign(Secret, Lead));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("""{"leadId":"lead-1","outcome":"created"}""", await response.Content.ReadAsStringAsync());
        var (lead, pluginId) = Assert.Single(sink.Received);
        Assert.Equal("sample", pluginId);
        Assert.Equal(("form-8812", "Camille.Martin@Example.fr", "06 12 34 56 78", "consumer", true),
            (lead.ExternalId, lead.Email, lead.Phone, lead.Kind, lead.CallbackRequested));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 5, 0, TimeSpan.FromHours(1)), lead.OccurredAt);
        var consent = Assert.Single(lead.Consents);
        Assert.Equal(("marketing-email", true), (consent.Purpose, consent.Granted));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("Camille", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("wrong secret")]
    [InlineData("tampered body")]
    [InlineData("no header")]
    [InlineData("not hex")]
    public async Task A_lead_with_a_wrong_signature_is_refused_with_401_and_not_handed_over(string how)
    {
        var sink = new RecordingLeadSink();
        using var folder = new PluginFolder().With(Built.Sample);
        await using var host = await WebPluginHost.StartAsync(folder, Settings(Secret), sink);
        var (body, signature) = how switch
        {
            "wrong secret" => (Lead, Sign("another-secret", Lead)),
            "tampered body" => (Lead.Replace("form-8812", "form-8813"), Sign(Secret, Lead)),
            "not hex" => (Lead, "sha256=" + new string('z', 64)),
            _ => (Lead, (string?)null),
        };

        using var response = await PostAsync(host, body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://tandem.dev/problems/invalid-signature", problem.GetProperty("type").GetString());
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task Without_a_configured_secret_every_delivery_is_refused_with_a_clear_message()
    {
        var sink = new RecordingLeadSink();
        using var folder = new PluginFolder().With(Built.Sample);
        await using var host = await WebPluginHost.StartAsync(folder, leadSink: sink);

        using var response = await PostAsync(host, Lead, Sign("", Lead));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://tandem.dev/problems/webhook-secret-missing", problem.GetProperty("type").GetString());
        Assert.Equal("Every delivery is refused until the setting Tandem:Plugins:sample:Secret is set.", problem.GetProperty("detail").GetString());
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task A_signed_lead_without_email_or_phone_is_a_400_with_the_field()
    {
        var sink = new RecordingLeadSink();
        using var folder = new PluginFolder().With(Built.Sample);
        await using var host = await WebPluginHost.StartAsync(folder, Settings(Secret), sink);
        const string body = """{"externalId":"x-1","firstName":"Camille","kind":"consumer"}""";

        using var response = await PostAsync(host, body, Sign(Secret, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("An email or a phone is required.", problem.GetProperty("errors").GetProperty("email")[0].GetString());
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task A_GET_on_the_leads_webhook_is_refused_with_405()
    {
        using var folder = new PluginFolder().With(Built.Sample);
        await using var host = await WebPluginHost.StartAsync(folder, Settings(Secret), new RecordingLeadSink());

        using var response = await host.Client.GetAsync("/hooks/sample/leads");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task A_lead_the_host_rejects_is_answered_422_with_the_host_s_reason()
    {
        using var folder = new PluginFolder().With(Built.Sample);
        await using var host = await WebPluginHost.StartAsync(folder, Settings(Secret), new RejectingLeadSink());

        using var response = await PostAsync(host, Lead, Sign(Secret, Lead));

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("email: The address is suppressed.", problem.GetProperty("detail").GetString());
    }

    private static Dictionary<string, string?> Settings(string secret) => new() { ["Tandem:Plugins:sample:Secret"] = secret };

    /// <summary>Computed here independently of the plugin: <c>sha256=</c> + hex HMAC-SHA256 of the raw body.</summary>
    private static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private static async Task<HttpResponseMessage> PostAsync(WebPluginHost host, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/sample/leads")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null) request.Headers.Add("X-Tandem-Signature", signature);
        return await host.Client.SendAsync(request);
    }

    private sealed class RejectingLeadSink : ILeadSink
    {
        public ValueTask<LeadSubmissionResult> SubmitAsync(InboundLead lead, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new LeadSubmissionResult { Outcome = LeadSubmissionOutcome.Rejected, Error = "email: The address is suppressed." });
    }
}
