using Mediator;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Outreach.Scheduling;

namespace Tandem.Modules.Outreach.Channels;

/// <summary>Which outbound channels the loaded plugins provide (kept in memory; the host republishes it at start-up).</summary>
internal sealed class ChannelDirectory
{
    private volatile IReadOnlyList<string> _channels = [];
    public IReadOnlyList<string> Channels => _channels;
    public void Replace(IReadOnlyList<string> channels) => _channels = channels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}

/// <summary>The host announces the channels when it is ready (migrated, plugins loaded): the scheduler may start.</summary>
internal sealed class UpdateChannelDirectory(ChannelDirectory directory, SchedulerGate gate) : INotificationHandler<ChannelsChanged>
{
    public ValueTask Handle(ChannelsChanged notification, CancellationToken cancellationToken)
    {
        directory.Replace(notification.Channels);
        gate.Open();
        return ValueTask.CompletedTask;
    }
}

internal sealed class GetAvailableChannelsHandler(ChannelDirectory directory) : IQueryHandler<GetAvailableChannels, IReadOnlyList<string>>
{
    public ValueTask<IReadOnlyList<string>> Handle(GetAvailableChannels query, CancellationToken cancellationToken) => ValueTask.FromResult(directory.Channels);
}
