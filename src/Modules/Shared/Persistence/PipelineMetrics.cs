using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tandem.Modules.Shared.Persistence;

/// <summary>
/// The <c>Tandem.Pipeline</c> meter: how the write path groups its work, per module (tag <c>module</c>). Counters only,
/// no personal data: group commits and the writes they carried, outbox messages relayed from memory or claimed from the
/// table, the groups handed to consumers and the messages in them, and batches that failed and went one by one. Their
/// ratios are the batch sizes that decide a submission's cost (docs/performance.md, "Relay after commit"): read them with
/// <c>dotnet-counters monitor -n Tandem.Host --counters Tandem.Pipeline</c> or <c>scripts/load-forms.sh --counters FILE</c>.
/// An instrument nobody listens to costs one branch. One per container (a singleton made from the host's
/// <see cref="IMeterFactory"/>), so that two hosts in one process (tests) count apart.
/// </summary>
public sealed class PipelineMetrics
{
    /// <summary>The meter's name, for listeners.</summary>
    public const string MeterName = "Tandem.Pipeline";

    public PipelineMetrics(IMeterFactory? meters)
    {
        Meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        GroupCommits = Meter.CreateCounter<long>("tandem.db.group_commits", "{transaction}", "Group transactions committed by the module's writer");
        GroupCommitWrites = Meter.CreateCounter<long>("tandem.db.group_commit_writes", "{write}", "Writes committed in the module's group transactions");
        Relayed = Meter.CreateCounter<long>("tandem.outbox.relayed", "{message}", "Outbox messages relayed from memory after their commit");
        Claimed = Meter.CreateCounter<long>("tandem.outbox.claimed", "{message}", "Outbox messages claimed from the table");
        Published = Meter.CreateCounter<long>("tandem.outbox.published_groups", "{group}", "Groups of outbox messages published to consumers");
        PublishedMessages = Meter.CreateCounter<long>("tandem.outbox.published_messages", "{message}", "Outbox messages published to consumers");
        BatchFallbacks = Meter.CreateCounter<long>("tandem.outbox.batch_fallbacks", "{batch}", "Batches published again one by one after a failure");
    }

    /// <summary>The meter the instruments belong to (a listener tells two hosts' meters apart by it).</summary>
    public Meter Meter { get; }

    /// <summary>Group transactions committed by a module's writer.</summary>
    public Counter<long> GroupCommits { get; }

    /// <summary>Writes (callers' saves and statements, and work riding along) committed in those transactions.</summary>
    public Counter<long> GroupCommitWrites { get; }

    /// <summary>Outbox messages handed to the module's dispatcher from memory after their commit.</summary>
    public Counter<long> Relayed { get; }

    /// <summary>Outbox messages claimed from the module's outbox table.</summary>
    public Counter<long> Claimed { get; }

    /// <summary>Groups of messages published to consumers (a batch consumer's group, or one message on its own); tags <c>module</c>, <c>path</c>.</summary>
    public Counter<long> Published { get; }

    /// <summary>Messages in those groups.</summary>
    public Counter<long> PublishedMessages { get; }

    /// <summary>Batches whose batch call failed and whose messages were published again one by one.</summary>
    public Counter<long> BatchFallbacks { get; }

    /// <summary>
    /// A group of <paramref name="messages"/> published to consumers by the module's dispatcher loop (<c>path=loop</c>) or
    /// by a request waiting for its consumers (<c>path=inline</c>).
    /// </summary>
    public void Publishing(string module, string path, int messages)
    {
        if (!Published.Enabled) return;
        var tags = new TagList { Module(module), { "path", path } };
        Published.Add(1, tags);
        PublishedMessages.Add(messages, tags);
    }

    /// <summary>Registers the container's one instance (the module databases and the dispatcher both need it).</summary>
    public static void TryAddTo(IServiceCollection services) =>
        services.TryAddSingleton(sp => new PipelineMetrics(sp.GetService<IMeterFactory>()));

    /// <summary>The <c>module</c> tag.</summary>
    public static KeyValuePair<string, object?> Module(string module) => new("module", module);
}
