using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// One host per provider for the outbound scenarios: they define ICPs (which change who qualifies), so they do not share
/// the hosts of other classes. Reps: alice covers the Rhône (69) and Isère (38), bob Paris (75).
/// </summary>
public sealed class OutboundHosts : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<Provider, (TestStore Store, HostProcess Host)> _started = [];

    internal static readonly string[] Settings =
    [
        "--Tandem:Prospects:Reps:0:Name=alice", "--Tandem:Prospects:Reps:0:Departements:0=69", "--Tandem:Prospects:Reps:0:Departements:1=38",
        "--Tandem:Prospects:Reps:1:Name=bob", "--Tandem:Prospects:Reps:1:Departements:0=75",
        "--Tandem:Outreach:Scheduler:PollIntervalMs=200",
    ];

    internal async Task<(TestStore Store, HostProcess Host)> GetAsync(Provider provider)
    {
        await _lock.WaitAsync();
        try
        {
            if (_started.TryGetValue(provider, out var started)) return started;
            var store = await TestStore.CreateAsync(provider);
            var host = await HostProcess.StartAsync(store, null, Settings);
            return _started[provider] = (store, host);
        }
        finally
        {
            _lock.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (store, host) in _started.Values)
        {
            await host.DisposeAsync();
            await store.DisposeAsync();
        }
    }
}

/// <summary>The outbound issue's "done when", over HTTP against the real host.</summary>
public sealed class OutboundTests(OutboundHosts hosts, ITestOutputHelper output) : IClassFixture<OutboundHosts>
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Inbound_lead_fitting_the_icp_becomes_a_prospect_is_sequenced_called_and_a_booked_meeting_moves_it_to_decision(Provider provider)
    {
        var (store, host) = await hosts.GetAsync(provider);
        var http = host.Http;
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);

        // An ICP: B2B solar roofs for road hauliers and food makers of 10–49 people in the Rhône-Alpes territory.
        using (var icp = await http.PutAsJsonAsync("/api/prospects/icp", new
        {
            name = "Toitures solaires PME",
            criteria = new object[]
            {
                new { field = "departement", @operator = "in", values = new[] { "69", "38" }, weight = 40 },
                new { field = "nafCode", @operator = "in", values = new[] { "49", "10" }, weight = 30 },
                new { field = "headcountBand", @operator = "in", values = new[] { "11", "12" }, weight = 30 },
            },
            minFit = 60,
        }))
        {
            var body = await TandemApi.ReadJsonAsync(icp);
            Assert.True(icp.StatusCode == HttpStatusCode.OK, icp.Describe(body?.ToJsonString() ?? ""));
            Assert.Equal(60, body!["minFit"]!.GetValue<int>());
        }
        using (var account = await http.PostAsJsonAsync("/api/prospects/accounts",
                   new { name = "Transports Rhône Express", siren = "732829320", nafCode = "49.41A", headcountBand = "11" }))
            Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        var dirigeant = await TandemApi.PostCreatedAsync(http, "/api/prospects/personas", new
        {
            name = "Dirigeant", titleKeywords = new[] { "gérant", "directeur général", "PDG", "CEO" }, seniorities = new[] { "executive" },
            callScript = "Parlez du retour sur investissement en 6 ans et de l'autoconsommation.",
        });
        await TandemApi.PostCreatedAsync(http, "/api/prospects/personas", new
        {
            name = "Services généraux", titleKeywords = new[] { "services généraux", "facility manager" }, seniorities = new[] { "manager" },
        });

        // The inbound path: a landing page's form with the company fields, a callback asked for.
        var campaign = await TandemApi.PostCreatedAsync(http, "/api/content/campaigns", new { name = "Toitures PME", channel = "content" });
        var form = await TandemApi.PostCreatedAsync(http, "/api/content/forms", new
        {
            name = "Étude toiture", campaignId = campaign, offersCallback = true, consents = Array.Empty<object>(),
            fields = new object[]
            {
                new { name = "email", label = "Email", type = "email", required = true },
                new { name = "phone", label = "Téléphone", type = "tel", required = false },
                new { name = "firstName", label = "Prénom", type = "text", required = false },
                new { name = "company", label = "Société", type = "text", required = false },
                new { name = "jobTitle", label = "Fonction", type = "text", required = false },
                new { name = "postalCode", label = "Code postal", type = "postal-code", required = false },
                new { name = "kind", label = "Type", type = "text", required = false },
            },
        });
        var run = Guid.NewGuid().ToString("N")[..8];
        using var submitted = await TandemApi.SubmitJsonAsync(host.Anonymous, form, new Dictionary<string, object>
        {
            ["email"] = $"camille.{run}@transports-rhone.fr", ["phone"] = "06 12 34 56 78", ["firstName"] = "Camille",
            ["company"] = "Transports Rhône Express", ["jobTitle"] = "Gérante", ["postalCode"] = "69003", ["kind"] = "professional", ["callback"] = true,
        });
        var leadId = (await TandemApi.ReadJsonAsync(submitted))!["leadId"]!.GetValue<string>();
        // Not fitting: a Paris company the ICP does not cover.
        using var other = await TandemApi.SubmitJsonAsync(host.Anonymous, form, new Dictionary<string, object>
        {
            ["email"] = $"hugo.{run}@boulangerie-paris.fr", ["company"] = "Boulangerie du Marais", ["postalCode"] = "75004", ["kind"] = "professional", ["callback"] = true,
        });
        var otherLead = (await TandemApi.ReadJsonAsync(other))!["leadId"]!.GetValue<string>();

        var prospects = await Eventually.ValueAsync(() => TandemApi.ProspectsOfLeadAsync(http, leadId), p => p.Count > 0, Downstream, _ => "no prospect yet");
        var prospect = prospects[0]!;
        var prospectId = prospect.Str("id");
        Assert.Equal(100, prospect["fit"]!["score"]!.GetValue<int>());
        var reasons = prospect["fit"]!["reasons"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains(reasons, r => r.StartsWith("NAF 49.41A matches sector", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("10–19 employees (band 11) matches size", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("Département 69 matches territory", StringComparison.Ordinal));
        Assert.Equal("alice", prospect.Str("owner"));
        Assert.Equal(dirigeant, prospect.Str("personaId"));
        await Eventually.OutboxesDrainedAsync(store, Downstream);
        Assert.Empty(await TandemApi.ProspectsOfLeadAsync(http, otherLead)); // fit 0 < 60: not a prospect

        // A 4-step sequence with a branch: no answer on the call skips the follow-up email and goes to LinkedIn.
        var sequence = await TandemApi.PostCreatedAsync(http, "/api/outreach/sequences", new
        {
            name = "PME solaire", stopOnReply = true,
            steps = new object[]
            {
                new { kind = "email", waitDays = 0, subject = "{{ firstName }}, votre toiture peut produire", body = "Bonjour {{ firstName }}, une étude pour {{ company }} ?" },
                new { kind = "call", waitDays = 0, instructions = "Appeler pour proposer l'étude.", branches = new object[] { new { when = "no-answer", goTo = 3 } } },
                new { kind = "email", waitDays = 2, subject = "Suite à notre appel", body = "Bonjour {{ firstName }}" },
                new { kind = "linkedin", waitDays = 1, instructions = "Inviter sur LinkedIn." },
            },
        });
        var enrollment = await TandemApi.PostCreatedAsync(http, "/api/outreach/enrollments", new { prospectId, sequenceId = sequence });

        // The scheduler sends the email (the record-only channel keeps it, personalised) and the call lands in alice's day.
        var tasks = await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(http, prospectId),
            t => t.Any(x => x!["enrollmentId"]!.GetValue<string>() == enrollment), Downstream, t => $"no call task of the enrolment yet: {t.ToJsonString()}");
        var day = await TandemApi.GetJsonAsync(http, "/api/outreach/tasks?owner=alice");
        var task = day["items"]!.AsArray().Single(t => t!.Str("enrollmentId") == enrollment)!;
        Assert.Equal("call", task.Str("kind"));
        Assert.Equal("Camille", task["who"]!.Str("firstName"));
        Assert.Equal("Transports Rhône Express", task["who"]!.Str("company"));
        Assert.Contains("Step 2 of 4", task.Str("whyNow"));
        Assert.Equal(100, task["fitScore"]!.GetValue<int>());
        Assert.NotEmpty(task["fitReasons"]!.AsArray());
        Assert.StartsWith("Parlez du retour", task.Str("script"));
        Assert.Contains(task["lastTouches"]!.AsArray(), t => t!.Str("kind") == "email:sent");
        Assert.Equal(1, await store.ScalarAsync("Outreach",
            $"SELECT COUNT(*) FROM {store.Table("Outreach", "RecordedMessages")} WHERE \"Subject\" = @s AND \"Body\" LIKE @b AND \"Body\" LIKE @u",
            ("s", "Camille, votre toiture peut produire"), ("b", "Bonjour Camille, une étude pour Transports Rhône Express ?%"),
            ("u", "%To stop receiving our emails: %/u/%"))); // the unsubscribe link is in the text too
        // The automatic enrolment in the callback sequence was stopped by the rep's choice: one active sequence.
        Assert.Equal(1, await store.ScalarAsync("Outreach",
            $"SELECT COUNT(*) FROM {store.Table("Outreach", "Enrollments")} WHERE \"ProspectId\" = @p AND \"Status\" = 'active'", ("p", prospectId)));

        using (var completed = await http.PostAsJsonAsync($"/api/outreach/tasks/{task.Str("id")}/complete", new { outcome = "meeting-booked", notes = "RDV jeudi 10h" }))
        {
            var body = await TandemApi.ReadJsonAsync(completed);
            Assert.True(completed.StatusCode == HttpStatusCode.OK, completed.Describe(body?.ToJsonString() ?? ""));
            Assert.Equal("stopped", body!.Str("enrollmentStatus"));
        }
        var details = await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{enrollment}");
        Assert.Equal("stopped", details.Str("status"));
        Assert.Equal("meeting-booked", details.Str("stopReason"));
        Assert.Equal(["done", "done", "skipped", "skipped"], details["steps"]!.AsArray().Select(s => s!.Str("status")));
        await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/prospects/{prospectId}"), p => p.Str("stage") == "decision", Downstream,
            p => $"the prospect did not move to decision: {p.ToJsonString()}");

        // A second prospect by hand: bob's territory, below the minimum fit (kept, with the reason); lost.
        var parisLead = await TandemApi.PostCreatedAsync(http, "/api/leads", new
        {
            email = $"lea.{run}@paris-logistique.fr", company = "Paris Logistique", postalCode = "75011", kind = "professional", source = new { channel = "outbound" },
        });
        var byHand = await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId = parisLead });
        var paris = await TandemApi.GetJsonAsync(http, $"/api/prospects/{byHand}");
        Assert.Equal("bob", paris.Str("owner"));
        Assert.Contains(paris["fit"]!["reasons"]!.AsArray(), r => r!.GetValue<string>() == "Below the minimum fit: qualified by hand.");
        using (var lost = await http.PostAsJsonAsync($"/api/prospects/{byHand}/outcome", new { outcome = "lost", reason = "Toiture en location" }))
            Assert.Equal(HttpStatusCode.OK, lost.StatusCode);
        using (var won = await http.PostAsJsonAsync($"/api/prospects/{prospectId}/outcome", new { outcome = "won" }))
            Assert.Equal(HttpStatusCode.OK, won.StatusCode);
        await TandemApi.PostCreatedAsync(http, "/api/outreach/activities", new { prospectId, kind = "call", outcome = "no-answer", notes = "Rappel" });

        // Hand-computed for alice: 1 prospect, 2 calls (the task, the logged one), 1 email, 0 replies, 1 meeting, 1 won.
        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        var numbers = await TandemApi.GetJsonAsync(http, $"/api/outreach/numbers?from={Uri.EscapeDataString(started.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&owner=alice");
        output.WriteLine(numbers.ToJsonString());
        Assert.Equal(1, numbers["prospects"]!.GetValue<int>());
        Assert.Equal(2, numbers["callsMade"]!.GetValue<int>());
        Assert.Equal(1, numbers["emailsSent"]!.GetValue<int>());
        Assert.Equal(0, numbers["replies"]!.GetValue<int>());
        Assert.Equal(0.0, numbers["responseRate"]!.GetValue<double>());
        Assert.Equal(1, numbers["meetingsBooked"]!.GetValue<int>());
        Assert.Equal(1, numbers["won"]!.GetValue<int>());
        Assert.Equal(0, numbers["lost"]!.GetValue<int>());
        Assert.Equal(1.0, numbers["winRate"]!.GetValue<double>());
        var bob = await TandemApi.GetJsonAsync(http, $"/api/outreach/numbers?from={Uri.EscapeDataString(started.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&owner=bob");
        Assert.Equal(1, bob["lost"]!.GetValue<int>());
        Assert.Equal(0.0, bob["winRate"]!.GetValue<double>());

        var check = await host.Http.PostAsJsonAsync("/api/outreach/compliance/check", new { prospectId, channel = "email" });
        var decision = await TandemApi.ReadJsonAsync(check);
        Assert.True(decision!["allowed"]!.GetValue<bool>());
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Bad_outbound_input_is_a_400_naming_the_field_and_stores_nothing(Provider provider)
    {
        var (_, host) = await hosts.GetAsync(provider);
        var http = host.Http;
        async Task AssertField(HttpResponseMessage response, string field)
        {
            var problem = await TandemApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation");
            Assert.True(problem["errors"]?[field] is not null, $"expected an error on {field}: {problem.ToJsonString()}");
        }
        using (var r = await http.PutAsJsonAsync("/api/prospects/icp", new { name = "x", minFit = 50, criteria = new[] { new { field = "nafCode", @operator = "like", values = new[] { "49" }, weight = 10 } } }))
            await AssertField(r, "criteria[0].operator");
        using (var r = await http.PutAsJsonAsync("/api/prospects/icp", new { name = "x", minFit = 150, criteria = new[] { new { field = "nafCode", @operator = "in", values = new[] { "49" }, weight = 10 } } }))
            await AssertField(r, "minFit");
        using (var r = await http.PostAsJsonAsync("/api/prospects/personas", new { name = "x", titleKeywords = Array.Empty<string>() }))
            await AssertField(r, "titleKeywords");
        using (var r = await http.PostAsJsonAsync("/api/prospects/accounts", new { name = "x", siren = "732829321" }))
            await AssertField(r, "siren");
        using (var r = await http.PostAsJsonAsync("/api/outreach/sequences", new
               {
                   name = "x", steps = new object[]
                   {
                       new { kind = "call", waitDays = 0 },
                       new { kind = "call", waitDays = 1, branches = new[] { new { when = "no-answer", goTo = 0 } } },
                   },
               }))
            await AssertField(r, "steps[1].branches[0].goTo");
        using (var r = await http.PostAsJsonAsync("/api/outreach/sequences", new { name = "x", steps = new[] { new { kind = "email", waitDays = 0, body = "{% if %}" } } }))
            await AssertField(r, "steps[0].body");
        using (var r = await http.PostAsJsonAsync("/api/outreach/sequences", new { name = "x", steps = new[] { new { kind = "fax", waitDays = 0 } } }))
            await AssertField(r, "steps[0].kind");
        using (var r = await http.PostAsJsonAsync("/api/outreach/enrollments", new { prospectId = "nope", sequenceId = OutreachDefaultSequence }))
            await AssertField(r, "prospectId");
        using (var r = await http.PostAsJsonAsync("/api/outreach/tasks/nope/complete", new { outcome = "maybe" }))
            await AssertField(r, "outcome");
        using (var r = await http.PostAsJsonAsync("/api/outreach/activities", new { kind = "call" }))
            await AssertField(r, "prospectId");
        using (var r = await http.PostAsJsonAsync("/api/outreach/compliance/check", new { prospectId = "x", channel = "fax" }))
            await AssertField(r, "channel");
        using (var r = await http.PostAsJsonAsync("/api/outreach/templates/preview", new { body = "Bonjour {{ firstName }}" }))
        {
            var preview = await TandemApi.ReadJsonAsync(r);
            Assert.Equal("Bonjour Camille", preview!.Str("body"));
        }
        using (var r = await http.GetAsync("/api/outreach/enrollments/nope"))
            await TandemApi.AssertProblemAsync(r, HttpStatusCode.NotFound);
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_linkedin_step_is_a_task_with_the_profile_link_and_a_drafted_message_and_is_never_sent(Provider provider)
    {
        var (store, host) = await hosts.GetAsync(provider);
        var http = host.Http;
        var run = Guid.NewGuid().ToString("N")[..8];
        var sequence = await TandemApi.PostCreatedAsync(http, "/api/outreach/sequences", new
        {
            name = "Social selling " + run,
            steps = new object[]
            {
                new { kind = "linkedin", waitDays = 0, instructions = "Invitation personnalisée",
                      body = "Bonjour {{ firstName }}, nous équipons les parkings de {{ company }} en bornes. {{ owner }}" },
            },
        });
        async Task<(string Prospect, string Enrollment)> EnrolAsync(string first, string last, string company, string? linkedInUrl)
        {
            var lead = await TandemApi.PostCreatedAsync(http, "/api/leads", new
            {
                email = $"{first.ToLowerInvariant()}.{run}@{last.ToLowerInvariant()}-parkings.fr", firstName = first, lastName = last, company,
                postalCode = "69007", kind = "professional", linkedInUrl, source = new { channel = "outbound" },
            });
            var prospect = await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId = lead });
            await Eventually.OutboxesDrainedAsync(store, Downstream);
            return (prospect, await TandemApi.PostCreatedAsync(http, "/api/outreach/enrollments", new { prospectId = prospect, sequenceId = sequence }));
        }
        var ines = await EnrolAsync("Inès", "Garnier", $"Parkings Garnier {run}", $"https://fr.linkedin.com/in/Ines-Garnier-{run}/");
        var hugo = await EnrolAsync("Hugo", "Morel", $"Morel Transports {run}", null);

        async Task<JsonNode> TaskOfAsync((string Prospect, string Enrollment) who) =>
            (await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(http, who.Prospect),
                t => t.Any(x => x!.Str("enrollmentId") == who.Enrollment), Downstream, t => t.ToJsonString()))
            .Single(x => x!.Str("enrollmentId") == who.Enrollment)!;
        var inesTask = await TaskOfAsync(ines);
        Assert.Equal("linkedin", inesTask.Str("kind"));
        Assert.Equal("alice", inesTask.Str("owner"));
        Assert.Equal($"https://www.linkedin.com/in/ines-garnier-{run}", inesTask.Str("profileUrl"));
        Assert.Equal($"Bonjour Inès, nous équipons les parkings de Parkings Garnier {run} en bornes. alice", inesTask.Str("draftMessage"));
        Assert.Equal("Invitation personnalisée", inesTask.Str("instructions"));
        // Without a known profile: a people search for the name and company.
        var hugoTask = await TaskOfAsync(hugo);
        Assert.Equal("https://www.linkedin.com/search/results/people/?keywords=" + Uri.EscapeDataString($"Hugo Morel Morel Transports {run}"),
            hugoTask.Str("profileUrl"));
        Assert.StartsWith("Bonjour Hugo,", hugoTask.Str("draftMessage"));

        // Never sent by Tandem: the step waits for the rep (still due), and is done only when the rep says so.
        var waiting = await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{ines.Enrollment}");
        Assert.Equal("due", waiting["steps"]![0]!.Str("status"));
        using (var done = await http.PostAsJsonAsync($"/api/outreach/tasks/{inesTask.Str("id")}/complete", new { outcome = "done", notes = "Invitation envoyée" }))
            Assert.True(done.IsSuccessStatusCode, $"complete: {(int)done.StatusCode}");
        var completed = await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{ines.Enrollment}");
        Assert.Equal("done", completed["steps"]![0]!.Str("status"));
        Assert.Equal("completed", completed.Str("status"));
    }

    private const string OutreachDefaultSequence = "default-callback";
}
