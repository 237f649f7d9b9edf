using System.Net;
using System.Net.Http.Json;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// <c>GET /api/kpis</c> against numbers computed by hand: one campaign costing 300 €, four visitors on its landing page
/// (six views), two of them leave their details, one asks to be called back (an MQL), sales rejects the other one.
/// </summary>
public sealed class KpiTests(SharedHosts hosts) : IClassFixture<SharedHosts>
{
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Lead_generation_numbers_for_a_campaign_match_the_hand_computed_ones(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var campaign = await TandemApi.PostCreatedAsync(host.Http, "/api/content/campaigns",
            new { name = $"Salon habitat {tag}", channel = "event", cost = new { amount = 300m, currency = "EUR" } });
        var form = await TandemApi.PostCreatedAsync(host.Http, "/api/content/forms", new
        {
            name = "Étude gratuite",
            campaignId = campaign,
            fields = new object[] { new { name = "email", label = "Email", type = "email", required = true }, new { name = "phone", label = "Téléphone", type = "tel", required = false } },
            offersCallback = true,
        });
        var slug = $"etude-{tag}";
        await TandemApi.PostCreatedAsync(host.Http, "/api/content/landing-pages", new { slug, title = "Étude gratuite", body = "Votre étude.", formId = form, campaignId = campaign });

        var visitors = Enumerable.Range(0, 4).Select(_ => host.CreateClient(apiKey: null)).ToList();
        try
        {
            foreach (var (visitor, views) in visitors.Zip([2, 2, 1, 1]))
                for (var i = 0; i < views; i++)
                {
                    using var page = await visitor.GetAsync($"/p/{slug}");
                    Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                }
            using (var mql = await TandemApi.SubmitJsonAsync(visitors[0], form, new Dictionary<string, object>
                   { ["email"] = $"mql.{tag}@exemple.fr", ["phone"] = "0611223344", ["callback"] = "on", ["_page"] = slug }))
                Assert.Equal(HttpStatusCode.Created, mql.StatusCode);
            string rejectedId;
            using (var other = await TandemApi.SubmitJsonAsync(visitors[1], form, new Dictionary<string, object> { ["email"] = $"lead.{tag}@exemple.fr", ["_page"] = slug }))
            {
                Assert.Equal(HttpStatusCode.Created, other.StatusCode);
                rejectedId = (await TandemApi.ReadJsonAsync(other))!["leadId"]!.GetValue<string>();
            }
            using (var reject = await host.Http.PostAsJsonAsync($"/api/leads/{rejectedId}/reject", new { reason = "Locataire, pas propriétaire" }))
                Assert.True(reject.IsSuccessStatusCode, $"reject: {(int)reject.StatusCode}");

            var kpis = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(host.Http, $"/api/kpis?campaignId={campaign}"),
                k => k["leadGeneration"]?["mqls"]?.GetValue<long>() == 1 && k["bySource"]!.AsArray().Any(s => s!["rejected"]!.GetValue<int>() == 1),
                TimeSpan.FromSeconds(60), k => k.ToJsonString());
            var generation = kpis["leadGeneration"]!;
            Assert.Equal(4, generation["visitors"]!.GetValue<long>());
            Assert.Equal(2, generation["leads"]!.GetValue<long>());
            Assert.Equal(1, generation["mqls"]!.GetValue<long>());
            Assert.Equal(150m, generation["costPerLead"]!.GetValue<decimal>());
            Assert.Equal(300m, generation["costPerMql"]!.GetValue<decimal>());
            Assert.Equal(0.5, generation["visitorToLeadRate"]!.GetValue<double>());
            Assert.Equal(0.5, generation["leadToMqlRate"]!.GetValue<double>());
            var source = Assert.Single(kpis["bySource"]!.AsArray(), s => s!["campaignId"]?.GetValue<string>() == campaign)!;
            Assert.Equal(2, source["leads"]!.GetValue<int>());
            Assert.Equal(1, source["rejected"]!.GetValue<int>());

            using var bad = await host.Http.GetAsync("/api/kpis?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z");
            await TandemApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest);
        }
        finally
        {
            visitors.ForEach(v => v.Dispose());
        }
    }
}
