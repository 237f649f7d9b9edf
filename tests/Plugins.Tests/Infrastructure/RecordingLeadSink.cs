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
