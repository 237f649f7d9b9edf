using System.Globalization;
using MimeKit;
using Tandem.Host.Tests.Infrastructure;
using Tandem.Plugins.Tests.Infrastructure;

namespace Tandem.Host.Tests;

/// <summary>
/// The email plugin in the real host process: an email step goes out through a real SMTP server (with its
/// Message-Id and one-click unsubscribe headers), a reply delivered into a real Dovecot mailbox stops the sequence, an
/// out-of-office answer to another prospect does not.
/// </summary>
public sealed class EmailRepliesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Downstream = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task An_email_step_goes_out_over_smtp_and_a_reply_read_over_imap_stops_the_sequence_but_an_auto_reply_does_not()
    {
        Skip.If(Dovecot.Missing is not null, Dovecot.Missing);
        await using var smtp = await SmtpSink.StartAsync();
        await using var imap = await Dovecot.StartAsync();
        await using var store = await TestStore.CreateAsync(Provider.Sqlite);
        string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        await using var host = await HostProcess.StartAsync(store, output,
            "--Tandem:Outreach:Scheduler:PollIntervalMs=200",
            "--Tandem:Plugins:MinimumPollSeconds=1",
            "--Tandem:Plugins:email:PollSeconds=1",
            "--Tandem:Plugins:email:Mailboxes:jeanne:Address=jeanne.martin@tandem-demo.fr",
            "--Tandem:Plugins:email:Mailboxes:jeanne:Host=127.0.0.1",
            $"--Tandem:Plugins:email:Mailboxes:jeanne:Port={Port(smtp.Port)}",
            "--Tandem:Plugins:email:Mailboxes:jeanne:Security=None",
            "--Tandem:Plugins:email:Mailboxes:jeanne:ImapHost=127.0.0.1",
            $"--Tandem:Plugins:email:Mailboxes:jeanne:ImapPort={Port(imap.Port)}",
            "--Tandem:Plugins:email:Mailboxes:jeanne:ImapSecurity=None",
            $"--Tandem:Plugins:email:Mailboxes:jeanne:ImapUserName={Dovecot.User}",
            $"--Tandem:Plugins:email:Mailboxes:jeanne:ImapPassword={Dovecot.Password}");
        var http = host.Http;
        var plugins = (await TandemApi.GetJsonAsync(http, "/api/plugins")).AsArray();
        var email = plugins.Single(p => p!.Str("id") == "email")!;
        Assert.True(email.Str("status") == "Active", email.ToJsonString());
        Assert.Contains("events:replies", email["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));

        var run = Guid.NewGuid().ToString("N")[..8];
        var sequence = await TandemApi.PostCreatedAsync(http, "/api/outreach/sequences", new
        {
            name = "Relance pompe à chaleur " + run, stopOnReply = true,
            steps = new object[]
            {
                new { kind = "email", waitDays = 0, subject = "Votre projet, {{ firstName }}", body = "Bonjour {{ firstName }}, avez-vous reçu notre devis ?" },
                new { kind = "email", waitDays = 3, subject = "Suite", body = "Bonjour {{ firstName }}" },
            },
        });
        // Two people at two companies: a reply at one account stops its colleagues' sequences (the account-level stop),
        // so the auto-reply case needs someone elsewhere.
        async Task<(string Address, string Prospect)> ProspectAsync(string first, string company)
        {
            var address = $"{first.ToLowerInvariant()}.{run}@client-pac.fr";
            var lead = await TandemApi.PostCreatedAsync(http, "/api/leads", new
            {
                email = address, firstName = first, company, postalCode = "69003", kind = "professional", source = new { channel = "outbound" },
            });
            return (address, await TandemApi.PostCreatedAsync(http, "/api/prospects", new { leadId = lead }));
        }
        var (camille, camilleProspect) = await ProspectAsync("Camille", "Client PAC");
        var (hugo, hugoProspect) = await ProspectAsync("Hugo", "Chauffage Hugo & Fils");
        // Once the automatic enrolment (the default callback sequence) is done, the rep's choice replaces it.
        await Eventually.OutboxesDrainedAsync(store, Downstream);
        var camilleEnrollment = await TandemApi.PostCreatedAsync(http, "/api/outreach/enrollments", new { prospectId = camilleProspect, sequenceId = sequence });
        var hugoEnrollment = await TandemApi.PostCreatedAsync(http, "/api/outreach/enrollments", new { prospectId = hugoProspect, sequenceId = sequence });

        // The scheduler sends the first step of each through the plugin and the real SMTP server.
        var sent = await Eventually.ValueAsync(() => Task.FromResult(smtp.Messages.ToList()),
            m => m.Count(x => x.To.Mailboxes.Any(a => a.Address == camille || a.Address == hugo)) == 2, Downstream,
            m => $"{m.Count} messages reached the SMTP server");
        var toCamille = sent.Single(m => m.To.Mailboxes.Single().Address == camille);
        var toHugo = sent.Single(m => m.To.Mailboxes.Single().Address == hugo);
        Assert.Equal("Votre projet, Camille", toCamille.Subject);
        Assert.Matches("^tandem\\.[0-9a-f]{32}@tandem-demo\\.fr$", toCamille.MessageId);
        Assert.Contains("jeanne.martin@tandem-demo.fr", toCamille.From.ToString());

        // Hugo's out-of-office answer first, then Camille's reply: once the reply is read, so was the auto-reply.
        await imap.DeliverAsync(Answer(hugo, toHugo, "Réponse automatique : Votre projet, Hugo", ("Auto-Submitted", "auto-replied")));
        await imap.DeliverAsync(Answer(camille, toCamille, "RE: Votre projet, Camille"));

        var stopped = await Eventually.ValueAsync(() => TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{camilleEnrollment}"),
            e => e.Str("status") == "stopped", Downstream, e => $"the reply did not stop the sequence: {e.ToJsonString()} (dovecot: {imap.Log()})");
        Assert.Equal("replied", stopped.Str("stopReason"));
        var still = await TandemApi.GetJsonAsync(http, $"/api/outreach/enrollments/{hugoEnrollment}");
        Assert.True(still.Str("status") == "active", still.ToJsonString());
        Assert.Single(smtp.Messages, m => m.To.Mailboxes.Single().Address == camille);
    }

    private static MimeMessage Answer(string from, MimeMessage original, string subject, params (string Name, string Value)[] headers)
    {
        var message = new MimeMessage { Subject = subject, InReplyTo = original.MessageId, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client-pac.fr") };
        message.References.Add(original.MessageId!);
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("jeanne.martin@tandem-demo.fr"));
        foreach (var (name, value) in headers) message.Headers.Add(name, value);
        message.Body = new TextPart("plain") { Text = "Bonjour, oui, appelez-moi demain." };
        return message;
    }
}
