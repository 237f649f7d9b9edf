using Microsoft.Extensions.DependencyInjection;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;
using Tandem.Plugins.Tests.Infrastructure;
using Xunit;

namespace Tandem.Plugins.Tests;

/// <summary>The bundled email plugin, loaded from its real build, sending through a real SMTP server on 127.0.0.1.</summary>
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
}
