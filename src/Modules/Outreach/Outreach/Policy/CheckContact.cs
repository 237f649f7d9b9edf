using Mediator;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Outreach.Policy;

internal sealed class CheckContactValidator : IValidator<CheckContact>
{
    public void Validate(CheckContact m, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(m.ProspectId) && string.IsNullOrWhiteSpace(m.LeadId)) errors.Add("prospectId", "Give prospectId or leadId.");
        errors.SingleLine("prospectId", m.ProspectId, Limits.Id).SingleLine("leadId", m.LeadId, Limits.Id)
            .Required("channel", m.Channel).OneOf("channel", m.Channel, ["email", "call", "linkedin"]);
    }
}

/// <summary>The scheduler's decision, asked for one person, channel and time.</summary>
internal sealed class CheckContactHandler(ISender sender, IContactPolicy policy, TimeProvider clock) : IQueryHandler<CheckContact, ContactCheck>
{
    public async ValueTask<ContactCheck> Handle(CheckContact query, CancellationToken cancellationToken)
    {
        var prospectId = query.ProspectId;
        if (prospectId is null && (await sender.Send(new ListProspects(null, null, query.LeadId, 1, 1), cancellationToken)).Items is [var p]) prospectId = p.Id;
        ProspectContact? contact = null;
        if (prospectId is not null)
        {
            try { contact = await sender.Send(new GetProspectContact(prospectId), cancellationToken); }
            catch (NotFoundException) { throw ValidationFailedException.For("prospectId", $"No prospect has the id '{prospectId}'."); }
        }
        var decision = await policy.DecideAsync(new ContactAttempt(query.Channel, prospectId, contact?.LeadId ?? query.LeadId, null, null),
            new ContactCard(contact?.Email, contact?.Phone, contact?.Owner), query.At ?? clock.GetUtcNow(), cancellationToken);
        return new ContactCheck(decision.Verdict == ContactVerdict.Allowed, decision.Reason is null ? [] : [decision.Reason], decision.Until);
    }
}
