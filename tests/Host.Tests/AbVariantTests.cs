using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MimeKit;
using Tandem.Host.Tests.Infrastructure;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Sequences;
using Tandem.Plugins.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// A/B variants of a sequence's email step (docs/outbound.md, "A/B variants"), against the real host and the email plugin (SMTP
/// out, IMAP replies): bad variants are refused naming the field; each enrolment gets one variant, the one recorded on its step is
/// the one its email was sent with; the numbers per variant (<c>byVariant</c> of <c>GET /api/kpis</c>) equal what happened —
/// the reply of one enrolment and the meeting of another count for their own variant only.
/// </summary>
public sealed class AbVariantTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(90);

    [Fact]
    public void The_choice_is_a_stable_function_of_enrolment_and_step_and_follows_the_weights()
    {
        List<StepVariant> variants = [new("A", 3), new("B", 1)];
        var ids = Enumerable.Range(0, 4000).Select(i => $"01JENROLMENT{i:D6}").ToList();
        var first = ids.Select(id => AbVariants.Choose(variants, id, 0)!.Name).ToList();
        // The same enrolment and step: the same variant, however often asked (a retry, another host, the task list).
        Assert.Equal(first, ids.Select(id => AbVariants.Choose([.. variants], id, 0)!.Name));
        // Weights 3:1 → about three in four get A (4000 draws: 3000 ± 4σ ≈ 110).
        Assert.InRange(first.Count(n => n == "A"), 2890, 3110);
        // Another step of the same enrolments is an independent draw.
        var second = ids.Select(id => AbVariants.Choose(variants, id, 2)!.Name).ToList();
        Assert.InRange(first.Zip(second).Count(p => p.First != p.Second), 1300, 1700); // 2 × ¾ × ¼ = 37.5 % differ
        Assert.Null(AbVariants.Choose(null, "x", 0));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task Each_enrolment_gets_one_stable_variant_and_the_numbers_per_variant_match_what_happened(Provider provider)
    {
        Skip.If(Dovecot.Missing is not null, Dovecot.Missing);
        await using var store = await TestStore.CreateAsync(provider);
        await using var smtp = await SmtpSink.StartAsync();
        await using var imap = await Dovecot.StartAsync();
        string S(int n) => n.ToString(CultureInfo.InvariantCulture);
        await using var host = await HostProcess.StartAsync(store, output,
            "--Tandem:Prospects:Reps:0:Name=ana",
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
        var name = "Bornes A/B " + run;

        // Bad variants: 400 naming the field, and no sequence stored.
        async Task Refused(object step, string field, object? second = null)
        {
            object[] steps = second is null ? [step] : [step, second];
            using var r = await http.PostAsJsonAsync("/api/outreach/sequences", new { name, steps });
            var problem = await TandemApi.AssertProblemAsync(r, HttpStatusCode.BadRequest, "validation");
            Assert.True(problem["errors"]?[field] is not null, $"expected an error on {field}: {problem.ToJsonString()}");
        }
        var email = new { kind = "email", waitDays = 0, subject = "Vos bornes", body = "Bonjour" };
        await Refused(new { email.kind, email.waitDays, email.subject, email.body, variants = new object[] { new { name = "", weight = 1 }, new { name = "B", weight = 1 } } },
            "steps[0].variants[0].name");
        await Refused(new { email.kind, email.waitDays, email.subject, email.body, variants = new object[] { new { name = "A" }, new { name = "a", subject = "Autre" } } },
            "steps[0].variants[1].name");
        await Refused(new { email.kind, email.waitDays, email.subject, email.body, variants = new object[] { new { name = "A", weight = 0 }, new { name = "B", weight = -2 } } },
            "steps[0].variants[0].weight");
        await Refused(new { email.kind, email.waitDays, email.subject, email.body, variants = new object[] { new { name = "A", body = "{% if %}" }, new { name = "B" } } },
            "steps[0].variants[0].body");
        await Refused(email, "steps[1].variants",
            new { kind = "call", waitDays = 0, instructions = "Appeler", variants = new object[] { new { name = "A" }, new { name = "B" } } });
        var stored = await TandemApi.GetJsonAsync(http, "/api/outreach/sequences?pageSize=100");
        Assert.DoesNotContain(stored["items"]!.AsArray(), s => s!.Str("name") == name);

        // Email step 0 with A (the step's own templates, a control) and B; step 1 a call.
        var sequence = await TandemApi.PostCreatedAsync(http, "/api/outreach/sequences", new
        {
            name, stopOnReply = true,
            steps = new object[]
            {
                new
                {
                    kind = "email", waitDays = 0, subject = "[A] Vos bornes, {{ firstName }}", body = "Bonjour {{ firstName }}",
                    variants = new object[] { new { name = "A", weight = 1 }, new { name = "B", weight = 1, subject = "[B] {{ company }} : vos bornes", body = "Bonjour {{ firstName }}, en bref." } },
                },
                new { kind = "call", waitDays = 0, instructions = "Appeler" },
            },
        });
        var definition = await TandemApi.GetJsonAsync(http, $"/api/outreach/sequences/{sequence}");
        Assert.Equal(["A", "B"], definition["steps"]![0]!["variants"]!.AsArray().Select(v => v!.Str("name")));

        // Enrol people until both variants have been used (each has one chance in two per enrolment).
        var people = new List<(string Address, string Prospect, string Enrollment)>();
        var variantOf = new Dictionary<string, string>();
        for (var batch = 0; batch < 5 && variantOf.Values.Distinct().Count() < 2; batch++)
        {
            var added = new List<(string, string, string)>();
            for (var i = 0; i < 6; i++)
            {
                var first = $"P{batch}{i}";
                var address = $"{first.ToLowerInvariant()}.{run}@flotte-{first.ToLowerInvariant()}.fr";
                var lead = await TandemApi.PostCreatedAsync(http, "/api/leads", new
                {
                    email = address, firstName = first, company = $"Flotte {first} {run}", postalCode = "69001", kind = "professional", source = new { channel = "outbound" },
                });
                var prospect = await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId = lead });
                added.Add((address, prospect, ""));
            }
            await Eventually.OutboxesDrainedAsync(store, Downstream);
            foreach (var (address, prospect, _) in added)
                people.Add((address, prospect, await TandemApi.PostCreatedAsync(http, "/api/outreach/enrollments", new { prospectId = prospect, sequenceId = sequence })));
            var messages = await Eventually.ValueAsync(() => Task.FromResult(smtp.Messages.ToList()), m => m.Count == people.Count, Downstream, m => $"{m.Count} emails sent");
            foreach (var (address, prospect, enrollment) in people.Where(p => !variantOf.ContainsKey(p.Enrollment)))
            {
                var e = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{enrollment}"),
                    x => x["steps"]![0]!["variant"] is not null && x["steps"]![0]!.Str("status") == "done", Downstream, x => x.ToJsonString());
                var variant = e["steps"]![0]!.Str("variant");
                variantOf[enrollment] = variant;
                // The variant recorded on the step is the one the email went out with.
                var sent = messages.Single(m => m.To.Mailboxes.Single().Address == address);
                Assert.StartsWith($"[{variant}]", sent.Subject, StringComparison.Ordinal);
            }
        }
        var counts = variantOf.Values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"variants: {string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"))}");
        Assert.Equal(2, counts.Count);

        // Stable: asked again (the enrolment's record, and the preview of its variant for the person), the same choice.
        foreach (var (_, prospect, enrollment) in people.Take(4))
        {
            var again = await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{enrollment}");
            Assert.Equal(variantOf[enrollment], again["steps"]![0]!.Str("variant"));
            using var preview = await http.PostAsJsonAsync("/api/outreach/templates/preview", new { sequenceId = sequence, step = 0, variant = variantOf[enrollment], prospectId = prospect });
            var rendered = (await TandemApi.ReadJsonAsync(preview))!;
            Assert.True(preview.IsSuccessStatusCode, rendered.ToJsonString());
            Assert.Equal(variantOf[enrollment], rendered.Str("variant"));
            Assert.Equal(smtp.Messages.Single(m => m.To.Mailboxes.Single().Address == people.Single(p => p.Enrollment == enrollment).Address).Subject, rendered.Str("subject"));
        }
        using (var unknown = await http.PostAsJsonAsync("/api/outreach/templates/preview", new { sequenceId = sequence, step = 0, variant = "C" }))
            Assert.True((await TandemApi.AssertProblemAsync(unknown, HttpStatusCode.BadRequest))["errors"]?["variant"] is not null);

        // One person who got B replies (over IMAP); one who got A books a meeting on the call that follows.
        var replier = people.First(p => variantOf[p.Enrollment] == "B");
        var booker = people.First(p => variantOf[p.Enrollment] == "A");
        var toReplier = smtp.Messages.Single(m => m.To.Mailboxes.Single().Address == replier.Address);
        await imap.DeliverAsync(Answer(replier.Address, toReplier));
        await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{replier.Enrollment}"),
            e => e["stopReason"]?.GetValue<string>() == "replied", Downstream, e => e.ToJsonString());
        var tasks = await Eventually.ValueAsync(() => TandemApi.TasksOfProspectAsync(http, booker.Prospect),
            t => t.Any(x => x!.Str("enrollmentId") == booker.Enrollment), Downstream, t => t.ToJsonString());
        using (var done = await http.PostAsJsonAsync($"/api/outreach/tasks/{tasks.Single(x => x!.Str("enrollmentId") == booker.Enrollment)!.Str("id")}/complete",
                   new { outcome = "meeting-booked" }))
            Assert.True(done.IsSuccessStatusCode, $"complete: {(int)done.StatusCode}");

        var window = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}";
        var kpis = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, "/api/kpis?" + window),
            k => k["prospecting"]?["replies"]?.GetValue<int>() == 1 && k["prospecting"]!["meetingsBooked"]!.GetValue<int>() == 1, Downstream, k => k.ToJsonString());
        var rows = kpis["prospecting"]!["byVariant"]!.AsArray().Where(r => r!.Str("sequenceId") == sequence).ToList();
        output.WriteLine(string.Join("\n", rows.Select(r => r!.ToJsonString())));
        Assert.Equal(["A", "B"], rows.Select(r => r!.Str("variant")));
        Assert.All(rows, r => Assert.Equal(0, r!["step"]!.GetValue<int>()));
        void Numbers(JsonNode row, int prospects, int sent, int replies, double? rate, int meetings)
        {
            var actual = (row["prospects"]!.GetValue<int>(), row["emailsSent"]!.GetValue<int>(), row["replies"]!.GetValue<int>(),
                row["responseRate"]?.GetValue<double>(), row["meetingsBooked"]!.GetValue<int>(), row["opened"]!.GetValue<int>(), row["clicked"]!.GetValue<int>());
            Assert.Equal((prospects, sent, replies, rate, meetings, 0, 0), actual);
        }
        // A: its emails, no reply, the meeting booked by its enrolment on the later call. B: its emails, the one reply.
        Numbers(rows[0]!, counts["A"], counts["A"], 0, 0, 1);
        Numbers(rows[1]!, counts["B"], counts["B"], 1, Math.Round(1.0 / counts["B"], 4), 0);
        // The step's own numbers are the sum of its variants'.
        var step0 = kpis["prospecting"]!["byStep"]!.AsArray().Single(r => r!.Str("sequenceId") == sequence && r!["step"]!.GetValue<int>() == 0)!;
        Assert.Equal(people.Count, step0["emailsSent"]!.GetValue<int>());
        Assert.Equal(1, step0["replies"]!.GetValue<int>());
        host.AssertNoErrorsLogged();
    }

    private static MimeMessage Answer(string from, MimeMessage original)
    {
        var message = new MimeMessage { Subject = "RE: " + original.Subject, InReplyTo = original.MessageId, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("flotte.fr") };
        message.References.Add(original.MessageId!);
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("jeanne.martin@tandem-demo.fr"));
        message.Body = new TextPart("plain") { Text = "Oui, parlons-en." };
        return message;
    }
}
