using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Capture;

/// <summary>Content announced a form submission: capture the person (once per submission, whatever the redeliveries).</summary>
internal sealed class CaptureLeadFromForm(LeadsDbContext db, LeadCapture capture, ContactNormalizer normalizer) : INotificationHandler<FormSubmitted>
{
    public async ValueTask Handle(FormSubmitted notification, CancellationToken cancellationToken)
    {
        try
        {
            await CaptureOnceAsync(notification, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same person was created concurrently (unique email/phone): this time it is found and merged.
            db.ChangeTracker.Clear();
            await CaptureOnceAsync(notification, cancellationToken);
        }
    }

    private async Task CaptureOnceAsync(FormSubmitted notification, CancellationToken cancellationToken)
    {
        if (!await db.BeginConsumeAsync(nameof(CaptureLeadFromForm), cancellationToken)) return;
        var c = notification.Contact;
        if (ContactNormalizer.Email(c.Email) is null && normalizer.PhoneKey(c.Phone) is null)
        {
            // Content validated the form; a submission nobody can be reached at is recorded as consumed, not retried forever.
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var proof = $"form:{notification.FormId}";
        var consents = notification.Consents
            .Select(x => new LeadConsent(x.Purpose, x.Granted, x.Text, $"{proof}; ip:{x.IpAddress}; user-agent:{x.UserAgent}"))
            .ToList();
        if (notification.CallbackRequested)
            consents.Add(new LeadConsent("phone-callback", true, "Asked to be called back on the form.", proof, ConsentChannel.Phone));
        var command = new CaptureLead(
            c.Email, c.Phone, c.FirstName, c.LastName, c.Company, c.JobTitle, c.PostalCode, c.Kind,
            new LeadSource("content", notification.CampaignId, notification.AssetId, proof, notification.SubmissionId),
            consents, notification.CallbackRequested);
        // The same form sent again scores once per repeat window: the action is the form, not the submission.
        var actions = LeadCapture.ActionsOf(command, notification.SubmittedAt, proof, notification.AssetInterest);
        try
        {
            await capture.CaptureAsync(command, actions, cancellationToken);
        }
        catch (ValidationFailedException)
        {
            // A person who asked to be forgotten: the submission is consumed, nobody is recorded (not retried forever).
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
