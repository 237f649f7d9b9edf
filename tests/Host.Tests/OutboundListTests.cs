using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// Hosts of their own: the outbound list is scored against every ICP of the host, so the hand-computed counts hold only
/// where this class's ICP is the only one. Reps: alice covers the Rhône (69), bob Paris (75), carol the Bouches-du-Rhône
/// (13); the first-touch SLA is a few seconds long.
/// </summary>
public sealed class OutboundListHosts : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<Provider, (TestStore Store, HostProcess Host)> _started = [];

    internal async Task<(TestStore Store, HostProcess Host)> GetAsync(Provider provider)
    {
        await _lock.WaitAsync();
        try
        {
            if (_started.TryGetValue(provider, out var started)) return started;
            var store = await TestStore.CreateAsync(provider);
            var host = await HostProcess.StartAsync(store, null,
            [
                "--Tandem:Prospects:Reps:0:Name=alice", "--Tandem:Prospects:Reps:0:Departements:0=69",
                "--Tandem:Prospects:Reps:1:Name=bob", "--Tandem:Prospects:Reps:1:Departements:0=75",
                "--Tandem:Prospects:Reps:2:Name=carol", "--Tandem:Prospects:Reps:2:Departements:0=13",
                // The first-touch SLA shrunk to 3.6 seconds, every day round the clock, so that a test can see it pass.
                "--Tandem:Prospects:Sla:FirstTouchHours=0.001", "--Tandem:Prospects:Sla:DayStartHour=0", "--Tandem:Prospects:Sla:DayEndHour=24",
                .. Enum.GetNames<DayOfWeek>().Select((d, i) => $"--Tandem:Prospects:Sla:WorkingDays:{i}={d}"),
            ]);
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

/// <summary>The issue's "an outbound CSV of 10,000 companies is scored and the fitting ones qualified", over HTTP.</summary>
public sealed class OutboundListTests(OutboundListHosts hosts, ITestOutputHelper output) : IClassFixture<OutboundListHosts>
{
    private const int Companies = 10_000;
    private static readonly string[] Naf = ["35.11Z", "43.21A", "47.11B", "49.41A"];
    private static readonly string[] Bands = ["03", "11", "12", "21", "32"];

    /// <summary>
    /// Row i (0-based): NAF <c>Naf[i % 4]</c>, band <c>Bands[i % 5]</c>, postal code 69001 when i is even else 75001.
    /// Every 1,000th company (i % 1000 == 999) has a SIREN whose check digit is wrong: refused here (10 rows); i % 2500
    /// == 1234 has neither email nor phone: refused by Leads (4 rows). The ICP: NAF 35 or 43.21 (50 points), band 11,
    /// 12 or 21 (30), département 69 (20), minimum 60, so a row fits when its NAF matches and its band or its
    /// département does: i % 4 in {0, 1} and (i % 5 in {1, 2, 3} or i even). Over 0..9,999 without the 14 refused rows:
    /// 4,000 fit, 2,500 of them in the Rhône (alice), 1,500 in Paris (bob).
    /// </summary>
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task An_outbound_csv_of_10000_companies_is_scored_and_the_fitting_ones_qualified(Provider provider)
    {
        var (_, host) = await hosts.GetAsync(provider);
        var http = host.Http;
        using (var icp = await http.PutAsJsonAsync("/api/prospects/icp", new
        {
            name = "Bornes de recharge PME",
            criteria = new object[]
            {
                new { field = "nafCode", @operator = "in", values = new[] { "35", "43.21" }, weight = 50 },
                new { field = "headcountBand", @operator = "in", values = new[] { "11", "12", "21" }, weight = 30 },
                new { field = "departement", @operator = "in", values = new[] { "69" }, weight = 20 },
            },
            minFit = 60,
        }))
            Assert.Equal(HttpStatusCode.OK, icp.StatusCode);
        var dirigeant = await TandemApi.PostCreatedAsync(http, "/api/prospects/personas", new { name = "Dirigeant", titleKeywords = new[] { "gérant", "CEO" } });

        var run = Guid.NewGuid().ToString("N")[..8];
        var csv = BuildCsv(run);
        JsonNode first;
        try { first = await ImportAsync(http, csv); }
        catch { output.WriteLine(host.Output); throw; }
        output.WriteLine($"{provider}: {first.ToJsonString()}");

        // The expectation, spelt out independently of the import's own code.
        int fit = 0, alice = 0, bob = 0, refused = 0;
        for (var i = 0; i < Companies; i++)
        {
            if (i % 1000 == 999 || i % 2500 == 1234) { refused++; continue; }
            var points = (i % 4 is 0 or 1 ? 50 : 0) + (i % 5 is 1 or 2 or 3 ? 30 : 0) + (i % 2 == 0 ? 20 : 0);
            if (points < 60) continue;
            fit++;
            if (i % 2 == 0) alice++; else bob++;
        }
        Assert.Equal((4_000, 2_500, 1_500, 14), (fit, alice, bob, refused));

        Assert.Equal(Companies, first["rows"]!.GetValue<int>());
        Assert.Equal(refused, first["rejected"]!.GetValue<int>());
        Assert.Equal(Companies - refused, first["scored"]!.GetValue<int>());
        Assert.Equal(Companies - refused, first["accounts"]!.GetValue<int>());
        Assert.Equal(fit, first["fitting"]!.GetValue<int>());
        Assert.Equal(fit, first["qualified"]!.GetValue<int>());
        Assert.Equal(0, first["alreadyProspects"]!.GetValue<int>());
        var errors = first["errors"]!.AsArray();
        Assert.Equal(14, errors.Count);
        Assert.Equal(1001, errors[0]!["row"]!.GetValue<int>()); // i = 999 is spreadsheet row 1,001 (header = row 1)
        Assert.StartsWith("siren:", errors[0]!.Str("message"), StringComparison.Ordinal);
        Assert.Contains(errors, e => e!["row"]!.GetValue<int>() == 1236 && e.Str("message").StartsWith("Not imported as a lead", StringComparison.Ordinal));

        var leadImport = await TandemApi.GetJsonAsync(http, $"/api/leads/imports/{first.Str("leadImportId")}");
        Assert.Equal((Companies - 4, 4), (leadImport["created"]!.GetValue<int>(), leadImport["rejected"]!.GetValue<int>()));
        Assert.Equal(alice, (await TandemApi.GetJsonAsync(http, "/api/prospects?owner=alice&pageSize=1"))["total"]!.GetValue<int>());
        Assert.Equal(bob, (await TandemApi.GetJsonAsync(http, "/api/prospects?owner=bob&pageSize=1"))["total"]!.GetValue<int>());

        // Row i = 0: NAF 35.11Z matches, band 03 does not, Rhône matches: 70, with its reasons, persona and source.
        var lead = (await TandemApi.LeadsByEmailAsync(http, $"c00000.{run}@exemple.fr"))[0]!;
        Assert.Contains(lead["sources"]!.AsArray(), s => s!.Str("channel") == "outbound");
        var prospect = (await TandemApi.ProspectsOfLeadAsync(http, lead.Str("id")))[0]!;
        Assert.Equal(70, prospect["fit"]!["score"]!.GetValue<int>());
        var reasons = prospect["fit"]!["reasons"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains(reasons, r => r.StartsWith("NAF 35.11Z matches sector", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("6–9 employees (band 03) does not match size", StringComparison.Ordinal));
        Assert.Equal(("alice", dirigeant), (prospect.Str("owner"), prospect.Str("personaId")));
        // Row i = 2: NAF 47.11B does not match: 50 < 60, a lead but not a prospect.
        var notFitting = (await TandemApi.LeadsByEmailAsync(http, $"c00002.{run}@exemple.fr"))[0]!;
        Assert.Empty(await TandemApi.ProspectsOfLeadAsync(http, notFitting.Str("id")));

        // The same list again: every person is found (merged), every fitting one is already a prospect.
        var second = await ImportAsync(http, csv);
        Assert.Equal((fit, 0, fit), (second["fitting"]!.GetValue<int>(), second["qualified"]!.GetValue<int>(), second["alreadyProspects"]!.GetValue<int>()));
        Assert.Equal(alice, (await TandemApi.GetJsonAsync(http, "/api/prospects?owner=alice&pageSize=1"))["total"]!.GetValue<int>());

        // Bad input: a clean 400 naming the field, nothing imported.
        using var noFile = await http.PostAsync("/api/prospects/imports", new MultipartFormDataContent { { new StringContent("x"), "source" } });
        Assert.Contains("file", (await TandemApi.AssertProblemAsync(noFile, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key));
        using var noCompany = await PostCsvAsync(http, Encoding.UTF8.GetBytes($"Email;Fonction\r\nnobody.{run}@exemple.fr;Gérant\r\n"));
        Assert.Contains("file", (await TandemApi.AssertProblemAsync(noCompany, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key));
        Assert.Empty(await TandemApi.LeadsByEmailAsync(http, $"nobody.{run}@exemple.fr"));
        host.AssertNoErrorsLogged();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_prospect_without_a_first_touch_after_the_sla_is_listed_overdue_until_it_is_touched(Provider provider)
    {
        var (_, host) = await hosts.GetAsync(provider);
        var http = host.Http;
        var run = Guid.NewGuid().ToString("N")[..8];
        var leadId = await TandemApi.PostCreatedAsync(http, "/api/leads", new
        {
            email = $"sla.{run}@exemple.fr", company = $"Marseille Solaire {run}", postalCode = "13002", kind = "professional", source = new { channel = "api" },
        });
        var prospectId = await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId });
        Assert.Equal("carol", (await TandemApi.GetJsonAsync(http, $"/api/prospects/{prospectId}")).Str("owner"));

        async Task<JsonArray> OverdueAsync() => (await TandemApi.GetJsonAsync(http, "/api/prospects/overdue?owner=carol")).AsArray();
        var overdue = await Eventually.ValueAsync(OverdueAsync, list => list.Any(p => p!.Str("id") == prospectId), TimeSpan.FromSeconds(60),
            list => $"not overdue yet: {list.ToJsonString()}");
        var entry = overdue.Single(p => p!.Str("id") == prospectId)!;
        Assert.Equal(leadId, entry.Str("leadId"));
        Assert.True(entry["dueBy"]!.GetValue<DateTimeOffset>() > entry["createdAt"]!.GetValue<DateTimeOffset>());

        // The rep calls: the first touch takes it off the list.
        using (var touch = await http.PostAsJsonAsync("/api/outreach/activities", new { prospectId, kind = "call", outcome = "no-answer" }))
            Assert.Equal(HttpStatusCode.Created, touch.StatusCode);
        await Eventually.ValueAsync(OverdueAsync, list => list.All(p => p!.Str("id") != prospectId), TimeSpan.FromSeconds(60),
            list => $"still overdue after the touch: {list.ToJsonString()}");
        using var tooLong = await http.GetAsync("/api/prospects/overdue?owner=" + new string('x', 300));
        Assert.Contains("owner", (await TandemApi.AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "validation"))["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public void The_first_touch_deadline_counts_business_hours_only()
    {
        var sla = new Tandem.Modules.Prospects.Journey.FirstTouchSla(4, TimeSpan.FromHours(9), TimeSpan.FromHours(18),
            TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday });
        // Friday 27 November 2026, 16:00 in Paris (UTC+1): two hours on Friday, two on Monday from 09:00 → Monday 11:00 Paris = 10:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero), sla.DeadlineFrom(new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero)));
        // Saturday: the clock starts on Monday at 09:00 → 13:00 Paris.
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), sla.DeadlineFrom(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)));
        // Tuesday 07:00 Paris, before opening: 09:00 + 4 h = 13:00 Paris.
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), sla.DeadlineFrom(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero)));
        // Summer time (UTC+2): Wednesday 1 July 2026 17:30 Paris → 30 min that day, 3.5 h Thursday → 12:30 Paris = 10:30 UTC.
        Assert.Equal(new DateTimeOffset(2026, 7, 2, 10, 30, 0, TimeSpan.Zero), sla.DeadlineFrom(new DateTimeOffset(2026, 7, 1, 15, 30, 0, TimeSpan.Zero)));
    }

    /// <summary>The list a researcher exports: French headers, semicolons, SIREN, NAF, INSEE band, contact.</summary>
    internal static byte[] BuildCsv(string run)
    {
        var sb = new StringBuilder("Raison sociale;SIREN;Code NAF;Tranche effectif;Code postal;Prénom;Nom;E-mail;Fonction\r\n");
        for (var i = 0; i < Companies; i++)
        {
            var siren = Siren(100_000_000 / 10 + i);
            if (i % 1000 == 999) siren = siren[..8] + (char)('0' + (siren[8] - '0' + 1) % 10);
            var email = i % 2500 == 1234 ? "" : $"c{i:D5}.{run}@exemple.fr";
            sb.Append($"Société {run} n°{i:D5};{siren};{Naf[i % 4]};{Bands[i % 5]};{(i % 2 == 0 ? "69001" : "75001")};Prénom{i};Nom{i};{email};{(i % 3 == 0 ? "Gérant" : "Directeur financier")}\r\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>A SIREN: eight digits and the Luhn check digit.</summary>
    private static string Siren(int eightDigits)
    {
        var body = eightDigits.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        for (var check = 0; check < 10; check++)
        {
            var candidate = body + check;
            var sum = 0;
            for (var i = 0; i < 9; i++)
            {
                var d = candidate[8 - i] - '0';
                if (i % 2 == 1) { d *= 2; if (d > 9) d -= 9; }
                sum += d;
            }
            if (sum % 10 == 0) return candidate;
        }
        throw new InvalidOperationException("unreachable: one check digit always fits");
    }

    private static async Task<JsonNode> ImportAsync(HttpClient http, byte[] csv)
    {
        using var response = await PostCsvAsync(http, csv);
        var body = await TandemApi.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, response.Describe(body?.ToJsonString() ?? ""));
        return body!;
    }

    private static async Task<HttpResponseMessage> PostCsvAsync(HttpClient http, byte[] csv)
    {
        using var file = new ByteArrayContent(csv);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var form = new MultipartFormDataContent { { file, "file", "liste-prospection.csv" } };
        return await http.PostAsync("/api/prospects/imports", form);
    }
}
