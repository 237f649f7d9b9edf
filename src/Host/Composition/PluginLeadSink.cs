using Mediator;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Errors;
using Tandem.Plugins.Abstractions;

namespace Tandem.Host.Composition;

/// <summary>
/// What a plugin hands over becomes a Leads.CaptureLead (plugins cannot add Mediator handlers: the host adapts).
/// A lead delivered twice (same external id) is recognised and not captured again.
/// </summary>
internal sealed class PluginLeadSink(IServiceScopeFactory scopes) : ILeadSink
{
    public async ValueTask<LeadSubmissionResult> SubmitAsync(InboundLead lead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var pluginId = Plugins.PluginCallContext.PluginId ?? "unknown";
        var reference = $"plugin:{pluginId}:{lead.ExternalId}";
        try
        {
            if (await sender.Send(new FindLeadBySource(reference), cancellationToken) is { } known)
                return new LeadSubmissionResult { Outcome = LeadSubmissionOutcome.Merged, LeadId = known };
            var detail = lead.CollectedIndirectly ? $"{lead.SourceDetail} (collected indirectly: inform at first contact)".Trim() : lead.SourceDetail;
            var result = await sender.Send(new CaptureLead(
                lead.Email, lead.Phone, lead.FirstName, lead.LastName, lead.Company, lead.JobTitle, null, lead.Kind,
                new LeadSource(string.IsNullOrWhiteSpace(lead.SourceChannel) ? "plugin" : lead.SourceChannel, CampaignId: lead.CampaignId,
                    Detail: string.IsNullOrEmpty(detail) ? pluginId : $"{pluginId}: {detail}", Reference: reference),
                lead.Consents.Select(c => new Modules.Leads.Contracts.LeadConsent(c.Purpose, c.Granted, c.Text, reference)).ToList(),
                lead.CallbackRequested, LinkedInUrl: lead.LinkedInUrl), cancellationToken);
            return new LeadSubmissionResult
            {
                Outcome = result.Outcome == "created" ? LeadSubmissionOutcome.Created : LeadSubmissionOutcome.Merged,
                LeadId = result.Id,
            };
        }
        catch (ValidationFailedException invalid)
        {
            return new LeadSubmissionResult
            {
                Outcome = LeadSubmissionOutcome.Rejected,
                Error = string.Join(" ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            };
        }
        catch (ModuleDisabledException disabled)
        {
            return new LeadSubmissionResult { Outcome = LeadSubmissionOutcome.Rejected, Error = disabled.Title };
        }
    }
}
