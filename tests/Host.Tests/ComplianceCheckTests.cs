using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// <c>POST /api/outreach/compliance/check</c> answers through the one decision point (docs/compliance.md) with facts from
/// Leads: a consumer without phone-prospecting consent is blocked; with it, 13:30 in Paris is deferred to 14:00; a
/// professional is outside the consumer rules.
/// </summary>
public sealed class ComplianceCheckTests(SharedHosts hosts) : IClassFixture<SharedHosts>
{
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_check_applies_the_french_rules_to_the_leads_facts(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var tag = Guid.NewGuid().ToString("N")[..8];
        async Task<string> Lead(string kind, bool consent)
        {
            using var created = await host.Http.PostAsJsonAsync("/api/leads", new
            {
            email = $"{kind}.{consent}.{tag}@exemple.fr",
            kind,
            postalCode = "69003",
            source = new { channel = "api" },
            consents = consent ? new object[] { new { purpose = "phone-prospecting", granted = true, text = "J'accepte d'être appelé." } } : [],
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return (await TandemApi.ReadJsonAsync(created))!["id"]!.GetValue<string>();
        }
        async Task<JsonNode> Check(string leadId, string at)
        {
            using var response = await host.Http.PostAsJsonAsync("/api/outreach/compliance/check", new { leadId, channel = "call", at });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await TandemApi.ReadJsonAsync(response))!;
        }

        // Tuesday 1 December 2026, 12:30 UTC = 13:30 in Paris.
        var noConsent = await Check(await Lead("consumer", consent: false), "2026-12-01T12:30:00Z");
        Assert.False(noConsent["allowed"]!.GetValue<bool>());
        Assert.Contains("consent", noConsent["reasons"]!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(noConsent["nextAllowedAt"]);

        var consented = await Lead("consumer", consent: true);
        var lunch = await Check(consented, "2026-12-01T12:30:00Z");
        Assert.False(lunch["allowed"]!.GetValue<bool>());
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T13:00:00Z"), lunch["nextAllowedAt"]!.GetValue<DateTimeOffset>());
        Assert.True((await Check(consented, "2026-12-01T13:00:00Z"))["allowed"]!.GetValue<bool>());

        Assert.True((await Check(await Lead("professional", consent: false), "2026-12-05T21:00:00Z"))["allowed"]!.GetValue<bool>());
    }
}
