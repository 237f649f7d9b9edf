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
