using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// Every stored text field has a documented maximum (docs/API.md, Limits), API bodies are capped, and names and
/// identifiers refuse control and bidirectional-override characters: a 400 naming the field, nothing stored, on both
/// databases (PostgreSQL cannot store a NUL at all, so letting one through would be a 500 there).
/// </summary>
public sealed class InputLimitTests(SharedHosts hosts) : IClassFixture<SharedHosts>
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..10];

    /// <summary>A valid body for each command; each case below breaks one field of one of them.</summary>
    private static JsonObject Valid(string path, SeededContent content) => path switch
    {
        "/api/content/campaigns" => new JsonObject { ["name"] = "Salon de l'habitat", ["channel"] = "event" },
        "/api/content/assets" => new JsonObject { ["title"] = "Guide", ["kind"] = "guide", ["journeyStage"] = "awareness", ["url"] = "https://exemple-solaire.fr/guide.pdf" },
        "/api/content/forms" => JsonNode.Parse("""
            {"name":"Devis","offersCallback":false,
             "fields":[{"name":"email","label":"Email","type":"email","required":true},
                       {"name":"size","label":"Taille","type":"select","required":false,"options":["1-10","11-50"]}],
             "consents":[{"purpose":"newsletter","text":"J'accepte la lettre.","required":false}]}
            """)!.AsObject(),
        "/api/content/landing-pages" => new JsonObject { ["slug"] = "limites-" + Unique(), ["title"] = "Titre", ["body"] = "# Guide\n\nTexte.", ["formId"] = content.FormId },
        "/api/leads" => new JsonObject
        {
            ["email"] = $"limits.{Unique()}@exemple-solaire.fr", ["firstName"] = "Zoë", ["lastName"] = "בן-דוד", ["company"] = "Ève & Fils",
            ["jobTitle"] = "Gérante", ["postalCode"] = "69001", ["kind"] = "professional",
            ["source"] = new JsonObject { ["channel"] = "api", ["detail"] = "Salon 2026" },
            ["consents"] = new JsonArray(new JsonObject { ["purpose"] = "newsletter", ["granted"] = true, ["text"] = "Oui" }),
        },
        "/api/prospects" => new JsonObject { ["leadId"] = "no-such-lead" },
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };

    public static TheoryData<Provider> Providers => new() { Provider.Sqlite, Provider.Postgres };

    /// <summary>(endpoint, field as the 400 names it, a value one past the documented maximum).</summary>
    private static readonly (string Path, string Field, Func<JsonNode> TooLong)[] TooLong =
    [
        ("/api/content/campaigns", "name", () => new string('n', 201)),
        ("/api/content/assets", "title", () => new string('t', 301)),
        ("/api/content/assets", "url", () => "https://exemple-solaire.fr/" + new string('u', 2048)),
        ("/api/content/forms", "name", () => new string('n', 201)),
        ("/api/content/forms", "fields[0].label", () => new string('l', 201)),
        ("/api/content/forms", "fields[0].name", () => "f" + new string('n', 64)),
        ("/api/content/forms", "fields[1].options[0]", () => new string('o', 201)),
        ("/api/content/forms", "consents[0].purpose", () => "p" + new string('p', 64)),
        ("/api/content/forms", "consents[0].text", () => new string('c', 2001)),
        ("/api/content/landing-pages", "slug", () => new string('s', 121)),
        ("/api/content/landing-pages", "title", () => new string('t', 301)),
        ("/api/content/landing-pages", "body", () => new string('b', 100_001)),
        ("/api/content/landing-pages", "formId", () => new string('f', 65)),
        ("/api/content/landing-pages", "campaignId", () => new string('c', 65)),
        ("/api/leads", "firstName", () => new string('f', 201)),
        ("/api/leads", "lastName", () => new string('l', 201)),
        ("/api/leads", "company", () => new string('c', 201)),
        ("/api/leads", "jobTitle", () => new string('j', 201)),
        ("/api/leads", "postalCode", () => new string('1', 11)),
        ("/api/leads", "phone", () => "+33 6 12 34 56 78" + new string(' ', 40)),
        ("/api/leads", "source.detail", () => new string('d', 501)),
        ("/api/leads", "source.campaignId", () => new string('c', 65)),
        ("/api/leads", "source.assetId", () => new string('a', 65)),
        ("/api/leads", "source.reference", () => new string('r', 201)),
        ("/api/leads", "consents[0].purpose", () => "p" + new string('p', 64)),
        ("/api/leads", "consents[0].text", () => new string('c', 2001)),
        ("/api/prospects", "leadId", () => new string('l', 65)),
    ];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Every_text_field_of_every_command_has_a_maximum_and_one_character_more_is_a_400_naming_the_field(Provider provider)
    {
        var (store, host, content) = await hosts.GetAsync(provider);
        var failures = new List<string>();
        foreach (var (path, field, value) in TooLong)
        {
            var body = Valid(path, content);
            Set(body, field, value());
            var text = await Post(host.Http, path, body);
            if (text is not { Status: 400 } || !HasError(text.Json, field))
                failures.Add($"POST {path} with {field} too long answered {text.Status}: {Shorten(text.Body)}");
        }
        // Collections are bounded too.
        foreach (var (path, field, count, item) in new (string, string, int, Func<int, JsonNode>)[]
        {
            ("/api/content/forms", "fields", 51, i => new JsonObject { ["name"] = $"f{i}", ["label"] = "L", ["type"] = i == 0 ? "email" : "text", ["required"] = false }),
            ("/api/content/forms", "consents", 21, i => new JsonObject { ["purpose"] = $"p{i}", ["text"] = "T", ["required"] = false }),
            ("/api/content/forms", "fields[1].options", 101, i => $"o{i}"),
            ("/api/leads", "consents", 21, i => new JsonObject { ["purpose"] = $"p{i}", ["granted"] = true }),
        })
        {
            var body = Valid(path, content);
            Set(body, field, new JsonArray(Enumerable.Range(0, count).Select(item).ToArray()));
            var text = await Post(host.Http, path, body);
            if (text is not { Status: 400 } || !HasError(text.Json, field))
                failures.Add($"POST {path} with {count} {field} answered {text.Status}: {Shorten(text.Body)}");
        }
        // And the valid bodies themselves are accepted (the limits are not simply "refuse everything").
        foreach (var path in new[] { "/api/content/campaigns", "/api/content/assets", "/api/content/forms", "/api/content/landing-pages", "/api/leads" })
        {
            var text = await Post(host.Http, path, Valid(path, content));
            if (text.Status != 201) failures.Add($"POST {path} with a valid body answered {text.Status}: {Shorten(text.Body)}");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Control_and_bidi_override_characters_in_names_and_identifiers_are_a_400_naming_the_field(Provider provider)
    {
        var (store, host, content) = await hosts.GetAsync(provider);
        var leadsSql = $"SELECT COUNT(*) FROM {store.Table("Leads", "Leads")}";
        var leadsBefore = await store.ScalarAsync("Leads", leadsSql);
        var failures = new List<string>();
        string[] bad = ["\0", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u202e", "\u202a", "\u2066", "\u2069", LoneSurrogate];
        (string Path, string Field)[] names =
        [
            ("/api/content/campaigns", "name"), ("/api/content/assets", "title"), ("/api/content/forms", "name"), ("/api/content/forms", "fields[0].label"),
            ("/api/content/forms", "fields[1].options[0]"), ("/api/content/landing-pages", "title"), ("/api/content/landing-pages", "formId"),
            ("/api/leads", "firstName"), ("/api/leads", "lastName"), ("/api/leads", "company"), ("/api/leads", "jobTitle"), ("/api/leads", "source.detail"),
            ("/api/leads", "source.reference"), ("/api/leads", "source.campaignId"), ("/api/prospects", "leadId"),
        ];
        foreach (var (path, field) in names)
            foreach (var c in bad)
            {
                var body = Valid(path, content);
                Set(body, field, "Dupont" + c + "Moreau");
                var text = await Post(host.Http, path, body);
                if (text is not { Status: 400 } || !HasError(text.Json, field))
                    failures.Add($"POST {path} with {Describe(c)} in {field} answered {text.Status}: {Shorten(text.Body)}");
            }
        // Free text (a page body, a consent's wording) may hold line breaks and right-to-left marks, never a NUL or a lone surrogate.
        foreach (var (path, field) in new[] { ("/api/content/landing-pages", "body"), ("/api/content/forms", "consents[0].text"), ("/api/leads", "consents[0].text") })
        {
            foreach (var c in new[] { "\0", "\u0007", LoneSurrogate })
            {
                var body = Valid(path, content);
                Set(body, field, "Ligne un" + c + "ligne deux");
                var text = await Post(host.Http, path, body);
                if (text is not { Status: 400 } || !HasError(text.Json, field))
                    failures.Add($"POST {path} with {Describe(c)} in {field} answered {text.Status}: {Shorten(text.Body)}");
            }
            var ok = Valid(path, content);
            Set(ok, field, "Ligne un\r\n\tligne deux \u200f(עברית)");
            var accepted = await Post(host.Http, path, ok);
            if (accepted.Status != 201) failures.Add($"POST {path} with line breaks in {field} answered {accepted.Status}: {Shorten(accepted.Body)}");
        }
        // A visitor's form post: the same rules for what is stored from it.
        foreach (var (field, value) in new[] { ("firstName", "A\0B"), ("firstName", "\u202egnp.exe"), ("utm_source", "x\0y"), ("phone", "06 12 34 56 78\0") })
        {
            using var response = await TandemApi.SubmitJsonAsync(host.Anonymous, content.FormId, new Dictionary<string, object>
            {
                ["email"] = $"visitor.{Unique()}@exemple-solaire.fr", [field] = value,
            });
            var json = await TandemApi.ReadJsonAsync(response);
            if (response.StatusCode != HttpStatusCode.BadRequest || !HasError(json, field))
                failures.Add($"POST /f with U+{(int)value.First(ch => char.IsControl(ch) || ch > '\u2000'):X4} in {field} answered {(int)response.StatusCode}: {Shorten(json?.ToJsonString() ?? "")}");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        // The one lead stored is the valid one whose consent text has line breaks.
        Assert.Equal(leadsBefore + 1, await store.ScalarAsync("Leads", leadsSql));
        host.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task A_name_longer_than_the_name_limit_on_a_public_form_is_kept_cut_to_that_limit_on_the_lead()
    {
        var (_, host, content) = await hosts.GetAsync(Provider.Sqlite);
        var email = $"long-name-{Guid.NewGuid():N}@example.fr";

        using var response = await host.Anonymous.PostAsync($"/f/{content.FormId}", new StringContent(
            new JsonObject { ["email"] = email, ["firstName"] = new string('é', 1500) }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var leadId = (await TandemApi.ReadJsonAsync(response))!.Str("leadId");

        var lead = await TandemApi.ReadJsonAsync(await host.Http.GetAsync($"/api/leads/{leadId}"));
        // Cut to the limit, and a name typed all in lower case gets a capital (docs/leads.md, "Normalisation").
        Assert.Equal("É" + new string('é', 199), lead!.Str("firstName"));
    }

    [Fact]
    public async Task Api_bodies_beyond_one_mebibyte_are_a_413_problem_even_for_a_ten_megabyte_form_label()
    {
        var (store, host, content) = await hosts.GetAsync(Provider.Sqlite);
        var formsSql = $"SELECT COUNT(*) FROM {store.Table("Content", "Forms")}";
        var formsBefore = await store.ScalarAsync("Content", formsSql);

        var form = Valid("/api/content/forms", content);
        Set(form, "fields[0].label", new string('l', 10 * 1024 * 1024));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/content/forms")
        {
            Content = new StringContent(form.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true; // the refusal arrives before 10 MB are sent
        using var response = await host.Http.SendAsync(request);
        var problem = await TandemApi.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Contains("1048576", problem.Str("detail"));

        var lead = Valid("/api/leads", content);
        Set(lead, "source.detail", new string('d', 1024 * 1024));
        using var leadResponse = await host.Http.PostAsync("/api/leads", new StringContent(lead.ToJsonString(), Encoding.UTF8, "application/json"));
        await TandemApi.AssertProblemAsync(leadResponse, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");

        Assert.Equal(formsBefore, await store.ScalarAsync("Content", formsSql));
        host.AssertNoErrorsLogged();
    }

    /// <summary>Stands for an unpaired UTF-16 surrogate, written as the JSON escape <c>\ud800</c> (a serializer would not write one).</summary>
    private const string LoneSurrogate = "__LONE_SURROGATE__";

    private static string Describe(string c) => c == LoneSurrogate ? "a lone surrogate" : $"U+{(int)c[0]:X4}";

    private sealed record Answer(int Status, string Body, JsonNode? Json);

    private static async Task<Answer> Post(HttpClient client, string path, JsonObject body)
    {
        using var response = await client.PostAsync(path, new StringContent(body.ToJsonString().Replace(LoneSurrogate, "\\ud800", StringComparison.Ordinal), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try { json = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
        return new Answer((int)response.StatusCode, text, json);
    }

    private static bool HasError(JsonNode? problem, string field) =>
        problem?["errors"] is JsonObject errors && errors.Any(e => e.Key == field);

    /// <summary>Sets a value at a path such as <c>fields[1].options[0]</c> or <c>source.detail</c>.</summary>
    private static void Set(JsonObject root, string path, JsonNode value)
    {
        JsonNode node = root;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var (name, index) = parts[i].Contains('[')
                ? (parts[i][..parts[i].IndexOf('[')], int.Parse(parts[i][(parts[i].IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture))
                : (parts[i], -1);
            var last = i == parts.Length - 1;
            if (last && index < 0) { node[name] = value; return; }
            if (last) { node[name]![index] = value; return; }
            node = index < 0 ? node[name]! : node[name]![index]!;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
