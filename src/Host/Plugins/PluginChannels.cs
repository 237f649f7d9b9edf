using Tandem.Plugins.Abstractions;

namespace Tandem.Host.Plugins;

/// <summary>
/// How the host sends through a channel plugin: finds the active plugin offering the channel and calls it through
/// <see cref="PluginInvoker"/>. A plugin that throws, hangs or is switched off gives a
/// <see cref="ChannelSendOutcome.TransientFailure"/> (the step can be tried again later), never an exception.
/// </summary>
internal sealed class PluginChannels(PluginCatalog catalog, PluginInvoker invoker)
{
    /// <summary>The channels active plugins offer (<c>email</c>, <c>call</c>, <c>linkedin</c>...).</summary>
    public IReadOnlyList<string> Available => catalog.Channels;

    public bool IsAvailable(string channel) => catalog.FindChannel(channel) is not null;

    public async ValueTask<ChannelSendResult> SendAsync(string channel, OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var plugin = catalog.FindChannel(channel);
        if (plugin is null)
            return new() { Outcome = ChannelSendOutcome.TransientFailure, Error = $"No active plugin offers the channel '{channel}'." };

        var result = await invoker.InvokeAsync(plugin.Id, "channel:" + channel, async ct =>
        {
            await using var scope = plugin.CreateScope();
            return await PluginEntry.FindChannel(scope.ServiceProvider, channel).SendAsync(message, ct);
        }, cancellationToken);

        return result.Succeeded && result.Value is not null
            ? result.Value
            : new() { Outcome = ChannelSendOutcome.TransientFailure, Error = result.Detail ?? $"Plugin '{plugin.Id}' gave no answer." };
    }
}
