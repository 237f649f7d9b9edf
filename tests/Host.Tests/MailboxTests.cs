using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MimeKit;
using Tandem.Host.Tests.Infrastructure;
using Tandem.Plugins.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// The reps' mailboxes (<c>Tandem:Outreach:Mailboxes:{owner}</c>) over HTTP, through the email plugin and a real SMTP
/// server: a rep's emails go out from his own address and name; past his daily cap the next email step is deferred to
/// the next day (not failed) with the reason shown; outside a send window it waits for the window to open. The email
/// carries the rep's booking link (<c>{{ bookingUrl }}</c>); booking through it sends the confirmation with the
/// <c>.ics</c> invitation attached.
/// </summary>
public sealed class MailboxTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Email_steps_go_from_the_owners_mailbox_and_wait_for_its_send_window_and_daily_cap(Provider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var store = await TestStore.CreateAsync(provider);
        var now = DateTimeOffset.UtcNow;
        // Alice's window opens three hours from now (UTC, every day), so that her step waits for it.
        var opensHour = (now.Hour + 3) % 24;
        var opensAt = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(opensHour);
        if (opensAt <= now) opensAt = opensAt.AddDays(1);
        string Hm(int hour) => hour == 24 ? "24:00" : $"{hour:00}:00";
        string S(int n) => n.ToString(CultureInfo.InvariantCulture);
        string[] Mailbox(string name, string address) =>
        [
            $"--Tandem:Plugins:email:Mailboxes:{name}:Address={address}", $"--Tandem:Plugins:email:Mailboxes:{name}:Host=127.0.0.1",
            $"--Tandem:Plugins:email:Mailboxes:{name}:Port={S(smtp.Port)}", $"--Tandem:Plugins:email:Mailboxes:{name}:Security=None",
        ];
        await using var host = await HostProcess.StartAsync(store, output,
        [
            .. OutboundHosts.Settings,
            .. Mailbox("alice", "alice.roux@tandem-demo.fr"), .. Mailbox("bob", "bob.durand@tandem-demo.fr"),
            "--Tandem:Plugins:email:DefaultMailbox=alice",
            "--Tandem:Outreach:Mailboxes:bob:Address=bob.durand@tandem-demo.fr",
            "--Tandem:Outreach:Mailboxes:bob:DisplayName=Bob Durand",
            "--Tandem:Outreach:Mailboxes:bob:DailyCap=1",
            "--Tandem:Outreach:Mailboxes:bob:TimeZone=UTC",
            "--Tandem:Outreach:Booking:Reps:bob:DisplayName=Bob Durand",
            "--Tandem:Outreach:Booking:Reps:bob:Email=bob.durand@tandem-demo.fr",
            "--Tandem:Outreach:Mailboxes:alice:Address=alice.roux@tandem-demo.fr",
            $"--Tandem:Outreach:Mailboxes:alice:WindowStart={Hm(opensHour)}",
            $"--Tandem:Outreach:Mailboxes:alice:WindowEnd={Hm(opensHour + 1)}",
            "--Tandem:Outreach:Mailboxes:alice:Days=Mon,Tue,Wed,Thu,Fri,Sat,Sun",
            "--Tandem:Outreach:Mailboxes:alice:TimeZone=UTC",
        ]);
        var http = host.Http;
        var run = Guid.NewGuid().ToString("N")[..8];
        var sequence = await TandemApi.PostCreatedAsync(http, "/api/outreach/sequences", new
        {
            name = "Toiture solaire " + run,
            steps = new object[]
            {
                new { kind = "email", waitDays = 0, subject = "Votre toiture, {{ firstName }}", body = "Bonjour {{ firstName }}, choisissez un créneau : {{ bookingUrl }}" },
            },
        });
        // Paris (75) is bob's territory, Lyon (69) alice's.
        async Task<(string Address, string Prospect)> ProspectAsync(string first, string postalCode)
        {
            var address = $"{first.ToLowerInvariant()}.{run}@client-{first.ToLowerInvariant()}.fr";
            var lead = await TandemApi.PostCreatedAsync(http, "/api/leads", new
            {
                email = address, firstName = first, company = $"{first} SARL {run}", postalCode, kind = "professional", source = new { channel = "outbound" },
            });
            var prospect = await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId = lead });
            return (address, prospect);
        }
        var bobs = new[] { await ProspectAsync("Claire", "75011"), await ProspectAsync("Marc", "75015") };
        var alices = await ProspectAsync("Nadia", "69003");
        foreach (var (_, prospect) in bobs.Append(alices))
        {
            var owner = (await TandemApi.GetJsonAsync(http, $"/api/prospects/{prospect}")).Str("owner");
            Assert.Equal(prospect == alices.Prospect ? "alice" : "bob", owner);
        }
        await Eventually.OutboxesDrainedAsync(store, Downstream);
        var enrollments = new Dictionary<string, string>();
        foreach (var (_, prospect) in bobs.Append(alices))
            enrollments[prospect] = await TandemApi.PostCreatedAsync(http, "/api/outreach/enrollments", new { prospectId = prospect, sequenceId = sequence });

        async Task<JsonNode> FirstStepAsync(string prospect) =>
            (await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{enrollments[prospect]}"))["steps"]!.AsArray()[0]!;
        bool Deferred(JsonNode step) => step.Str("status") == "due" && step["blockedReason"] is not null;

        // Bob: one email goes out from his own address and name, the other is deferred to tomorrow (UTC) by his cap of 1.
        var bobSteps = await Eventually.ValueAsync(async () => await Task.WhenAll(bobs.Select(b => FirstStepAsync(b.Prospect))),
            steps => steps.Count(s => s.Str("status") == "done") == 1 && steps.Count(Deferred) == 1, Downstream,
            steps => string.Join(" | ", steps.Select(s => s.ToJsonString())));
        var sent = Assert.Single(smtp.Messages, m => bobs.Any(b => m.To.Mailboxes.Single().Address == b.Address));
        var sender = sent.From.Mailboxes.Single();
        Assert.Equal("bob.durand@tandem-demo.fr", sender.Address);
        Assert.Equal("Bob Durand", sender.Name);
        var capped = bobSteps.Single(Deferred);
        Assert.Contains("Daily cap of 1 email reached for bob's mailbox", capped.Str("blockedReason"));
        var tomorrow = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        Assert.Equal(tomorrow, capped["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(0, capped["attempts"]!.GetValue<int>());
        var cappedProspect = bobs.Single(b => b.Address != sent.To.Mailboxes.Single().Address).Prospect;
        var cappedEnrollment = await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{enrollments[cappedProspect]}");
        Assert.Equal("active", cappedEnrollment.Str("status"));

        // Alice: her window is not open yet, so her step waits for it, with the reason; nothing went out to her prospect.
        var aliceStep = await Eventually.ValueAsync(() => FirstStepAsync(alices.Prospect), Deferred, Downstream, s => s.ToJsonString());
        Assert.Contains("Outside the send window of alice's mailbox", aliceStep.Str("blockedReason"));
        Assert.Equal(opensAt, aliceStep["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.DoesNotContain(smtp.Messages, m => m.To.Mailboxes.Single().Address == alices.Address);

        // The email carried bob's booking page for this person; booking through it sends the invitation as a text/calendar attachment.
        var link = Regex.Match(sent.TextBody ?? "", @"https?://\S+/book/bob\?p=\S+").Value;
        Assert.False(string.IsNullOrEmpty(link), sent.TextBody);
        var pathAndQuery = new Uri(link).PathAndQuery;
        using (var page = await host.Anonymous.GetAsync(pathAndQuery))
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.True(page.StatusCode == HttpStatusCode.OK, page.Describe(html));
            var slot = WebUtility.HtmlDecode(Regex.Match(html, "name=\"slot\" required value=\"([^\"]+)\"").Groups[1].Value);
            var token = Uri.UnescapeDataString(Regex.Match(pathAndQuery, "[?&]p=([^&]+)").Groups[1].Value);
            using var booked = await host.Anonymous.PostAsync("/book/bob", new FormUrlEncodedContent([KeyValuePair.Create("p", token), KeyValuePair.Create("slot", slot)]));
            Assert.True(booked.StatusCode == HttpStatusCode.OK, booked.Describe(await booked.Content.ReadAsStringAsync()));
        }
        var recipient = sent.To.Mailboxes.Single().Address;
        bool IsConfirmation(MimeMessage x) => x.To.Mailboxes.Single().Address == recipient && (x.Subject ?? "").StartsWith("Rendez-vous", StringComparison.Ordinal);
        var all = await Eventually.ValueAsync(() => Task.FromResult(smtp.Messages.ToList()), m => m.Any(IsConfirmation), Downstream, m => $"{m.Count} messages");
        var confirmation = all.Single(IsConfirmation);
        Assert.Equal("bob.durand@tandem-demo.fr", confirmation.From.Mailboxes.Single().Address);
        var ics = Assert.Single(confirmation.Attachments.OfType<MimePart>());
        Assert.Equal("text/calendar", ics.ContentType.MimeType);
        Assert.Equal("REQUEST", ics.ContentType.Parameters["method"]);
        Assert.Equal("invitation.ics", ics.FileName);
        using var content = new MemoryStream();
        await ics.Content!.DecodeToAsync(content);
        var calendar = System.Text.Encoding.UTF8.GetString(content.ToArray()).Replace("\r\n ", "", StringComparison.Ordinal);
        Assert.Contains("METHOD:REQUEST", calendar);
        Assert.Contains("mailto:" + recipient, calendar, StringComparison.OrdinalIgnoreCase);
    }
}