using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>Small promises the API and the pages make: Location headers lead somewhere, search ignores accents and case,
/// the public error page speaks in labels, and markdown headings stay within HTML's six levels.</summary>
public sealed class SmallTruthsTests(SharedHosts hosts) : IClassFixture<SharedHosts>
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Every_201_answer_has_a_location_that_can_be_read_back()
    {
        var (_, host, content) = await hosts.GetAsync(Provider.Sqlite);
        var created = new List<(string Location, string Id, string What)>();

        async Task<JsonNode> Create(HttpClient client, string path, object body, string idProperty = "id")
        {
            using var response = await client.PostAsJsonAsync(path, body);
            var json = await TandemApi.ReadJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {response.Describe(json?.ToJsonString() ?? "")}");
            Assert.NotNull(response.Headers.Location);
            created.Add((response.Headers.Location!.ToString(), json!.Str(idProperty), path));
            return json!;
        }

        var campaign = await Create(host.Http, "/api/content/campaigns", new { name = "Portes ouvertes", channel = "event" });
        var asset = await Create(host.Http, "/api/content/assets", new { title = "Checklist", kind = "checklist", journeyStage = "decision" });
        var form = await Create(host.Http, "/api/content/forms", new
        {
            name = "Rappel", campaignId = campaign.Str("id"), assetId = asset.Str("id"), offersCallback = true,
            fields = new object[] { new { name = "email", label = "Email", type = "email", required = true } },
        });
        await Create(host.Http, "/api/content/landing-pages", new { slug = "rappel-" + Unique(), title = "Rappel", body = "Texte", formId = form.Str("id") });
        await Create(host.Anonymous, $"/f/{form.Str("id")}", new { email = $"location.{Unique()}@exemple-solaire.fr", callback = true }, "submissionId");
        var lead = await Create(host.Http, "/api/leads", new { email = $"location.{Unique()}@exemple-solaire.fr", source = new { channel = "api" } });
        await Create(host.Http, "/api/prospects", new { leadId = lead.Str("id") }, "prospectId");

        foreach (var (location, id, what) in created)
        {
            using var response = await host.Http.GetAsync(location);
            var json = await TandemApi.ReadJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"the Location of POST {what}, {location}, answered {response.Describe(json?.ToJsonString() ?? "")}");
            Assert.Equal(id, json!.Str("id"));
        }
        var page = await TandemApi.GetJsonAsync(host.Http, created[3].Location);
        Assert.Equal(form.Str("id"), page.Str("formId"));
        Assert.Equal(0, page["visits"]!.GetValue<long>());
        var submission = await TandemApi.GetJsonAsync(host.Http, created[4].Location);
        Assert.Equal(form.Str("id"), submission.Str("formId"));
        Assert.True(submission["callbackRequested"]!.GetValue<bool>());
        var formRead = await TandemApi.GetJsonAsync(host.Http, created[2].Location);
        Assert.Equal("email", formRead["fields"]![0]!.Str("name"));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Search_finds_names_regardless_of_accents_and_case(Provider provider)
    {
        var (_, host, _) = await hosts.GetAsync(provider);
        var token = Unique();
        async Task<string> Capture(string firstName, string lastName, string company)
        {
            using var response = await host.Http.PostAsJsonAsync("/api/leads", new
            {
                email = $"search.{Unique()}@exemple-solaire.fr", firstName, lastName, company = company + " " + token, source = new { channel = "api" },
            });
            var json = await TandemApi.ReadJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Created, response.Describe(json?.ToJsonString() ?? ""));
            return json!.Str("id");
        }
        var eric = await Capture("Éric", "Lefèvre", "Œuvres Solaires");
        var elodie = await Capture("ÉLODIE", "DUPRÉ", "Société Générale d'Énergie");

        async Task<List<string>> Search(string q) =>
            (await TandemApi.GetJsonAsync(host.Http, $"/api/leads?q={Uri.EscapeDataString(q)}&pageSize=200"))["items"]!.AsArray().Select(i => i!.Str("id")).ToList();

        Assert.Contains(eric, await Search("eric"));
        Assert.Contains(eric, await Search("ERIC"));
        Assert.Contains(eric, await Search("lefevre"));
        Assert.Contains(eric, await Search("Lefèvre"));
        Assert.Contains(eric, await Search("oeuvres"));
        Assert.Contains(elodie, await Search("élodie"));
        Assert.Contains(elodie, await Search("elodie dupre"));
        Assert.Contains(elodie, await Search("societe generale"));
        // Search is a prefix of the first name, the last name, the company or the email (indexed ranges, not a scan).
        Assert.Equal([eric], await Search("oeuvres solaires " + token));
        Assert.Equal([elodie], await Search("Société Générale d'Énergie " + token));
        Assert.Equal([eric], await Search("lefevre er"));
        Assert.DoesNotContain(elodie, await Search("eric"));
    }

    [Fact]
    public async Task The_public_error_page_names_fields_by_their_labels_not_their_keys()
    {
        var (_, host, _) = await hosts.GetAsync(Provider.Sqlite);
        var form = await TandemApi.PostCreatedAsync(host.Http, "/api/content/forms", new
        {
            name = "Étude gratuite",
            fields = new object[]
            {
                new { name = "email", label = "Votre adresse e-mail", type = "email", required = true },
                new { name = "house_size", label = "Surface de la maison", type = "text", required = true },
            },
            consents = new object[] { new { purpose = "newsletter", text = "J'accepte de recevoir la lettre d'information", required = true } },
        });

        using var response = await TandemApi.SubmitBrowserFormAsync(host.Anonymous, form, ("email", "pas-une-adresse"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // What the visitor reads in the alert (the links' targets use the keys, never shown).
        var alert = System.Text.RegularExpressions.Regex.Replace(
            html[html.IndexOf("role=\"alert\"", StringComparison.Ordinal)..html.IndexOf("<form", StringComparison.Ordinal)], "href=\"[^\"]*\"", "");
        Assert.Contains("Votre adresse e-mail", alert);
        Assert.Contains("Surface de la maison", alert);
        Assert.Contains("J&#39;accepte de recevoir la lettre d&#39;information", alert);
        Assert.DoesNotContain("consent.newsletter", alert);
        Assert.DoesNotContain("house_size", alert);
        Assert.DoesNotContain(">email:", alert);
    }

    [Fact]
    public async Task Markdown_headings_stop_at_h6()
    {
        var (_, host, content) = await hosts.GetAsync(Provider.Sqlite);
        var slug = "titres-" + Unique();
        await TandemApi.PostCreatedAsync(host.Http, "/api/content/landing-pages", new
        {
            slug, title = "Titres", formId = content.FormId,
            body = "# Un\n\n#### Quatre\n\n##### Cinq\n\n###### Six\n\n####### Sept",
        });

        using var response = await host.Anonymous.GetAsync($"/p/{slug}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<h7", html);
        Assert.Contains("<h6>Cinq</h6>", html);
        Assert.Contains("<h6>Six</h6>", html);
        Assert.Contains("<p>####### Sept</p>", html);
    }
}
