using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// Bad input is a 4xx, never a 500 (docs/API.md): whatever a client sends — bodies beyond the form limits, JSON that is
/// not UTF-8, <c>null</c>, wrong types, unknown charsets, URLs too long — the answer is a clean problem+json with a
/// title a person understands, no internal type names, nothing stored, and the host logs it at Information without a
/// stack trace.
/// </summary>
public sealed partial class MalformedRequestTests(SharedHosts hosts, ITestOutputHelper output) : IClassFixture<SharedHosts>
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string Json = "application/json";

    /// <summary>Words that give away internals: .NET namespaces, exception names, framework binding jargon, stack frames.</summary>
    [GeneratedRegex(@"Tandem\.|System\.|Microsoft\.|Exception|Nullable<|inferred|Did you mean|\bat [A-Z]\w+\.")]
    private static partial Regex Internals();

    [GeneratedRegex(@"\n\s+at \S+\(")]
    private static partial Regex StackFrame();

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_battery_of_malformed_requests_to_every_public_route_and_a_sample_of_api_routes_is_never_a_5xx_and_stores_nothing(Provider provider)
    {
        var (store, host, content) = await hosts.GetAsync(provider);
        var submissions = $"SELECT COUNT(*) FROM {store.Table("Content", "Submissions")}";
        var leads = $"SELECT COUNT(*) FROM {store.Table("Leads", "Leads")}";
        var submissionsBefore = await store.ScalarAsync("Content", submissions);
        var leadsBefore = await store.ScalarAsync("Leads", leads);

        string[] posts =
        [
            $"/f/{content.FormId}", "/f/no-such-form", "/hooks/sample/leads", "/hooks/no-such-plugin/leads",
            "/api/leads", "/api/content/campaigns", "/api/content/assets", "/api/content/forms", "/api/content/landing-pages", "/api/prospects",
        ];
        string[] gets =
        [
            $"/p/{content.Slug}", "/p/no-such-page", $"/f/{content.FormId}/thanks", $"/f/{content.FormId}/embed.js", "/health/live", "/health/ready",
            "/hooks/sample/leads", "/api/leads", "/api/leads/no-such-lead", "/api/prospects", "/api/outreach/tasks", "/api/modules", "/openapi/v1.json",
            $"/api/content/forms/{content.FormId}", "/api/content/submissions/no-such-submission",
        ];
        string[] queries =
        [
            "?page=abc&pageSize=-1", "?page=99999999999999999999", "?q=%00%01%7F", "?q=" + new string('q', 3000), "?due=not-a-date",
            "?email=%FF%FE", "?status=%E2%80%AEnew", "?phone=%00", "?leadId=%00&stage=%E2%80%AE",
        ];

        var failures = new List<string>();
        var sent = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        async Task Check(string method, string path, Func<HttpContent?> body, string label, Action<HttpRequestMessage>? configure = null, bool serverLevel = false)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body() };
            // A large body waits for the server's go-ahead: a refusal (413) then arrives instead of a broken pipe.
            if (request.Content?.Headers.ContentLength > 32 * 1024) request.Headers.ExpectContinue = true;
            configure?.Invoke(request);
            using var response = await host.Http.SendAsync(request);
            sent++;
            var text = await response.Content.ReadAsStringAsync();
            var problem = Verdict(method, path, response, text, serverLevel);
            if (problem is not null) failures.Add($"{method} {Shorten(path)} with {label}: {problem}");
        }

        foreach (var path in posts)
            foreach (var (label, body) in Bodies(content.FormId))
                await Check("POST", path, body, label);
        foreach (var path in gets)
            foreach (var query in queries)
                await Check("GET", path + query, () => null, "query " + Shorten(query));
        foreach (var path in posts.Concat(gets).Distinct())
            foreach (var method in new[] { "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS" })
                await Check(method, path, () => null, "no body");
        foreach (var path in new[] { "/p/%E2%80%AE", "/p/" + new string('a', 3000), "/p/%FF", "/api/leads/%E2%80%AE", "/api/leads/..%2F..%2Fetc%2Fpasswd", "/f/%20/thanks" })
            await Check("GET", path, () => null, "an odd path");
        // Kestrel refuses a NUL in the path itself, before any application code runs: a bare 400 is all it can be.
        await Check("GET", "/p/a%00b", () => null, "NUL in the path", serverLevel: true);
        foreach (var path in new[] { "/p/" + new string('a', 20_000), "/api/leads?q=" + new string('a', 20_000) })
            await Check("GET", path, () => null, "a 20 KB URL");
        foreach (var (label, configure) in new (string, Action<HttpRequestMessage>)[]
        {
            ("a 10 KB API key", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('k', 10_000))),
            ("Basic authentication", r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=")),
            ("an empty bearer", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer ")),
            ("garbage forwarded headers", r => { r.Headers.TryAddWithoutValidation("X-Forwarded-For", "not-an-ip, ::::, 999.1.1.1"); r.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "gopher"); }),
            ("a garbage Accept", r => r.Headers.TryAddWithoutValidation("Accept", "*/*;q=abc, ;;;")),
        })
            foreach (var path in new[] { "/api/leads", $"/p/{content.Slug}", $"/f/{content.FormId}" })
                await Check(path.StartsWith("/f/", StringComparison.Ordinal) ? "POST" : "GET", path, () => Raw("{}", Json), label, configure);

        output.WriteLine($"{sent} malformed requests sent to {provider} in {clock.Elapsed.TotalSeconds:0.0} s; {failures.Count} bad answers");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} malformed requests were not answered with a clean 4xx:\n"
            + string.Join('\n', failures.Take(40)) + $"\nHost output:\n{host.Output}");
        var stored = await TandemApi.GetJsonAsync(host.Http, "/api/leads?pageSize=200");
        Assert.True(submissionsBefore == await store.ScalarAsync("Content", submissions), $"a malformed request was stored as a submission; leads: {stored.ToJsonString()}");
        Assert.True(leadsBefore == await store.ScalarAsync("Leads", leads), $"a malformed request was stored as a lead; leads: {stored.ToJsonString()}");
        host.AssertNoErrorsLogged();
        var traces = host.LogEntries.Where(e => StackFrame().IsMatch(e)).ToList();
        Assert.True(traces.Count == 0, $"bad input is logged without a stack trace:\n{string.Join('\n', traces.Take(3))}");
    }

    [Fact]
    public async Task Form_posts_beyond_the_form_limits_are_a_413_problem_logged_at_information_without_a_stack_trace()
    {
        var (_, host, content) = await hosts.GetAsync(Provider.Sqlite);

        using var tooMany = await host.Anonymous.PostAsync($"/f/{content.FormId}",
            Raw(string.Join('&', Enumerable.Range(0, 1100).Select(i => $"k{i}=v")), Form));
        var many = await TandemApi.AssertProblemAsync(tooMany, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        using var longKey = await host.Anonymous.PostAsync($"/f/{content.FormId}", Raw(new string('k', 3000) + "=v", Form));
        var key = await TandemApi.AssertProblemAsync(longKey, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");

        AssertPlain(many);
        AssertPlain(key);
        Assert.Contains("fields", many.Str("detail"));
        host.AssertNoErrorsLogged();
        var logged = await Eventually.ValueAsync(() => Task.FromResult(host.LogEntries.Where(e => e.StartsWith("info:", StringComparison.Ordinal) && e.Contains("413", StringComparison.Ordinal)).ToList()),
            l => l.Count >= 2, TimeSpan.FromSeconds(10), _ => "no Information entry for the 413 answers:\n" + host.Output);
        Assert.All(logged, e => Assert.DoesNotMatch(StackFrame(), e));
    }

    [Fact]
    public async Task Json_that_is_not_utf8_or_holds_a_lone_surrogate_is_a_400_problem_on_forms_and_on_the_api()
    {
        var (_, host, content) = await hosts.GetAsync(Provider.Sqlite);
        byte[] notUtf8 = [.. "{\"email\":\"a"u8, 0xFF, 0xFE, .. "@exemple-solaire.fr\",\"source\":{\"channel\":\"api\"}}"u8];

        using var form = await host.Anonymous.PostAsync($"/f/{content.FormId}", Bytes(notUtf8, Json));
        AssertPlain(await TandemApi.AssertProblemAsync(form, HttpStatusCode.BadRequest));
        using var api = await host.Http.PostAsync("/api/leads", Bytes(notUtf8, Json));
        AssertPlain(await TandemApi.AssertProblemAsync(api, HttpStatusCode.BadRequest));
        using var surrogate = await host.Anonymous.PostAsync($"/f/{content.FormId}", Raw("{\"email\":\"lone@exemple-solaire.fr\",\"firstName\":\"\\ud800\"}", Json));
        AssertPlain(await TandemApi.AssertProblemAsync(surrogate, HttpStatusCode.BadRequest));

        host.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task A_null_or_missing_json_body_on_the_api_is_a_400_problem_in_plain_words()
    {
        var (_, host, _) = await hosts.GetAsync(Provider.Sqlite);

        foreach (var body in new[] { "null", "" })
        {
            using var response = await host.Http.PostAsync("/api/leads", Raw(body, Json));
            var problem = await TandemApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            AssertPlain(problem);
            Assert.Contains("JSON object", problem.Str("detail"));
        }
    }

    [Fact]
    public async Task A_wrongly_typed_json_value_names_the_field_and_no_internal_type()
    {
        var (_, host, _) = await hosts.GetAsync(Provider.Sqlite);

        using var root = await host.Http.PostAsync("/api/leads", Raw("\"abc\"", Json));
        var rootProblem = await TandemApi.AssertProblemAsync(root, HttpStatusCode.BadRequest);
        AssertPlain(rootProblem);
        Assert.Contains("JSON object", rootProblem.Str("detail"));

        using var field = await host.Http.PostAsync("/api/leads", Raw("{\"email\":\"x@exemple-solaire.fr\",\"source\":{\"channel\":42}}", Json));
        var fieldProblem = await TandemApi.AssertProblemAsync(field, HttpStatusCode.BadRequest, "validation");
        AssertPlain(fieldProblem);
        Assert.Contains("source.channel", fieldProblem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task Query_values_that_cannot_be_read_are_a_400_naming_the_parameter()
    {
        var (_, host, _) = await hosts.GetAsync(Provider.Sqlite);

        using var page = await host.Http.GetAsync("/api/leads?page=abc");
        var pageProblem = await TandemApi.AssertProblemAsync(page, HttpStatusCode.BadRequest, "validation");
        AssertPlain(pageProblem);
        Assert.Contains("page", pageProblem["errors"]!.AsObject().Select(e => e.Key));

        using var due = await host.Http.GetAsync("/api/outreach/tasks?due=not-a-date");
        var dueProblem = await TandemApi.AssertProblemAsync(due, HttpStatusCode.BadRequest, "validation");
        AssertPlain(dueProblem);
        Assert.Contains("due", dueProblem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task A_url_too_long_is_a_414_problem_not_an_empty_answer()
    {
        var (_, host, _) = await hosts.GetAsync(Provider.Sqlite);

        using var response = await host.Anonymous.GetAsync("/p/" + new string('a', 20_000));

        AssertPlain(await TandemApi.AssertProblemAsync(response, HttpStatusCode.RequestUriTooLong, "uri-too-long"));
    }

    [Fact]
    public async Task An_unknown_charset_or_a_body_the_endpoint_does_not_read_is_a_415_problem()
    {
        var (_, host, content) = await hosts.GetAsync(Provider.Sqlite);

        using var charset = await host.Http.PostAsync("/api/leads", Raw("{}", "application/json; charset=klingon"));
        AssertPlain(await TandemApi.AssertProblemAsync(charset, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type"));
        using var formCharset = await host.Anonymous.PostAsync($"/f/{content.FormId}", Raw("email=a%40b.fr", Form + "; charset=klingon"));
        AssertPlain(await TandemApi.AssertProblemAsync(formCharset, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type"));
        using var formToApi = await host.Http.PostAsync("/api/leads", Raw("email=a%40b.fr", Form));
        var problem = await TandemApi.AssertProblemAsync(formToApi, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        AssertPlain(problem);
        Assert.Contains("application/json", problem.Str("detail"));

        host.AssertNoErrorsLogged();
    }

    /// <summary>Why an answer to a malformed request is not acceptable, or null when it is.</summary>
    private static string? Verdict(string method, string path, HttpResponseMessage response, string text, bool serverLevel)
    {
        var status = (int)response.StatusCode;
        if (status >= 500) return $"{status}: {Shorten(text)}";
        if (serverLevel || status < 400 || method == "HEAD") return null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        // A browser posting a form gets the page again with the errors (HTML); a plugin's webhook answers as it likes.
        if (mediaType == "text/html" && path.StartsWith("/f/", StringComparison.Ordinal) && status == 400) return null;
        if (path.StartsWith("/hooks/sample/", StringComparison.Ordinal) && mediaType != "application/problem+json") return null;
        if (mediaType != "application/problem+json") return $"{status} with content type '{mediaType}' and body '{Shorten(text)}'";
        JsonNode? problem;
        try { problem = JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return $"{status}: unreadable problem '{Shorten(text)}'"; }
        if (string.IsNullOrWhiteSpace(problem?["title"]?.GetValue<string>())) return $"{status}: a problem without a title: {Shorten(text)}";
        if (problem["status"]?.GetValue<int>() != status) return $"{status}: the problem says status {problem["status"]}";
        var internals = Internals().Match(text);
        return internals.Success ? $"{status}: names internals ('{internals.Value}'): {Shorten(text)}" : null;
    }

    private static void AssertPlain(JsonNode problem)
    {
        var text = problem.ToJsonString();
        Assert.DoesNotMatch(Internals(), text);
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + $"… ({text.Length} chars)";

    private static ByteArrayContent Raw(string body, string contentType) => Bytes(Encoding.UTF8.GetBytes(body), contentType);

    private static ByteArrayContent Bytes(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>Bodies no endpoint should accept, each made afresh for every request.</summary>
    private static IEnumerable<(string Label, Func<HttpContent> Body)> Bodies(string formId)
    {
        const string nul = "\\u0000";
        var everyField = """
            {"name":"N{0}","channel":"content","title":"T{0}","kind":"guide","journeyStage":"awareness",
             "fields":[{"name":"email","label":"E{0}","type":"email","required":true}],
             "consents":[{"purpose":"newsletter","text":"ok{0}","required":false}],
             "slug":"battery-{1}","body":"b{0}","formId":"{2}","leadId":"x{0}",
             "email":"battery.{1}@exemple-solaire.fr","firstName":"A{0}","lastName":"L{0}","company":"C{0}",
             "source":{"channel":"api","detail":"d{0}","campaignId":"c{0}"},"utm_source":"u{0}","consent.newsletter":true}
            """;
        string Every(string bad) => everyField.Replace("{0}", bad, StringComparison.Ordinal)
            .Replace("{1}", Guid.NewGuid().ToString("N")[..8], StringComparison.Ordinal).Replace("{2}", formId, StringComparison.Ordinal);

        yield return ("a form of 1,100 values", () => Raw(string.Join('&', Enumerable.Range(0, 1100).Select(i => $"k{i}=v")), Form));
        yield return ("a form key of 3,000 characters", () => Raw(new string('k', 3000) + "=v", Form));
        yield return ("a 100 KB form", () => Raw("email=" + new string('x', 100_000), Form));
        yield return ("a form in an unknown charset", () => Raw("email=a%40b.fr", Form + "; charset=klingon"));
        yield return ("a form with NUL and bidi overrides", () => Raw("email=battery%40exemple-solaire.fr&firstName=A%00B&lastName=%E2%80%AEgnp&utm_source=%00", Form));
        yield return ("JSON that is not UTF-8", () => Bytes([.. "{\"email\":\"a"u8, 0xFF, 0xFE, .. "@exemple-solaire.fr\",\"name\":\""u8, 0xC3, 0x28, .. "\"}"u8], Json));
        yield return ("JSON null", () => Raw("null", Json));
        yield return ("a JSON string", () => Raw("\"text\"", Json));
        yield return ("a JSON array", () => Raw("[1,2]", Json));
        yield return ("a JSON number", () => Raw("42", Json));
        yield return ("JSON of wrong types", () => Raw("""
            {"email":42,"phone":[],"name":{},"title":true,"fields":"x","consents":7,"slug":1,"formId":[],"leadId":{},
             "source":"web","kind":false,"offersCallback":"yes","channel":3,"cost":"free","startsOn":"yesterday"}
            """, Json));
        yield return ("truncated JSON", () => Raw("{\"email\":", Json));
        yield return ("JSON 200 levels deep", () => Raw(new string('[', 200) + new string(']', 200), Json));
        yield return ("an empty JSON body", () => Raw("", Json));
        yield return ("JSON with NUL in every text field", () => Raw(Every(nul), Json));
        yield return ("JSON with a lone surrogate in every text field", () => Raw(Every("\\ud800"), Json));
        yield return ("JSON with bidi overrides in every text field", () => Raw(Every("\\u202e\\u2066"), Json));
        yield return ("JSON with control characters in every text field", () => Raw(Every("\\u0007\\u001b\\u007f"), Json));
        yield return ("JSON in an unknown charset", () => Raw("{}", Json + "; charset=klingon"));
        yield return ("UTF-8 JSON declared as UTF-16", () => Raw("{\"email\":\"a@b.fr\"}", Json + "; charset=utf-16"));
        yield return ("plain text", () => Raw("hello", "text/plain"));
        yield return ("XML", () => Raw("<lead><email>a@b.fr</email></lead>", "application/xml"));
        yield return ("multipart without a boundary", () => Raw("xx", "multipart/form-data"));
        yield return ("broken multipart", () => Raw("--abc\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nbroken", "multipart/form-data; boundary=abc"));
        yield return ("2 MiB of JSON", () => Raw("{\"email\":\"big@exemple-solaire.fr\",\"source\":{\"channel\":\"api\",\"detail\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}", Json));
        yield return ("a garbage content type", () => Raw("{}", "a/b/c;;;="));
        yield return ("duplicate JSON keys", () => Raw("{\"email\":\"x\",\"email\":\"y\",\"source\":{\"channel\":\"api\"}}", Json));
    }
}
