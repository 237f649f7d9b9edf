using Mediator;
using Tandem.Modules.Outreach.Contracts;

namespace Tandem.Modules.Outreach;

// PLACEHOLDER on main while the outbound issue is built on its own branch: the Outreach branch replaces this handler with
// the activity log and the stop rules (reply, bounce, unsubscribe, call outcome). Must not survive that merge.
internal sealed class RecordChannelEventHandler : ICommandHandler<RecordChannelEvent, ChannelEventRecorded>
{
    public ValueTask<ChannelEventRecorded> Handle(RecordChannelEvent command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ChannelEventRecorded("unmatched"));
}
