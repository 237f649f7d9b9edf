using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tandem.Host.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// A busy-times calendar served on 127.0.0.1 as a rep's calendar service would serve it (an ICS feed), and one host per
/// provider whose rep alice has a booking page reading it.
/// </summary>
public sealed class MeetingHosts : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<Provider, (TestStore Store, HostProcess Host)> _started = [];
    private readonly HttpListener _feed = new();
    private CancellationTokenSource? _stop;
    private Task? _serving;

    /// <summary>What the feed answers: the calendar text, or null for a 500 (the calendar service down).</summary>
    public volatile string? Calendar = Empty;

    public const string Empty = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//EN\r\nEND:VCALENDAR\r\n";

    public string FeedUrl { get; private set; } = "";

    internal async Task<(TestStore Store, HostProcess Host)> GetAsync(Provider provider)
    {
        await _lock.WaitAsync();
        try
        {
            if (_started.TryGetValue(provider, out var started)) return started;
            var store = await TestStore.CreateAsync(provider);
            var host = await HostProcess.StartAsync(store, null,
            [
                .. OutboundHosts.Settings,
                "--Tandem:Outreach:Booking:Reps:alice:TimeZone=Europe/Paris", "--Tandem:Outreach:Booking:Reps:alice:WorkStart=09:00",
                "--Tandem:Outreach:Booking:Reps:alice:WorkEnd=18:00", "--Tandem:Outreach:Booking:Reps:alice:MeetingMinutes=30",
                "--Tandem:Outreach:Booking:Reps:alice:BufferMinutes=15", "--Tandem:Outreach:Booking:Reps:alice:DaysAhead=7",
                "--Tandem:Outreach:Booking:Reps:alice:MinNoticeMinutes=0", "--Tandem:Outreach:Booking:Reps:alice:Email=alice@example.test",
                "--Tandem:Outreach:Booking:Reps:alice:DisplayName=<b>Alice & Cie</b>",
                $"--Tandem:Outreach:Booking:Reps:alice:BusyFeedUrl={FeedUrl}",
            ]);
            return _started[provider] = (store, host);
        }
        finally
        {
            _lock.Release();
        }
    }

    public Task InitializeAsync()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        FeedUrl = $"http://127.0.0.1:{port}/alice.ics";
        _feed.Prefixes.Add($"http://127.0.0.1:{port}/");
        _feed.Start();
        _stop = new CancellationTokenSource();
        _serving = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _feed.GetContextAsync();
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                var text = Calendar;
                context.Response.StatusCode = text is null ? 500 : 200;
                context.Response.ContentType = "text/calendar; charset=utf-8";
                var bytes = Encoding.UTF8.GetBytes(text ?? "down");
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var (store, host) in _started.Values)
        {
            await host.DisposeAsync();
            await store.DisposeAsync();
        }
        _stop?.Cancel();
        _feed.Stop();
        if (_serving is not null) await _serving;
        _feed.Close();
    }
}

/// <summary>Meetings over HTTP: the booking page with busy times from an ICS feed, the invitation, a meeting logged by phone, no-shows.</summary>
public sealed class MeetingsTests(MeetingHosts hosts) : IClassFixture<MeetingHosts>
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_prospect_picks_a_free_slot_the_meeting_stops_the_sequence_moves_to_decision_and_the_invitation_is_sent(Provider provider)
    {
        var (store, host) = await hosts.GetAsync(provider);
        var http = host.Http;
        var run = Guid.NewGuid().ToString("N")[..8];
        var email = $"nina.{run}@froid-lyon.fr";
        var leadId = await TandemApi.PostCreatedAsync(http, "/api/leads", new
        {
            email, firstName = "Nina", lastName = "Roux", company = "Froid Lyon", postalCode = "69007", kind = "professional", source = new { channel = "outbound" },
        });
        var prospectId = await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId });
        // Qualified: enrolled in the callback sequence, whose call task waits in alice's day.
        var task = (await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(http, prospectId), t => t.Count > 0, Downstream, _ => "no task yet"))[0]!;
        var enrollmentId = task.Str("enrollmentId");

        // The link that goes into emails and tasks; the page knows the prospect, so it asks for no name or email.
        var link = (await TandemApi.GetJsonAsync(http, $"/api/outreach/booking-link?owner=alice&prospectId={prospectId}")).Str("url");
        var path = new Uri(link).PathAndQuery;
        var token = Regex.Match(path, "[?&]p=([^&]+)").Groups[1].Value;
        hosts.Calendar = MeetingHosts.Empty;
        var page = await PageAsync(host, path, HttpStatusCode.OK);
        Assert.Contains("&lt;b&gt;Alice &amp; Cie&lt;/b&gt;", page);
        Assert.DoesNotContain("<b>Alice", page);
        Assert.Contains("name=\"viewport\"", page);
        Assert.DoesNotContain("name=\"email\"", page);
        var slots = Slots(page);
        Assert.True(slots.Count >= 10, $"a week of working hours offers slots: {slots.Count}");
        // Working hours in Paris, 30 minutes + 15 minutes of buffer: 09:00, 09:45, 10:30…
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        Assert.All(slots, s =>
        {
            var local = TimeZoneInfo.ConvertTime(s, paris);
            Assert.InRange(local.TimeOfDay, TimeSpan.FromHours(9), TimeSpan.FromHours(17.5));
            Assert.Equal(0, (int)(local.TimeOfDay - TimeSpan.FromHours(9)).TotalMinutes % 45);
            Assert.NotEqual(DayOfWeek.Saturday, local.DayOfWeek);
            Assert.NotEqual(DayOfWeek.Sunday, local.DayOfWeek);
        });

        // The rep's calendar says the first slot is busy (a 20-minute call ending inside it): it is no longer offered; the others are.
        var busy = slots[0];
        hosts.Calendar = Calendar(("busy-1", busy.AddMinutes(10), busy.AddMinutes(30)));
        var narrowed = Slots(await PageAsync(host, path, HttpStatusCode.OK));
        Assert.DoesNotContain(busy, narrowed);
        Assert.Contains(slots[^1], narrowed);
        // The calendar service down: no slot offered blind.
        hosts.Calendar = null;
        await PageAsync(host, path, HttpStatusCode.ServiceUnavailable);
        hosts.Calendar = Calendar(("busy-1", busy.AddMinutes(10), busy.AddMinutes(30)));
        // Picking the busy slot anyway is refused.
        await BookAsync(host, "alice", HttpStatusCode.Conflict, ("p", token), ("slot", busy.ToString("O", CultureInfo.InvariantCulture)));

        var chosen = narrowed[narrowed.Count / 2];
        var booked = await BookAsync(host, "alice", HttpStatusCode.OK, ("p", token), ("slot", chosen.ToString("O", CultureInfo.InvariantCulture)));
        var invitationUrl = WebUtility.HtmlDecode(Regex.Match(booked, "href=\"([^\"]+)\"").Groups[1].Value);
        Assert.Contains("/book/invitation/", invitationUrl);

        // The sequence stopped with the reason, the prospect moved to decision.
        var enrollment = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{enrollmentId}"),
            e => e.Str("status") == "stopped", Downstream, e => e.ToJsonString());
        Assert.Equal("meeting-booked", enrollment.Str("stopReason"));
        await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/prospects/{prospectId}"), p => p.Str("stage") == "decision", Downstream,
            p => $"stage {p.Str("stage")}");

        // The invitation: an iCalendar REQUEST at the chosen time, downloadable from the link, emailed through the channel.
        using (var ics = await host.Anonymous.GetAsync(new Uri(invitationUrl).PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, ics.StatusCode);
            Assert.Equal("text/calendar", ics.Content.Headers.ContentType?.MediaType);
            // Long lines are folded (RFC 5545 §3.1): unfolded before reading.
            var text = (await ics.Content.ReadAsStringAsync()).Replace("\r\n ", "", StringComparison.Ordinal);
            Assert.Contains("METHOD:REQUEST", text);
            Assert.Contains("DTSTART:" + chosen.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), text);
            Assert.Contains("DTEND:" + chosen.AddMinutes(30).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), text);
            Assert.Contains("mailto:" + email, text);
            Assert.Contains("ORGANIZER", text);
        }
        Assert.Equal(1, await store.ScalarAsync("Outreach",
            $"SELECT COUNT(*) FROM {store.Table("Outreach", "RecordedMessages")} WHERE \"Recipient\" = @r AND \"Body\" LIKE @b",
            ("r", email), ("b", "%" + invitationUrl + "%")));

        // The slot is taken now: no longer offered, and a second person picking it is refused.
        Assert.DoesNotContain(chosen, Slots(await PageAsync(host, path, HttpStatusCode.OK)));
        await BookAsync(host, "alice", HttpStatusCode.Conflict, ("name", "Quelqu'un"), ("email", $"other.{run}@example.test"),
            ("slot", chosen.ToString("O", CultureInfo.InvariantCulture)));
        // Bad input: a clean 4xx page naming the field; an unknown rep has no page.
        Assert.Contains("slot", await BookAsync(host, "alice", HttpStatusCode.BadRequest, ("p", token), ("slot", "demain")));
        Assert.Contains("email", await BookAsync(host, "alice", HttpStatusCode.BadRequest, ("name", "X"), ("email", "pas-une-adresse"),
            ("slot", narrowed[2].ToString("O", CultureInfo.InvariantCulture))));
        Assert.Contains("field p", await BookAsync(host, "alice", HttpStatusCode.BadRequest, ("p", "forged"), ("slot", narrowed[2].ToString("O", CultureInfo.InvariantCulture))));
        await PageAsync(host, "/book/nobody", HttpStatusCode.NotFound);
        Assert.Equal(1, await store.ScalarAsync("Outreach",
            $"SELECT COUNT(*) FROM {store.Table("Outreach", "Meetings")} WHERE \"ProspectId\" = @p", ("p", prospectId)));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_meeting_booked_by_phone_is_logged_and_a_no_show_recorded_once(Provider provider)
    {
        var (store, host) = await hosts.GetAsync(provider);
        var http = host.Http;
        var run = Guid.NewGuid().ToString("N")[..8];
        var leadId = await TandemApi.PostCreatedAsync(http, "/api/leads", new
        {
            email = $"paul.{run}@chai-isere.fr", company = "Chai Isère", postalCode = "38000", kind = "professional", source = new { channel = "outbound" },
        });
        var prospectId = await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId });
        var task = (await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(http, prospectId), t => t.Count > 0, Downstream, _ => "no task yet"))[0]!;
        var startsAt = new DateTimeOffset(2031, 3, 4, 9, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(0, 100_000) * 5);

        using (var logged = await http.PostAsJsonAsync("/api/outreach/meetings", new { prospectId, startsAt, notes = "RDV pris au téléphone" }))
        {
            var body = await TandemApi.ReadJsonAsync(logged);
            Assert.True(logged.StatusCode == HttpStatusCode.Created, logged.Describe(body?.ToJsonString() ?? ""));
            Assert.NotNull(body);
            Assert.Equal("booked", body.Str("status"));
            Assert.Equal("phone", body.Str("source"));
            Assert.Equal("alice", body.Str("owner"));
            // alice's booking settings give the length.
            Assert.Equal(startsAt.AddMinutes(30), body["endsAt"]!.GetValue<DateTimeOffset>());
            var id = body.Str("id");
            var enrollment = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{task.Str("enrollmentId")}"),
                e => e.Str("status") == "stopped", Downstream, e => e.ToJsonString());
            Assert.Equal("meeting-booked", enrollment.Str("stopReason"));
            await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/prospects/{prospectId}"), p => p.Str("stage") == "decision", Downstream,
                p => $"stage {p.Str("stage")}");
            using (var ics = await http.GetAsync($"/api/outreach/meetings/{id}/invitation.ics"))
            {
                Assert.Equal(HttpStatusCode.OK, ics.StatusCode);
                Assert.Contains("DTSTART:" + startsAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), await ics.Content.ReadAsStringAsync());
            }
            // Two at the same time for the same rep: a conflict, nothing stored.
            using (var twice = await http.PostAsJsonAsync("/api/outreach/meetings", new { prospectId, startsAt }))
                await TandemApi.AssertProblemAsync(twice, HttpStatusCode.Conflict);

            for (var i = 0; i < 2; i++)
            {
                using var noShow = await http.PostAsync($"/api/outreach/meetings/{id}/no-show", null);
                Assert.Equal(HttpStatusCode.OK, noShow.StatusCode);
                Assert.Equal("no-show", (await TandemApi.ReadJsonAsync(noShow))!.Str("status"));
            }
            Assert.Equal("no-show", (await TandemApi.GetJsonAsync(http, $"/api/outreach/meetings/{id}")).Str("status"));
            Assert.Equal(1, await store.ScalarAsync("Outreach",
                $"SELECT COUNT(*) FROM {store.Table("Outreach", "Activities")} WHERE \"ProspectId\" = @p AND \"Outcome\" = 'no-show'", ("p", prospectId)));
            Assert.Equal(1, await store.ScalarAsync("Outreach",
                $"SELECT COUNT(*) FROM {store.Table("Outreach", "Activities")} WHERE \"ProspectId\" = @p AND \"Outcome\" = 'meeting-booked'", ("p", prospectId)));
        }

        // Bad input: problem+json naming the field, nothing stored.
        using (var r = await http.PostAsJsonAsync("/api/outreach/meetings", new { prospectId }))
            Assert.NotNull((await TandemApi.AssertProblemAsync(r, HttpStatusCode.BadRequest))["errors"]!["startsAt"]);
        using (var r = await http.PostAsJsonAsync("/api/outreach/meetings", new { prospectId, startsAt, durationMinutes = 0 }))
            Assert.NotNull((await TandemApi.AssertProblemAsync(r, HttpStatusCode.BadRequest))["errors"]!["durationMinutes"]);
        using (var r = await http.PostAsJsonAsync("/api/outreach/meetings", new { prospectId = "nope", startsAt = startsAt.AddDays(1) }))
            Assert.NotNull((await TandemApi.AssertProblemAsync(r, HttpStatusCode.BadRequest))["errors"]!["prospectId"]);
        using (var r = await http.PostAsync("/api/outreach/meetings/nope/no-show", null))
            await TandemApi.AssertProblemAsync(r, HttpStatusCode.NotFound);
        Assert.Equal(1, await store.ScalarAsync("Outreach",
            $"SELECT COUNT(*) FROM {store.Table("Outreach", "Meetings")} WHERE \"ProspectId\" = @p", ("p", prospectId)));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_meeting_at_an_account_stops_the_other_sequences_at_that_account_with_the_reason(Provider provider)
    {
        var (_, host) = await hosts.GetAsync(provider);
        var http = host.Http;
        var run = Guid.NewGuid().ToString("N")[..8];
        async Task<(string Prospect, string Enrollment)> EnrolledAsync(string email, string company)
        {
            var leadId = await TandemApi.PostCreatedAsync(http, "/api/leads", new
            {
                email, company, postalCode = "69100", kind = "professional", source = new { channel = "outbound" },
            });
            var prospectId = await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId });
            var task = (await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(http, prospectId), t => t.Count > 0, Downstream, _ => "no task yet"))[0]!;
            return (prospectId, task.Str("enrollmentId"));
        }
        // Two people at the same company (spelt differently), one elsewhere.
        var gerant = await EnrolledAsync($"gerant.{run}@meca.fr", $"Méca Rhône {run}");
        var comptable = await EnrolledAsync($"compta.{run}@meca.fr", $"MECA-RHONE {run.ToUpperInvariant()}");
        var ailleurs = await EnrolledAsync($"autre.{run}@ailleurs.fr", $"Ailleurs {run}");

        using (var logged = await http.PostAsJsonAsync("/api/outreach/meetings",
                   new { prospectId = gerant.Prospect, startsAt = new DateTimeOffset(2032, 1, 5, 9, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(0, 100_000) * 5) }))
            Assert.Equal(HttpStatusCode.Created, logged.StatusCode);

        Assert.Equal("meeting-booked", (await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{gerant.Enrollment}")).Str("stopReason"));
        var other = await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{comptable.Enrollment}");
        Assert.Equal("stopped", other.Str("status"));
        Assert.Equal("account-meeting-booked", other.Str("stopReason"));
        // Its open call task is gone from the rep's day.
        Assert.Empty(await TandemApi.TasksOfProspectAsync(http, comptable.Prospect));
        var elsewhere = await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{ailleurs.Enrollment}");
        Assert.Equal("active", elsewhere.Str("status"));
        Assert.NotEmpty(await TandemApi.TasksOfProspectAsync(http, ailleurs.Prospect));
    }

    private static string Calendar(params (string Uid, DateTimeOffset Start, DateTimeOffset End)[] events)
    {
        var text = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//EN\r\n");
        foreach (var (uid, start, end) in events)
            text.Append("BEGIN:VEVENT\r\nUID:").Append(uid).Append("\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:")
                .Append(start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)).Append("\r\nDTEND:")
                .Append(end.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)).Append("\r\nSUMMARY:Occupé\r\nEND:VEVENT\r\n");
        return text.Append("END:VCALENDAR\r\n").ToString();
    }

    private static List<DateTimeOffset> Slots(string page) =>
        Regex.Matches(page, "name=\"slot\" required value=\"([^\"]+)\"")
            .Select(m => DateTimeOffset.Parse(WebUtility.HtmlDecode(m.Groups[1].Value), CultureInfo.InvariantCulture)).ToList();

    private static async Task<string> PageAsync(HostProcess host, string path, HttpStatusCode status)
    {
        using var response = await host.Anonymous.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, response.Describe(text));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    private static async Task<string> BookAsync(HostProcess host, string owner, HttpStatusCode status, params (string Name, string Value)[] fields)
    {
        using var response = await host.Anonymous.PostAsync($"/book/{owner}", new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, response.Describe(text));
        return text;
    }
}
