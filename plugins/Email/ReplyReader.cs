using System.Globalization;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using MimeKit.Utils;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Email;

/// <summary>
/// Source <c>replies</c>: reads each mailbox that has an IMAP server (read-only: no flag is changed, nothing is moved)
/// for what became of the messages this plugin sent. A message whose <c>In-Reply-To</c> or <c>References</c> names a
/// <c>Message-Id</c> the plugin sent is a reply, unless it is automatic (RFC 3834 <c>Auto-Submitted</c>,
/// <c>X-Autoreply</c>/<c>X-Autorespond</c>, <c>Precedence: auto_reply/bulk/junk</c>, an out-of-office subject in
/// English or French). An RFC 3464 delivery status report about a message it sent is a bounce: <c>hard</c> for a
/// 5.x.x status (or a failure without one), <c>soft</c> for 4.x.x or a delay. The cursor (UIDVALIDITY and the last UID
/// read) is kept per mailbox in the plugin's state; a first read looks back <see cref="FirstLookBack"/>.
/// </summary>
internal sealed partial class ReplyReader(EmailSettings settings, IPluginState state, IChannelEventSink events, TimeProvider time)
    : IChannelEventSource
{
    /// <summary>How far back the first read of a mailbox goes.</summary>
    internal static readonly TimeSpan FirstLookBack = TimeSpan.FromDays(14);

    /// <summary>At most this many messages are read per mailbox and poll (the rest at the next poll).</summary>
    internal const int BatchSize = 200;

    public string Name => "replies";

    public TimeSpan Interval => TimeSpan.FromSeconds(settings.PollSeconds);

    public async ValueTask<int> PollAsync(CancellationToken cancellationToken)
    {
        var reported = 0;
        foreach (var (name, mailbox) in settings.Mailboxes)
            if (!string.IsNullOrWhiteSpace(mailbox.ImapHost)) reported += await PollMailboxAsync(name, mailbox, cancellationToken);
        return reported;
    }

    private async Task<int> PollMailboxAsync(string name, MailboxSettings mailbox, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(mailbox.ImapHost!, mailbox.ImapPort, SecurityOf(mailbox.ImapSecurity), cancellationToken);
        // Validated at load: both are present when ImapHost is set.
        await client.AuthenticateAsync(mailbox.ImapUserName ?? mailbox.UserName!, mailbox.ImapPassword ?? mailbox.Password!, cancellationToken);
        var folder = await client.GetFolderAsync(mailbox.ImapFolder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);

        var cursorKey = $"imap:{name}:cursor";
        var (validity, last) = ParseCursor(await state.GetAsync(cursorKey, cancellationToken));
        SearchQuery query = validity == folder.UidValidity
            ? SearchQuery.Uids(new UniqueIdRange(new UniqueId(folder.UidValidity, last + 1), UniqueId.MaxValue))
            : SearchQuery.DeliveredAfter(time.GetUtcNow().UtcDateTime - FirstLookBack);
        if (validity != folder.UidValidity) last = 0;
        var uids = (await folder.SearchAsync(query, cancellationToken)).Where(u => u.Id > last).OrderBy(u => u.Id).Take(BatchSize).ToList();
        if (uids.Count == 0)
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
            return 0;
        }

        var reported = 0;
        var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Headers, cancellationToken);
        foreach (var summary in summaries.OrderBy(s => s.UniqueId.Id))
        {
            var eventIdFallback = $"{folder.UidValidity}:{summary.UniqueId.Id}";
            if (summary.Headers is not { } headers) continue;
            if (IsDeliveryReport(headers))
            {
                var report = await folder.GetMessageAsync(summary.UniqueId, cancellationToken);
                foreach (var bounce in Bounces.Read(report))
                    reported += await ReportBounceAsync(bounce, report.MessageId ?? eventIdFallback, cancellationToken);
            }
            else if (!AutoReplies.IsAutomatic(headers))
            {
                reported += await ReportReplyAsync(headers, eventIdFallback, cancellationToken);
            }
        }
        await state.SetAsync(cursorKey, string.Create(CultureInfo.InvariantCulture, $"{folder.UidValidity}:{uids[^1].Id}"), cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return reported;
    }

    private async Task<int> ReportReplyAsync(HeaderList headers, string eventIdFallback, CancellationToken cancellationToken)
    {
        var referenced = References(headers);
        if (referenced.Count == 0) return 0;
        foreach (var id in referenced)
        {
            var messageId = await state.GetAsync(EmailChannel.SentKey(id), cancellationToken);
            if (messageId is null) continue;
            var from = InternetAddressList.TryParse(headers[HeaderId.From] ?? "", out var list) ? list.Mailboxes.FirstOrDefault()?.Address : null;
            await events.ReportAsync(new ChannelEvent
            {
                Channel = "email",
                Kind = ChannelEventKind.Replied,
                EventId = "reply:" + (MessageIdOf(headers) ?? eventIdFallback),
                MessageId = messageId,
                ProviderMessageId = id,
                Address = from,
                OccurredAt = DateOf(headers) ?? time.GetUtcNow(),
            }, cancellationToken);
            return 1;
        }
        return 0;
    }

    private async Task<int> ReportBounceAsync(Bounce bounce, string reportId, CancellationToken cancellationToken)
    {
        if (bounce.OriginalMessageId is null) return 0;
        var messageId = await state.GetAsync(EmailChannel.SentKey(bounce.OriginalMessageId), cancellationToken);
        if (messageId is null) return 0;
        await events.ReportAsync(new ChannelEvent
        {
            Channel = "email",
            Kind = ChannelEventKind.Bounced,
            EventId = $"bounce:{reportId}:{bounce.Recipient}",
            MessageId = messageId,
            ProviderMessageId = bounce.OriginalMessageId,
            Address = bounce.Recipient,
            Outcome = bounce.Hard ? "hard" : "soft",
            OccurredAt = bounce.At ?? time.GetUtcNow(),
        }, cancellationToken);
        return 1;
    }

    /// <summary>The ids named by <c>In-Reply-To</c> first, then <c>References</c> from the newest, without duplicates.</summary>
    internal static List<string> References(HeaderList headers)
    {
        var ids = new List<string>();
        if (headers[HeaderId.InReplyTo] is { } inReplyTo) ids.AddRange(MimeUtils.EnumerateReferences(inReplyTo));
        if (headers[HeaderId.References] is { } references) ids.AddRange(MimeUtils.EnumerateReferences(references).Reverse());
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string? MessageIdOf(HeaderList headers) =>
        headers[HeaderId.MessageId] is { } value ? MimeUtils.EnumerateReferences(value).FirstOrDefault() : null;

    private static DateTimeOffset? DateOf(HeaderList headers) =>
        headers[HeaderId.Date] is { } value && DateUtils.TryParse(value, out var date) ? date : null;

    private static bool IsDeliveryReport(HeaderList headers) =>
        headers[HeaderId.ContentType] is { } value && ContentType.TryParse(value, out var type)
        && type.IsMimeType("multipart", "report")
        && string.Equals(type.Parameters["report-type"], "delivery-status", StringComparison.OrdinalIgnoreCase);

    private static (uint Validity, uint Last) ParseCursor(string? cursor)
    {
        var parts = cursor?.Split(':');
        return parts is [var v, var l]
               && uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var validity)
               && uint.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            ? (validity, last)
            : (0, 0);
    }

    internal static SecureSocketOptions SecurityOf(string security) => security switch
    {
        "StartTls" => SecureSocketOptions.StartTls,
        "None" => SecureSocketOptions.None,
        _ => SecureSocketOptions.SslOnConnect,
    };
}

/// <summary>Automatic answers that are not replies (RFC 3834 and the forms seen in practice).</summary>
internal static partial class AutoReplies
{
    public static bool IsAutomatic(HeaderList headers)
    {
        if (headers[HeaderId.AutoSubmitted] is { } submitted && !submitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase)) return true;
        if (headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond") || headers.Contains("X-Autoresponder")) return true;
        if (headers[HeaderId.Precedence] is { } precedence
            && precedence.Trim().ToLowerInvariant() is "auto_reply" or "bulk" or "junk") return true;
        return headers[HeaderId.Subject] is { } subject && OutOfOffice().IsMatch(Decode(subject));
    }

    private static string Decode(string raw)
    {
        try
        {
            return Rfc2047.DecodeText(System.Text.Encoding.UTF8.GetBytes(raw));
        }
        catch (ParseException)
        {
            return raw;
        }
    }

    /// <summary>Out-of-office subjects in English and French, at the start of the subject.</summary>
    [GeneratedRegex(
        @"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto:|away from (the )?office|absence|absent|r[ée]ponse automatique|message d['’]absence|je suis absent|en cong[ée]s?\b)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OutOfOffice();
}

/// <summary>One recipient of an RFC 3464 delivery status report that was not delivered.</summary>
internal sealed record Bounce(string Recipient, bool Hard, string? Status, string? OriginalMessageId, DateTimeOffset? At);

/// <summary>Reads RFC 3464 delivery status notifications.</summary>
internal static class Bounces
{
    public static List<Bounce> Read(MimeMessage report)
    {
        var bounces = new List<Bounce>();
        if (report.Body is not MultipartReport multipart) return bounces;
        var status = multipart.OfType<MessageDeliveryStatus>().FirstOrDefault();
        if (status is null) return bounces;
        var original = OriginalMessageId(multipart);
        var at = report.Date == DateTimeOffset.MinValue ? (DateTimeOffset?)null : report.Date;
        foreach (var group in status.StatusGroups.Skip(1))
        {
            var action = group["Action"]?.Trim().ToLowerInvariant();
            var code = group["Status"]?.Trim();
            var recipient = AddressOf(group["Final-Recipient"]) ?? AddressOf(group["Original-Recipient"]);
            if (recipient is null) continue;
            var hard = action switch
            {
                "failed" => code is null || !code.StartsWith('4'),
                "delayed" => false,
                _ => (bool?)null, // delivered, relayed, expanded: not a bounce
            };
            if (hard is null) continue;
            if (action == "failed" && code is not null && !code.StartsWith('4') && !code.StartsWith('5')) continue;
            bounces.Add(new Bounce(recipient, hard.Value, code, original, at));
        }
        return bounces;
    }

    /// <summary><c>rfc822; someone@example.com</c> → <c>someone@example.com</c>.</summary>
    private static string? AddressOf(string? field)
    {
        if (string.IsNullOrWhiteSpace(field)) return null;
        var semicolon = field.IndexOf(';', StringComparison.Ordinal);
        var address = (semicolon >= 0 ? field[(semicolon + 1)..] : field).Trim().Trim('<', '>');
        return address.Contains('@', StringComparison.Ordinal) ? address : null;
    }

    /// <summary>The Message-Id of the message the report is about: from its returned message or headers.</summary>
    private static string? OriginalMessageId(MultipartReport report)
    {
        foreach (var part in report)
        {
            if (part is MessagePart { Message: { } message }) return message.MessageId;
            if (part is MimePart mime && mime.ContentType.IsMimeType("text", "rfc822-headers") && mime.Content is { } content)
            {
                using var stream = new MemoryStream();
                content.DecodeTo(stream);
                stream.Position = 0;
                var headers = HeaderList.Load(stream);
                return headers[HeaderId.MessageId] is { } id ? MimeUtils.EnumerateReferences(id).FirstOrDefault() : null;
            }
        }
        return null;
    }
}
