using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Messaging;
using Tandem.Modules.Leads.Scoring;

namespace Tandem.Modules.Leads.Capture;

/// <summary>
/// Content announced a form submission: capture the person (once per submission, whatever the redeliveries). A batch
/// consumer: submissions dispatched together (concurrent requests' inline dispatches, or one outbox claim) are captured in
/// one read of each kind and one commit (docs/architecture.md, "Batch consumers"). It replies with the lead's id to a
/// submission dispatched inline, so the request answers with it without reading it back (<see cref="InlineReplies"/>).
/// </summary>
internal sealed class CaptureLeadFromForm(LeadsDbContext db, LeadCapture capture, ContactNormalizer normalizer, MessageContext message,
    InlineReplies replies) : IBatchNotificationHandler<FormSubmitted>
{
    public async ValueTask Handle(IReadOnlyList<Delivery<FormSubmitted>> batch, CancellationToken cancellationToken)
    {
        var fresh = await db.BeginConsumeBatchAsync(nameof(CaptureLeadFromForm), batch, cancellationToken);
        // Two submissions of one person in one batch are captured one after the other, as they would be one by one (the
        // second merges into the first); so are referrals. Everybody else together.
        var together = new List<(LeadCapture.Pending Pending, Delivery<FormSubmitted> Delivery)>();
        var alone = new List<(LeadCapture.Pending Pending, Delivery<FormSubmitted> Delivery)>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var delivery in fresh)
        {
            var (command, actions) = Command(delivery.Notification);
            LeadCapture.Identity who;
            try
            {
                who = capture.Identify(command);
            }
            catch (ValidationFailedException)
            {
                continue; // nobody can be reached: consumed (its inbox row is saved), as one by one
            }
            var pending = new LeadCapture.Pending(command, actions, who);
            var shared = false;
            foreach (var key in who.Keys()) shared |= !keys.Add(key);
            (shared || command.Source.ReferredBy is not null ? alone : together).Add((pending, delivery));
        }
        var results = await capture.CaptureManyAsync([.. together.Select(t => t.Pending)], cancellationToken);
        for (var i = 0; i < together.Count; i++)
            if (results[i] is { } result) Reply(together[i].Delivery, result);
        foreach (var (pending, delivery) in alone)
        {
            db.ChangeTracker.Clear();
            try
            {
                Reply(delivery, await capture.CaptureAsync(pending.Command, pending.Actions, cancellationToken));
            }
            catch (ValidationFailedException)
            {
                // A person who asked to be forgotten: consumed, nobody recorded (its inbox row was saved with the batch).
            }
        }
    }

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
        var (command, actions) = Command(notification);
        try
        {
            var result = await capture.CaptureAsync(command, actions, cancellationToken);
            replies.Offer(message.MessageId, message.FirstDelivery, result.Id);
        }
        catch (ValidationFailedException)
        {
            // A person who asked to be forgotten: the submission is consumed, nobody is recorded (not retried forever).
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private void Reply(Delivery<FormSubmitted> delivery, CaptureLeadResult result) =>
        replies.Offer(delivery.MessageId, delivery.FirstDelivery, result.Id);

    private static (CaptureLead Command, List<ScoredAction> Actions) Command(FormSubmitted notification)
    {
        var c = notification.Contact;
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
        return (command, LeadCapture.ActionsOf(command, notification.SubmittedAt, proof, notification.AssetInterest));
    }
}
