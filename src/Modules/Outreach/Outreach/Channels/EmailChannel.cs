using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Data;

namespace Tandem.Modules.Outreach.Channels;

/// <summary>
/// Where email steps go (<c>Tandem:Outreach:Channels:Email</c>): <c>record</c> keeps what would be sent in the Outreach
/// database (the default while no plugin offers email), <c>plugin</c> sends through the channel plugin (the host answers
/// <see cref="SendThroughChannel"/>), <c>noop</c> accepts and keeps nothing (benchmarks). Unset: <c>plugin</c> when a
/// loaded plugin offers email, else <c>record</c>.
/// </summary>
internal sealed class EmailChannel(IConfiguration configuration, ChannelDirectory directory, ISender sender, OutreachDbContext db, TimeProvider clock,
    Privacy.UnsubscribeLinks unsubscribeLinks)
{
    public string Mode => configuration["Tandem:Outreach:Channels:Email"] is { Length: > 0 } configured
        ? configured.ToLowerInvariant()
        : directory.Channels.Contains("email") ? "plugin" : "record";

    /// <summary>Sends one email; <paramref name="from"/> and <paramref name="fromDisplayName"/> name the owner's mailbox (null: the channel's default).</summary>
    public async Task<ChannelSendReceipt> SendAsync(string messageId, string recipient, string? subject, string? body, CancellationToken cancellationToken,
        string? from = null, string? fromDisplayName = null, IReadOnlyList<ChannelAttachment>? attachments = null)
    {
        // Every email carries the recipient's own one-click unsubscribe link (docs/compliance.md, "Unsubscribe").
        var unsubscribe = unsubscribeLinks.For(messageId);
        body = WithUnsubscribeFooter(body, unsubscribe);
        switch (Mode)
        {
            case "noop":
                return new ChannelSendReceipt(ChannelSendOutcomes.Sent, "noop:" + messageId, null);
            case "plugin":
                return await sender.Send(new SendThroughChannel("email", messageId, recipient, subject, body, From: from,
                    FromDisplayName: fromDisplayName, UnsubscribeUrl: unsubscribe, Attachments: attachments), cancellationToken);
            default:
                await RecordAsync(messageId, recipient, subject, body, unsubscribe, cancellationToken);
                return new ChannelSendReceipt(ChannelSendOutcomes.Sent, "record:" + messageId, null);
        }
    }

    /// <summary>
    /// The link in the text as well as in the RFC 8058 headers: a mail client that shows no unsubscribe button still gives
    /// the recipient a visible way out in every message (docs/compliance.md, "Unsubscribe"), in French and English.
    /// </summary>
    internal static string WithUnsubscribeFooter(string? body, Uri unsubscribe) =>
        $"{body}\n\n--\nPour ne plus recevoir nos e-mails / To stop receiving our emails: {unsubscribe}";

    /// <summary>
    /// Like a provider honouring an idempotency key: the first request stores the message, a repeat (the same step after a
    /// crash) only counts the request. Committed on its own, before the step is marked done, as a real send would be.
    /// </summary>
    private async Task RecordAsync(string messageId, string recipient, string? subject, string? body, Uri unsubscribe, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var updated = await db.WriteAsync(ct => db.RecordedMessages.Where(m => m.MessageId == messageId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Requests, m => m.Requests + 1), ct), cancellationToken);
        if (updated > 0) return;
        db.RecordedMessages.Add(new RecordedMessage
        {
            MessageId = messageId, Channel = "email", Recipient = recipient, Subject = subject, Body = body, Requests = 1, RecordedAt = now,
            UnsubscribeUrl = unsubscribe.ToString(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Lost a race with another host sending the same step: it is recorded once.
            db.ChangeTracker.Clear();
        }
    }
}
