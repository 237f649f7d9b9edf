using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Tandem.Host.Tests.Infrastructure;

/// <summary>The content a thin-path test needs: a campaign, a guide, a form offering a callback, and its landing page.</summary>
internal sealed record SeededContent(string CampaignId, string AssetId, string FormId, string Slug);

/// <summary>Calls of the public HTTP contract (shared/API.md) that the tests repeat, answered as JSON nodes.</summary>
internal static class TandemApi
{
    /// <summary>Creates a campaign, an asset, a form (email required, phone, first name, a newsletter consent, callback offered) and a landing page.</summary>
    public static async Task<SeededContent> SeedContentAsync(HttpClient admin, string slug = "guide-energie-solaire")
    {
        var campaign = await PostCreatedAsync(admin, "/api/content/campaigns", new { name = "Guide solaire automne", channel = "content" });
        var asset = await PostCreatedAsync(admin, "/api/content/assets", new
        {
            title = "Réduire de moitié vos factures d'énergie avec un écosystème solaire intelligent",
            kind = "guide",
            journeyStage = "awareness",
        });
        var form = await PostCreatedAsync(admin, "/api/content/forms", new
        {
            name = "Télécharger le guide",
            assetId = asset,
            campaignId = campaign,
            fields = new object[]
            {
                new { name = "email", label = "Email", type = "email", required = true },
                new { name = "phone", label = "Téléphone", type = "tel", required = false },
                new { name = "firstName", label = "Prénom", type = "text", required = false },
            },
            consents = new object[] { new { purpose = "newsletter", text = "J'accepte de recevoir la newsletter.", required = false } },
            offersCallback = true,
        });
        await PostCreatedAsync(admin, "/api/content/landing-pages", new
        {
            slug,
            title = "Guide : l'énergie solaire intelligente",
            body = "# Divisez vos factures par deux\n\nTéléchargez le guide gratuit.",
            formId = form,
            campaignId = campaign,
        });
        return new SeededContent(campaign, asset, form, slug);
    }

    /// <summary>POSTs JSON, requires 201 Created and returns the new resource's id.</summary>
    public static async Task<string> PostCreatedAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var json = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path} answered {(int)response.StatusCode}: {json?.ToJsonString()}");
        return json!["id"]!.GetValue<string>();
    }

    public static async Task<HttpResponseMessage> SubmitJsonAsync(HttpClient client, string formId, object values) =>
        await client.PostAsJsonAsync($"/f/{formId}", values);

    public static async Task<HttpResponseMessage> SubmitBrowserFormAsync(HttpClient client, string formId, params (string Name, string Value)[] values)
    {
        using var content = new FormUrlEncodedContent(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/f/{formId}") { Content = content };
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        return await client.SendAsync(request);
    }

    public static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var json = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {json?.ToJsonString()}");
        return json!;
    }

    /// <summary>The leads whose email matches (the API normalises it), as the list's items.</summary>
    public static async Task<JsonArray> LeadsByEmailAsync(HttpClient client, string email) =>
        (await GetJsonAsync(client, $"/api/leads?email={Uri.EscapeDataString(email)}"))["items"]!.AsArray();

    /// <summary>Every lead, page by page.</summary>
    public static Task<List<JsonNode>> AllLeadsAsync(HttpClient client) => AllPagesAsync(client, "/api/leads");

    /// <summary>Every prospect, page by page.</summary>
    public static Task<List<JsonNode>> AllProspectsAsync(HttpClient client) => AllPagesAsync(client, "/api/prospects");

    public static async Task<JsonArray> ProspectsOfLeadAsync(HttpClient client, string leadId) =>
        (await GetJsonAsync(client, $"/api/prospects?leadId={Uri.EscapeDataString(leadId)}"))["items"]!.AsArray();

    public static async Task<JsonArray> TasksOfProspectAsync(HttpClient client, string prospectId) =>
        (await GetJsonAsync(client, $"/api/outreach/tasks?prospectId={Uri.EscapeDataString(prospectId)}"))["items"]!.AsArray();

    private static async Task<List<JsonNode>> AllPagesAsync(HttpClient client, string path)
    {
        const int pageSize = 200; // the largest page a list answers (Paging.MaxPageSize)
        var all = new List<JsonNode>();
        for (var page = 1; ; page++)
        {
            var json = await GetJsonAsync(client, $"{path}?page={page}&pageSize={pageSize}");
            var items = json["items"]!.AsArray();
            all.AddRange(items.Select(i => i!));
            var total = json["total"]!.GetValue<int>();
            if (items.Count < pageSize || all.Count >= total) return all;
        }
    }

    public static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>Asserts an RFC 9457 problem: the status, the content type, a stable type URI and a title.</summary>
    public static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? typeEndsWith = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()), $"a problem needs a title: {text}");
        var type = problem["type"]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(type), $"a problem needs a stable type: {text}");
        if (typeEndsWith is not null) Assert.EndsWith("/" + typeEndsWith, type);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // never a stack trace
        return problem;
    }
}

/// <summary>Polls a condition until it holds or a deadline passes: no fixed sleeps in tests.</summary>
internal static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, Func<T, string> describe,
        TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        var wait = interval ?? TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Still not done after {timeout.TotalSeconds:0} s: {describe(value)}");
            await Task.Delay(wait);
        }
    }

    /// <summary>Until every module's outbox is published (nothing pending). Fails early, with the reason, on none.</summary>
    public static Task<IReadOnlyList<OutboxState>> OutboxesDrainedAsync(TestStore store, TimeSpan timeout) =>
        ValueAsync(store.OutboxesAsync, states => states.All(s => s.Pending == 0), timeout,
            states => "outboxes not drained: " + string.Join("; ", states), TimeSpan.FromMilliseconds(200));
}

internal static class Json
{
    public static string Str(this JsonNode node, string property) => node[property]!.GetValue<string>();

    public static string Describe(this HttpResponseMessage response, string body) =>
        new StringBuilder().Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase).Append(": ").Append(body).ToString();
}
