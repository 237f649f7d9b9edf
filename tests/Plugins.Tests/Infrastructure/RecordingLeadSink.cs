using System.Collections.Concurrent;
using Tandem.Host.Plugins;
using Tandem.Plugins.Abstractions;

namespace Tandem.Plugins.Tests.Infrastructure;

/// <summary>Stands in for the host's Leads-backed sink (written elsewhere): records what plugins hand over, and
/// which plugin the host said was calling.</summary>
internal sealed class RecordingLeadSink : ILeadSink
{
    public ConcurrentQueue<(InboundLead Lead, string? PluginId)> Received { get; } = new();

    public ValueTask<LeadSubmissionResult> SubmitAsync(InboundLead lead, CancellationToken cancellationToken)
    {
        Received.Enqueue((lead, PluginCallContext.PluginId));
        return ValueTask.FromResult(new LeadSubmissionResult { Outcome = LeadSubmissionOutcome.Created, LeadId = "lead-" + Received.Count });
    }
}

/// <summary>Stands in for the host's Outreach-backed event sink (tested in Host.Tests): records what channel plugins
/// report, and which plugin the host said was calling; the same event id twice is a duplicate, as in Outreach.</summary>
internal sealed class RecordingChannelEventSink : IChannelEventSink
{
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

    public ConcurrentQueue<(ChannelEvent Event, string? PluginId)> Received { get; } = new();

    public ValueTask<ChannelEventOutcome> ReportAsync(ChannelEvent channelEvent, CancellationToken cancellationToken)
    {
        if (!_seen.TryAdd(channelEvent.EventId, true)) return ValueTask.FromResult(ChannelEventOutcome.Duplicate);
        Received.Enqueue((channelEvent, PluginCallContext.PluginId));
        return ValueTask.FromResult(ChannelEventOutcome.Recorded);
    }
}
