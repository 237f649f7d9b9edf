using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>The bundled email plugin, loaded from its real build, sending through a real SMTP server on 127.0.0.1 and
/// reading replies and bounces from a real Dovecot IMAP server on 127.0.0.1.</summary>
public sealed class EmailPluginTests
{
    private static Dictionary<string, string?> Settings(int port) => new()
    {
        ["Tandem:Plugins:email:Mailboxes:jeanne:Address"] = "jeanne.martin@tandem-demo.fr",
        ["Tandem:Plugins:email:Mailboxes:jeanne:DisplayName"] = "Jeanne Martin",
        ["Tandem:Plugins:email:Mailboxes:jeanne:Host"] = "127.0.0.1",
        ["Tandem:Plugins:email:Mailboxes:jeanne:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tandem:Plugins:email:Mailboxes:jeanne:Security"] = "None",
    };

    private static OutboundMessage Step(string id, string recipient = "prospect@client.test") => new()
    {
        MessageId = id,
        Recipient = recipient,
        Subject = "Votre projet de pompe à chaleur",
        Body = "Bonjour,\nAvez-vous reçu notre devis ?",
        ReplyTo = "replies@tandem-demo.fr",
        UnsubscribeUrl = new Uri("https://crm.example.com/u/tok_123"),
        Headers = new Dictionary<string, string> { ["X-Tandem-Step"] = "2", ["Message-Id"] = "<forged@evil.test>" },
    };

    [Fact]
    public async Task Without_a_mailbox_the_plugin_is_unconfigured_and_says_what_to_set()
    {
        using var folder = new PluginFolder().With(Built.Email);
        await using var host = PluginHost.Start(folder);

        var plugin = host.Plugin("email");
        Assert.Equal(PluginStatus.Unconfigured, plugin.Status);
        Assert.Contains("Mailboxes is required", plugin.Reason);
    }

    [Fact]
    public async Task A_step_goes_out_through_the_smtp_server_once_with_its_message_id_and_one_click_unsubscribe_headers()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var folder = new PluginFolder().With(Built.Email);
        await using var host = PluginHost.Start(folder, Settings(smtp.Port));
        var channels = host.Services.GetRequiredService<PluginChannels>();

        var sent = await channels.SendAsync("email", Step("enr-1:step-2"), CancellationToken.None);
        var again = await channels.SendAsync("email", Step("enr-1:step-2"), CancellationToken.None);

        Assert.Equal(ChannelSendOutcome.Sent, sent.Outcome);
        Assert.Equal(sent, again);
        var message = Assert.Single(smtp.Messages);
        Assert.Equal(sent.ProviderMessageId, message.MessageId);
        Assert.Matches("^tandem\\.[0-9a-f]{32}@tandem-demo\\.fr$", message.MessageId);
        Assert.Equal("\"Jeanne Martin\" <jeanne.martin@tandem-demo.fr>", message.From.ToString());
        Assert.Equal("prospect@client.test", message.To.ToString());
        Assert.Equal("replies@tandem-demo.fr", message.ReplyTo.ToString());
        Assert.Equal("Votre projet de pompe à chaleur", message.Subject);
        Assert.Contains("Avez-vous reçu notre devis ?", message.TextBody);
        Assert.Equal("<https://crm.example.com/u/tok_123>", message.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("2", message.Headers["X-Tandem-Step"]);

        // Another step to the same person is another message with its own id.
        var next = await channels.SendAsync("email", Step("enr-1:step-3"), CancellationToken.None);
        Assert.NotEqual(sent.ProviderMessageId, next.ProviderMessageId);
        Assert.Equal(2, smtp.Messages.Count);
    }

    [Fact]
    public async Task An_ics_attachment_goes_out_as_text_calendar_beside_the_text()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var folder = new PluginFolder().With(Built.Email);
        await using var host = PluginHost.Start(folder, Settings(smtp.Port));
        var channels = host.Services.GetRequiredService<PluginChannels>();
        const string ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nPRODID:-//Tandem//Test//FR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";

        var sent = await channels.SendAsync("email", Step("meeting-42") with
        {
            Attachments = [new OutboundAttachment { FileName = "invitation.ics", ContentType = "text/calendar; method=REQUEST; charset=utf-8",
                Content = System.Text.Encoding.UTF8.GetBytes(ics) }],
        }, CancellationToken.None);

        Assert.Equal(ChannelSendOutcome.Sent, sent.Outcome);
        var message = Assert.Single(smtp.Messages);
        Assert.Equal("multipart/mixed", message.Body!.ContentType.MimeType);
        Assert.Contains("Avez-vous reçu notre devis ?", message.TextBody);
        var part = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal("text/calendar", part.ContentType.MimeType);
        Assert.Equal("REQUEST", part.ContentType.Parameters["method"]);
        Assert.Equal("invitation.ics", part.FileName);
        using var content = new MemoryStream();
        await part.Content!.DecodeToAsync(content);
        Assert.Equal(ics, System.Text.Encoding.UTF8.GetString(content.ToArray()));
    }

    [Fact]
    public async Task A_refused_recipient_is_a_permanent_failure_and_an_unreachable_server_a_transient_one()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var folder = new PluginFolder().With(Built.Email);
        await using var host = PluginHost.Start(folder, Settings(smtp.Port));
        var channels = host.Services.GetRequiredService<PluginChannels>();

        var refused = await channels.SendAsync("email", Step("s-1", "nobody@refused.test"), CancellationToken.None);
        Assert.Equal(ChannelSendOutcome.PermanentFailure, refused.Outcome);
        var invalid = await channels.SendAsync("email", Step("s-2", "not an address"), CancellationToken.None);
        Assert.Equal(ChannelSendOutcome.PermanentFailure, invalid.Outcome);
        Assert.Empty(smtp.Messages);

        using var other = new PluginFolder().With(Built.Email);
        await using var down = PluginHost.Start(other, Settings(9));
        var unreachable = await down.Services.GetRequiredService<PluginChannels>().SendAsync("email", Step("s-3"), CancellationToken.None);
        Assert.Equal(ChannelSendOutcome.TransientFailure, unreachable.Outcome);
    }
    private static Dictionary<string, string?> WithImap(Dictionary<string, string?> settings, int imapPort)
    {
        settings["Tandem:Plugins:email:Mailboxes:jeanne:ImapHost"] = "127.0.0.1";
        settings["Tandem:Plugins:email:Mailboxes:jeanne:ImapPort"] = imapPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Tandem:Plugins:email:Mailboxes:jeanne:ImapSecurity"] = "None";
        settings["Tandem:Plugins:email:Mailboxes:jeanne:ImapUserName"] = Dovecot.User;
        settings["Tandem:Plugins:email:Mailboxes:jeanne:ImapPassword"] = Dovecot.Password;
        return settings;
    }

    private static MimeMessage Incoming(string from, string subject, string? inReplyTo, params (string Name, string Value)[] headers)
    {
        var message = new MimeMessage { Subject = subject, Date = TestSettings.Start.AddHours(1) };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("jeanne.martin@tandem-demo.fr"));
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }
        foreach (var (name, value) in headers) message.Headers.Add(name, value);
        message.Body = new TextPart("plain") { Text = "Bonjour, oui je suis intéressée." };
        return message;
    }

    /// <summary>An RFC 3464 report about <paramref name="original"/>: one recipient with the given action and status.</summary>
    private static MimeMessage DeliveryReport(MimeMessage original, string recipient, string action, string status)
    {
        var report = new MultipartReport("delivery-status");
        report.Add(new TextPart("plain") { Text = "Delivery to the following recipient failed." });
        var delivery = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; mx.client.test" } };
        var perRecipient = new HeaderList
        {
            { "Final-Recipient", "rfc822; " + recipient }, { "Action", action }, { "Status", status },
            { "Diagnostic-Code", "smtp; " + (status.StartsWith('5') ? "550 5.1.1 user unknown" : "452 4.2.2 mailbox full") },
        };
        delivery.StatusGroups.Add(perMessage);
        delivery.StatusGroups.Add(perRecipient);
        report.Add(delivery);
        var headers = new TextRfc822Headers();
        using (var stream = new MemoryStream())
        {
            original.Headers.WriteTo(stream);
            stream.Position = 0;
            headers.Message = MimeMessage.Load(stream);
        }
        report.Add(headers);
        var message = new MimeMessage { Subject = "Undelivered Mail Returned to Sender", Body = report, Date = TestSettings.Start.AddHours(2) };
        message.From.Add(MailboxAddress.Parse("MAILER-DAEMON@mx.client.test"));
        message.To.Add(MailboxAddress.Parse("jeanne.martin@tandem-demo.fr"));
        return message;
    }

    [SkippableFact]
    public async Task Replies_over_imap_are_matched_to_the_step_auto_replies_ignored_and_bounces_reported_hard_or_soft()
    {
        Skip.If(Dovecot.Missing is not null, Dovecot.Missing);
        await using var smtp = await SmtpSink.StartAsync();
        await using var imap = await Dovecot.StartAsync();
        var events = new RecordingChannelEventSink();
        using var folder = new PluginFolder().With(Built.Email);
        await using var host = PluginHost.Start(folder, WithImap(Settings(smtp.Port), imap.Port), events: events);
        var plugin = host.Plugin("email");
        Assert.True(plugin.Status == PluginStatus.Active, plugin.Reason);
        Assert.Contains("events:replies", plugin.Capabilities);
        var channels = host.Services.GetRequiredService<PluginChannels>();
        var poller = host.Services.GetRequiredService<PluginPoller>();

        var toCamille = await channels.SendAsync("email", Step("enr-1:step-1", "camille@client.test"), CancellationToken.None);
        var toHugo = await channels.SendAsync("email", Step("enr-2:step-1", "hugo@client.test"), CancellationToken.None);
        var toLea = await channels.SendAsync("email", Step("enr-3:step-1", "lea@client.test"), CancellationToken.None);
        var toMax = await channels.SendAsync("email", Step("enr-4:step-1", "max@client.test"), CancellationToken.None);
        var sent = smtp.Messages.ToDictionary(m => m.To.Mailboxes.Single().Address);
        Assert.Equal(4, sent.Count);
        var id = (string?)toCamille.ProviderMessageId;

        // Automatic answers in every common form: none of them is a reply.
        await imap.DeliverAsync(Incoming("camille@client.test", "Absent du bureau", id, ("Auto-Submitted", "auto-replied")));
        await imap.DeliverAsync(Incoming("camille@client.test", "Re: Votre projet", id, ("X-Autoreply", "yes")));
        await imap.DeliverAsync(Incoming("camille@client.test", "Re: Votre projet", id, ("Precedence", "auto_reply")));
        await imap.DeliverAsync(Incoming("camille@client.test", "Re: Votre projet", id, ("Precedence", "bulk")));
        await imap.DeliverAsync(Incoming("camille@client.test", "Réponse automatique : Votre projet", id));
        await imap.DeliverAsync(Incoming("camille@client.test", "Out of Office: Votre projet", id));
        await imap.DeliverAsync(Incoming("camille@client.test", "Automatic reply: Votre projet", id));
        // Mail about nothing Tandem sent.
        await imap.DeliverAsync(Incoming("someone@else.test", "Re: autre chose", "<other@else.test>"));
        await imap.DeliverAsync(Incoming("someone@else.test", "Hello", null));
        // The real reply (References only, as some clients do), and bounces: hard for Hugo, soft for Léa.
        var reply = Incoming("Camille <camille@client.test>", "Re: Votre projet de pompe à chaleur", null, ("Auto-Submitted", "no"));
        reply.References.Add("<unrelated@client.test>");
        reply.References.Add(id!);
        reply.MessageId = "reply-1@client.test";
        await imap.DeliverAsync(reply);
        await imap.DeliverAsync(DeliveryReport(sent["hugo@client.test"], "hugo@client.test", "failed", "5.1.1"));
        await imap.DeliverAsync(DeliveryReport(sent["lea@client.test"], "lea@client.test", "delayed", "4.2.2"));

        Assert.Equal(3, await poller.PollAsync(plugin, "replies", CancellationToken.None));

        var received = events.Received.Select(e => e.Event).ToList();
        Assert.Equal(3, received.Count);
        Assert.All(events.Received, e => Assert.Equal("email", e.PluginId));
        var replied = Assert.Single(received, e => e.Kind == ChannelEventKind.Replied);
        Assert.Equal("enr-1:step-1", replied.MessageId);
        Assert.Equal(toCamille.ProviderMessageId, replied.ProviderMessageId);
        Assert.Equal("camille@client.test", replied.Address);
        Assert.Equal("reply:reply-1@client.test", replied.EventId);
        Assert.Equal(TestSettings.Start.AddHours(1), replied.OccurredAt);
        var hard = Assert.Single(received, e => e.Kind == ChannelEventKind.Bounced && e.Outcome == "hard");
        Assert.Equal(("enr-2:step-1", toHugo.ProviderMessageId, "hugo@client.test"), (hard.MessageId, hard.ProviderMessageId, hard.Address));
        var soft = Assert.Single(received, e => e.Kind == ChannelEventKind.Bounced && e.Outcome == "soft");
        Assert.Equal(("enr-3:step-1", "lea@client.test"), (soft.MessageId, soft.Address));
        Assert.DoesNotContain(received, e => e.MessageId == "enr-4:step-1" || toMax.ProviderMessageId == e.ProviderMessageId);

        // The cursor moved: a second poll reads nothing again; a new reply is read at the next poll.
        Assert.Equal(0, await poller.PollAsync(plugin, "replies", CancellationToken.None));
        await imap.DeliverAsync(Incoming("max@client.test", "RE: Votre projet", toMax.ProviderMessageId));
        Assert.Equal(1, await poller.PollAsync(plugin, "replies", CancellationToken.None));
        Assert.Equal("enr-4:step-1", events.Received.Last().Event.MessageId);
        Assert.Equal(4, events.Received.Count);
    }

    [Fact]
    public async Task A_mailbox_with_an_imap_server_but_no_login_is_unconfigured_and_says_which_keys()
    {
        var settings = Settings(25);
        settings["Tandem:Plugins:email:Mailboxes:jeanne:ImapHost"] = "imap.example.com";
        using var folder = new PluginFolder().With(Built.Email);
        await using var host = PluginHost.Start(folder, settings, events: new RecordingChannelEventSink());

        var plugin = host.Plugin("email");
        Assert.Equal(PluginStatus.Unconfigured, plugin.Status);
        Assert.Contains("Mailboxes:jeanne:ImapUserName and ImapPassword", plugin.Reason);
    }
}
