using Mediator;
using Tandem.Modules.Content.Contracts;

namespace Tandem.Modules.Leads;

// PLACEHOLDER on main while the inbound issue is built in parallel branches: Content publishes these notifications, the
// Leads branch replaces this file with the scoring of visits and downloads. Must not survive the merge of both.
internal sealed class ContentEngagement : INotificationHandler<LeadVisitedPages>, INotificationHandler<AssetDownloaded>
{
    public ValueTask Handle(LeadVisitedPages notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask Handle(AssetDownloaded notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
