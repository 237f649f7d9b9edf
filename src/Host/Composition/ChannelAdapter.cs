using Mediator;
using Tandem.Host.Plugins;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Plugins.Abstractions;

namespace Tandem.Host.Composition;

/// <summary>
/// Outreach sends through channel plugins without knowing them: the host answers <see cref="SendThroughChannel"/> with the
/// active plugin that offers the channel (a plugin that throws, hangs or is missing is a transient failure).
/// </summary>
internal sealed class SendThroughChannelHandler(PluginChannels channels) : ICommandHandler<SendThroughChannel, ChannelSendReceipt>
{
    public async ValueTask<ChannelSendReceipt> Handle(SendThroughChannel command, CancellationToken cancellationToken)
    {
        var result = await channels.SendAsync(command.Channel, new OutboundMessage
        {
            MessageId = command.MessageId,
            Recipient = command.Recipient,
            Subject = command.Subject,
            Body = command.Body,
            From = command.From,
            FromDisplayName = command.FromDisplayName,
            ReplyTo = command.ReplyTo,
            UnsubscribeUrl = command.UnsubscribeUrl,
            Attachments = command.Attachments?.Select(a => new OutboundAttachment { FileName = a.FileName, ContentType = a.ContentType, Content = a.Content })
                .ToList() ?? [],
        }, cancellationToken);
        var outcome = result.Outcome switch
        {
            ChannelSendOutcome.Sent => ChannelSendOutcomes.Sent,
            ChannelSendOutcome.PermanentFailure => ChannelSendOutcomes.PermanentFailure,
            _ => ChannelSendOutcomes.TransientFailure,
        };
        return new ChannelSendReceipt(outcome, result.ProviderMessageId, result.Error);
    }
}

/// <summary>
/// What a channel plugin reports (reply, bounce, unsubscribe, call status) becomes an Outreach
/// <see cref="RecordChannelEvent"/> (plugins cannot send Mediator messages: the host adapts). The event id is made
/// unique per plugin, so that two plugins' provider ids never collide.
/// </summary>
internal sealed class PluginChannelEventSink(IServiceScopeFactory scopes) : IChannelEventSink
{
    public async ValueTask<ChannelEventOutcome> ReportAsync(ChannelEvent channelEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelEvent.EventId);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelEvent.Channel);
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var pluginId = PluginCallContext.PluginId ?? "unknown";
        var recorded = await sender.Send(new RecordChannelEvent(
            channelEvent.Channel, KindOf(channelEvent.Kind), channelEvent.MessageId, channelEvent.ProviderMessageId,
            channelEvent.Address, channelEvent.Outcome, channelEvent.DurationSeconds, channelEvent.OccurredAt,
            $"plugin:{pluginId}:{channelEvent.EventId}"), cancellationToken);
        return recorded.Outcome switch
        {
            "recorded" => ChannelEventOutcome.Recorded,
            "duplicate" => ChannelEventOutcome.Duplicate,
            _ => ChannelEventOutcome.Unmatched,
        };
    }

    internal static string KindOf(ChannelEventKind kind) => kind switch
    {
        ChannelEventKind.Delivered => ChannelEventKinds.Delivered,
        ChannelEventKind.Replied => ChannelEventKinds.Replied,
        ChannelEventKind.Bounced => ChannelEventKinds.Bounced,
        ChannelEventKind.Unsubscribed => ChannelEventKinds.Unsubscribed,
        ChannelEventKind.CallStatus => ChannelEventKinds.CallStatus,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown channel event kind."),
    };
}
