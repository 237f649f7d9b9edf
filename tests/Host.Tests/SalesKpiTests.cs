using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MimeKit;
using Tandem.Host.Tests.Infrastructure;
using Tandem.Plugins.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// The prospecting part of <c>GET /api/kpis</c> per owner, per sequence and per step, against numbers computed by hand.
/// Reps ana (69) and ben (75); one sequence: email, call, email five days later. Lucie (ana) gets the email and replies
/// (over IMAP): her sequence stops, she is lost. Paul (ana) gets the email; his call books a meeting: won. Zoé (ben) gets
/// the email; her call goes unanswered; a meeting is booked by phone and she does not show up.
/// </summary>
public sealed class SalesKpiTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Prospecting_numbers_per_owner_sequence_and_step_match_the_hand_computed_ones(Provider provider)
    {
        Skip.If(Dovecot.Missing is not null, Dovecot.Missing);
        await using var store = await TestStore.CreateAsync(provider);
        await using var smtp = await SmtpSink.StartAsync();
        await using var imap = await Dovecot.StartAsync();
        string S(int n) => n.ToString(CultureInfo.InvariantCulture);
        await using var host = await HostProcess.StartAsync(store, output,
            "--Tandem:Prospects:Reps:0:Name=ana", "--Tandem:Prospects:Reps:0:Departements:0=69",
            "--Tandem:Prospects:Reps:1:Name=ben", "--Tandem:Prospects:Reps:1:Departements:0=75",
            "--Tandem:Outreach:Scheduler:PollIntervalMs=200",
            "--Tandem:Plugins:MinimumPollSeconds=1",
            "--Tandem:Plugins:email:PollSeconds=1",
            "--Tandem:Plugins:email:Mailboxes:jeanne:Address=jeanne.martin@tandem-demo.fr",
            "--Tandem:Plugins:email:Mailboxes:jeanne:Host=127.0.0.1",
            $"--Tandem:Plugins:email:Mailboxes:jeanne:Port={S(smtp.Port)}",
            "--Tandem:Plugins:email:Mailboxes:jeanne:Security=None",
            "--Tandem:Plugins:email:Mailboxes:jeanne:ImapHost=127.0.0.1",
            $"--Tandem:Plugins:email:Mailboxes:jeanne:ImapPort={S(imap.Port)}",
            "--Tandem:Plugins:email:Mailboxes:jeanne:ImapSecurity=None",
            $"--Tandem:Plugins:email:Mailboxes:jeanne:ImapUserName={Dovecot.User}",
            $"--Tandem:Plugins:email:Mailboxes:jeanne:ImapPassword={Dovecot.Password}");
        var http = host.Http;
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        var run = Guid.NewGuid().ToString("N")[..8];
        var sequence = await TandemApi.PostCreatedAsync(http, "/api/outreach/sequences", new
        {
            name = "Bornes de recharge " + run, stopOnReply = true,
            steps = new object[]
            {
                new { kind = "email", waitDays = 0, subject = "Vos bornes, {{ firstName }}", body = "Bonjour {{ firstName }}" },
                new { kind = "call", waitDays = 0, instructions = "Appeler" },
                new { kind = "email", waitDays = 5, subject = "Suite", body = "Bonjour {{ firstName }}" },
            },
        });
        async Task<(string Address, string Prospect)> ProspectAsync(string first, string postalCode)
        {
            var address = $"{first.ToLowerInvariant()}.{run}@{first.ToLowerInvariant()}-flotte.fr";
            var lead = await TandemApi.PostCreatedAsync(http, "/api/leads", new
            {
                email = address, firstName = first, company = $"Flotte {first} {run}", postalCode, kind = "professional", source = new { channel = "outbound" },
            });
            return (address, await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId = lead }));
        }
        var lucie = await ProspectAsync("Lucie", "69001");
        var paul = await ProspectAsync("Paul", "69002");
        var zoe = await ProspectAsync("Zoe", "75003");
        await Eventually.OutboxesDrainedAsync(store, Downstream);
        var enrollments = new Dictionary<string, string>();
        foreach (var (_, prospect) in new[] { lucie, paul, zoe })
            enrollments[prospect] = await TandemApi.PostCreatedAsync(http, "/api/outreach/enrollments", new { prospectId = prospect, sequenceId = sequence });

        // Step 0: three emails over SMTP. Lucie replies: her sequence stops (her call task is cancelled).
        var sent = await Eventually.ValueAsync(() => Task.FromResult(smtp.Messages.ToList()), m => m.Count == 3, Downstream, m => $"{m.Count} emails sent");
        var toLucie = sent.Single(m => m.To.Mailboxes.Single().Address == lucie.Address);
        await imap.DeliverAsync(Answer(lucie.Address, toLucie));
        await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{enrollments[lucie.Prospect]}"),
            e => e["stopReason"]?.GetValue<string>() == "replied", Downstream, e => e.ToJsonString());

        // Step 1: Paul's call books a meeting; Zoé's goes unanswered (step 2 is scheduled in five days).
        async Task CompleteCallAsync(string prospect, string outcome)
        {
            var tasks = await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(http, prospect),
                t => t.Any(x => x!.Str("enrollmentId") == enrollments[prospect]), Downstream, t => t.ToJsonString());
            var task = tasks.Single(x => x!.Str("enrollmentId") == enrollments[prospect])!;
            using var done = await http.PostAsJsonAsync($"/api/outreach/tasks/{task.Str("id")}/complete", new { outcome });
            Assert.True(done.IsSuccessStatusCode, $"complete: {(int)done.StatusCode}");
        }
        await CompleteCallAsync(paul.Prospect, "meeting-booked");
        await CompleteCallAsync(zoe.Prospect, "no-answer");

        // Zoé: a meeting booked by phone (outside any step), then a no-show.
        var startsAt = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero).AddDays(2).AddHours(9);
        var meeting = await TandemApi.PostCreatedAsync(http, "/api/outreach/meetings", new { prospectId = zoe.Prospect, startsAt });
        using (var noShow = await http.PostAsync($"/api/outreach/meetings/{meeting}/no-show", null))
            Assert.Equal(HttpStatusCode.OK, noShow.StatusCode);

        // Paul is won, Lucie lost.
        using (var won = await http.PostAsJsonAsync($"/api/prospects/{paul.Prospect}/outcome", new { outcome = "won" }))
            Assert.True(won.IsSuccessStatusCode, $"won: {(int)won.StatusCode}");
        using (var lost = await http.PostAsJsonAsync($"/api/prospects/{lucie.Prospect}/outcome", new { outcome = "lost", reason = "Budget" }))
            Assert.True(lost.IsSuccessStatusCode, $"lost: {(int)lost.StatusCode}");

        var window = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}";
        var kpis = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, "/api/kpis?" + window),
            k => k["prospecting"]?["noShows"]?.GetValue<int>() == 1 && k["prospecting"]!["won"]!.GetValue<int>() == 1, Downstream, k => k.ToJsonString());
        var p = kpis["prospecting"]!;
        output.WriteLine(p.ToJsonString());

        // Top level (unchanged shape): 3 prospects, 2 calls, 3 emails, 1 reply, 2 meetings (Paul's call, Zoé's phone booking), 1 won, 1 lost.
        Assert.Equal(3, p["prospects"]!.GetValue<int>());
        Assert.Equal(2, p["callsMade"]!.GetValue<int>());
        Assert.Equal(3, p["emailsSent"]!.GetValue<int>());
        Assert.Equal(1, p["replies"]!.GetValue<int>());
        Assert.Equal(1.0 / 3, p["responseRate"]!.GetValue<double>(), 6);
        Assert.Equal(2, p["meetingsBooked"]!.GetValue<int>());
        Assert.Equal(1, p["noShows"]!.GetValue<int>());
        Assert.Equal(0.5, p["winRate"]!.GetValue<double>());

        static void Numbers(JsonNode row, int prospects, int calls, int emails, int replies, double? responseRate, int meetings, int noShows,
            int won, int lost, double? winRate)
        {
            var actual = (row["prospects"]!.GetValue<int>(), row["callsMade"]!.GetValue<int>(), row["emailsSent"]!.GetValue<int>(),
                row["replies"]!.GetValue<int>(), row["responseRate"]?.GetValue<double>(), row["meetingsBooked"]!.GetValue<int>(),
                row["noShows"]!.GetValue<int>(), row["won"]!.GetValue<int>(), row["lost"]!.GetValue<int>(), row["winRate"]?.GetValue<double>());
            Assert.Equal((prospects, calls, emails, replies, responseRate, meetings, noShows, won, lost, winRate), actual);
        }
        JsonNode Owner(string owner) => p["byOwner"]!.AsArray().Single(r => r!["owner"]?.GetValue<string>() == owner)!;
        //                    prospects calls emails replies rate   meetings noShows won lost winRate
        Numbers(Owner("ana"), 2,        1,    2,     1,      0.5,   1,       0,      1,  1,   0.5);
        Numbers(Owner("ben"), 1,        1,    1,     0,      0,     1,       1,      0,  0,   null);

        var bySequence = p["bySequence"]!.AsArray();
        var ours = bySequence.Single(r => r!.Str("sequenceId") == sequence)!;
        Assert.Equal("Bornes de recharge " + run, ours.Str("sequenceName"));
        Numbers(ours, 3, 2, 3, 1, 0.3333, 2, 1, 1, 1, 0.5);
        // The built-in callback sequence each prospect was enrolled in first (then stopped by the rep's choice) made no touch.
        Numbers(bySequence.Single(r => r!.Str("sequenceId") == "default-callback")!, 3, 0, 0, 0, null, 0, 0, 0, 0, null);

        var steps = p["byStep"]!.AsArray().Where(r => r!.Str("sequenceId") == sequence).ToList();
        Assert.Equal([0, 1], steps.Select(s => s!["step"]!.GetValue<int>()));
        Assert.Equal(["email", "call"], steps.Select(s => s!.Str("kind")));
        // Step 0 reached all three, got Lucie's reply; Lucie, lost, had got no further. Step 1: the two calls, Paul's meeting and
        // Zoé's (booked outside the sequence, credited to the step she had reached), her no-show, Paul won.
        Numbers(steps[0]!, 3, 0, 3, 1, 0.3333, 0, 0, 0, 1, 0);
        Numbers(steps[1]!, 2, 2, 0, 0, null, 2, 1, 1, 0, 1);

        // The owner filter narrows every part.
        var anaOnly = (await TandemApi.GetJsonAsync(http, $"/api/kpis?{window}&owner=ana"))["prospecting"]!;
        Assert.Equal(2, anaOnly["emailsSent"]!.GetValue<int>());
        Assert.Equal(["ana"], anaOnly["byOwner"]!.AsArray().Select(r => r!.Str("owner")));
        Numbers(anaOnly["bySequence"]!.AsArray().Single(r => r!.Str("sequenceId") == sequence)!, 2, 1, 2, 1, 0.5, 1, 0, 1, 1, 0.5);
    }

    private static MimeMessage Answer(string from, MimeMessage original)
    {
        var message = new MimeMessage { Subject = "RE: " + original.Subject, InReplyTo = original.MessageId, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("flotte.fr") };
        message.References.Add(original.MessageId!);
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("jeanne.martin@tandem-demo.fr"));
        message.Body = new TextPart("plain") { Text = "Merci, pas pour le moment." };
        return message;
    }
}
