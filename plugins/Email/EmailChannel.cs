using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Email;

/// <summary>Hands one message to a mailbox's SMTP server.</summary>
internal sealed class SmtpSender
{
    public async Task SendAsync(MailboxSettings mailbox, MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient();
        var security = mailbox.Security switch
        {
            "SslOnConnect" => SecureSocketOptions.SslOnConnect,
            "None" => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(mailbox.Host!, mailbox.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(mailbox.UserName)) await client.AuthenticateAsync(mailbox.UserName, mailbox.Password!, cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>
/// Channel <c>email</c>. The same MessageId is never sent twice: it is claimed in the plugin's state before the SMTP
/// conversation and released when the server did not take the message. The <c>Message-Id</c> header is
/// <c>&lt;tandem.{hash of MessageId}@{sender's domain}&gt;</c> and is answered as the provider message id.
/// </summary>
internal sealed class EmailChannel(EmailSettings settings, SmtpSender smtp, IPluginState state) : IOutboundChannel
{
    private const string Pending = "pending";

    /// <summary>Headers the channel sets itself; a step cannot override them through <see cref="OutboundMessage.Headers"/>.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Message-Id", "Date", "Sender", "Return-Path",
        "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    };

    public string Channel => "email";

    public async ValueTask<ChannelSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mailbox = settings.For(message.From);
        if (mailbox is null) return Failed($"No mailbox is configured for the sender {(message.From is null ? "(none)" : "given")}.");
        if (!MailboxAddress.TryParse(message.Recipient, out var to) || !to.Address.Contains('@', StringComparison.Ordinal))
            return Failed("The recipient is not an e-mail address.");

        var key = "message:" + message.MessageId;
        if (!await state.TryAddAsync(key, Pending, cancellationToken))
        {
            var known = await state.GetAsync(key, cancellationToken);
            return new ChannelSendResult { Outcome = ChannelSendOutcome.Sent, ProviderMessageId = known == Pending ? null : known };
        }

        var mime = Build(message, mailbox, to);
        // Before the SMTP conversation: a reply or bounce read over IMAP finds the step it is about by this key.
        await state.SetAsync(SentKey(mime.MessageId!), message.MessageId, cancellationToken);
        try
        {
            await smtp.SendAsync(mailbox, mime, cancellationToken);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or SocketException or IOException
                                   or MailKit.Security.AuthenticationException or SslHandshakeException or ServiceNotConnectedException)
        {
            await state.DeleteAsync(key, CancellationToken.None);
            return e switch
            {
                // 5xx for the recipient or the message: retrying will not help.
                SmtpCommandException { StatusCode: var code } command when (int)code >= 500 && command.ErrorCode != SmtpErrorCode.UnexpectedStatusCode =>
                    Failed($"The SMTP server refused the message ({(int)code}).") ,
                SmtpCommandException { StatusCode: var code } => Transient($"The SMTP server answered {(int)code}; try again later."),
                MailKit.Security.AuthenticationException => Transient("The SMTP server refused the mailbox's credentials."),
                _ => Transient($"The SMTP server cannot be reached ({e.GetType().Name})."),
            };
        }
        await state.SetAsync(key, mime.MessageId!, cancellationToken);
        return new ChannelSendResult { Outcome = ChannelSendOutcome.Sent, ProviderMessageId = mime.MessageId };
    }

    /// <summary>The state key that maps a sent <c>Message-Id</c> (without angle brackets) to Tandem's message id.</summary>
    internal static string SentKey(string messageIdHeader) => "sent:" + messageIdHeader;

    internal static MimeMessage Build(OutboundMessage message, MailboxSettings mailbox, MailboxAddress to)
    {
        var from = new MailboxAddress(message.FromDisplayName ?? mailbox.DisplayName, mailbox.Address!);
        var mime = new MimeMessage();
        mime.From.Add(from);
        mime.To.Add(to);
        if (!string.IsNullOrWhiteSpace(message.ReplyTo) && MailboxAddress.TryParse(message.ReplyTo, out var replyTo)) mime.ReplyTo.Add(replyTo);
        mime.Subject = message.Subject ?? "";
        var domain = mailbox.Address![(mailbox.Address!.LastIndexOf('@') + 1)..];
        mime.MessageId = $"tandem.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.MessageId)))[..32]}@{domain}";
        foreach (var (name, value) in message.Headers)
            if (!Reserved.Contains(name) && !string.IsNullOrWhiteSpace(name)) mime.Headers.Add(name, value);
        if (message.UnsubscribeUrl is { } unsubscribe)
        {
            // RFC 8058: an HTTPS URI the mail client POSTs "List-Unsubscribe=One-Click" to.
            mime.Headers.Add("List-Unsubscribe", $"<{unsubscribe.AbsoluteUri}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        var text = new TextPart("plain") { Text = message.Body ?? "" };
        if (message.Attachments.Count == 0)
        {
            mime.Body = text;
            return mime;
        }
        // The text first, then each file (a meeting's .ics as text/calendar; method=REQUEST: mail clients offer to add it).
        var mixed = new Multipart("mixed") { text };
        foreach (var attachment in message.Attachments)
        {
            var type = ContentType.TryParse(attachment.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
            mixed.Add(new MimePart(type)
            {
                Content = new MimeContent(new MemoryStream(attachment.Content.ToArray())),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.FileName,
            });
        }
        mime.Body = mixed;
        return mime;
    }

    private static ChannelSendResult Failed(string error) => new() { Outcome = ChannelSendOutcome.PermanentFailure, Error = error };

    private static ChannelSendResult Transient(string error) => new() { Outcome = ChannelSendOutcome.TransientFailure, Error = error };
}
