using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Leads.Scoring;
using Tandem.Modules.Shared.Errors;
using Tandem.Modules.Shared.Modules;

namespace Tandem.Modules.Leads.Capture;

/// <summary>
/// Finds the same person (exact normalised email, then E.164 phone, then LinkedIn profile URL) or creates a lead; a merge fills only empty fields a
/// rep did not edit and is recorded (undoable); records the source, consents and score; announces LeadCaptured and, when
/// the threshold is crossed, LeadQualified. Saves once. Rules: docs/leads.md.
/// </summary>
internal sealed class LeadCapture(LeadsDbContext db, MqlDefinitions definitions, ContactNormalizer normalizer, TimeProvider clock)
{
    public async Task<CaptureLeadResult> CaptureAsync(CaptureLead command, IReadOnlyList<ScoredAction> actions, CancellationToken cancellationToken)
    {
        var who = Identify(command);
        // A person who asked to be forgotten is not brought back (docs/compliance.md, "Data-subject rights").
        if ((await Privacy.ErasedIdentifiers.AmongAsync(db, [.. who.Hashes], cancellationToken)).Count > 0)
            throw who.Erased();
        // A referral names an existing lead as the referrer (docs/leads.md, "Referrals").
        if (command.Source.ReferredBy is { } referrer && !await db.Leads.AnyAsync(l => l.Id == referrer, cancellationToken))
            throw ValidationFailedException.For("source.referredBy", "No lead has this id: the referrer must be an existing lead (a customer or contact).");
        var (_, definition) = await definitions.CurrentAsync(cancellationToken);
        // One statement for the three identities, each on its own unique index (at most three rows).
        var (email, e164, linkedIn) = (who.Email, who.Phone.E164, who.LinkedIn);
        var candidates = await db.Leads
            .Where(l => (email != null && l.Email == email) || (e164 != null && l.Phone == e164) || (linkedIn != null && l.LinkedInUrl == linkedIn))
            .ToListAsync(cancellationToken);
        var (lead, matchedOn, phoneTaken, linkedInTaken) = Resolve(who, candidates);
        if (lead is not null && command.Source.ReferredBy == lead.Id)
            throw ValidationFailedException.For("source.referredBy", "A person cannot refer themselves: this is the same lead.");
        if (lead is not null) await db.ScoreEntries.Where(e => e.LeadId == lead.Id).LoadAsync(cancellationToken);
        var result = Apply(command, actions, who, lead, matchedOn, phoneTaken, linkedInTaken, definition, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    /// <summary>One capture of a batch: the command, what it scores, and who it is (<see cref="Identify"/>).</summary>
    internal sealed record Pending(CaptureLead Command, IReadOnlyList<ScoredAction> Actions, Identity Who);

    /// <summary>
    /// <see cref="CaptureAsync"/> for many people at once, none of whom shares an email, phone or profile with another of
    /// the batch (the caller keeps those apart): the erased identifiers, the existing leads of every identity and their
    /// score entries are read in one statement each, and everything is saved once. A person who was erased is skipped
    /// (as the one-by-one capture refuses them: its result is null). Referrals are not batched (the caller captures them
    /// one by one). The results are in the order of <paramref name="batch"/>.
    /// </summary>
    public async Task<CaptureLeadResult?[]> CaptureManyAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        if (batch.Any(p => p.Command.Source.ReferredBy is not null))
            throw new InvalidOperationException("Referrals are captured one by one.");
        var results = new CaptureLeadResult?[batch.Count];
        if (batch.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken); // the inbox records, if any
            return results;
        }
        var erased = await Privacy.ErasedIdentifiers.AmongAsync(db, [.. batch.SelectMany(p => p.Who.Hashes).Distinct()], cancellationToken);
        var (_, definition) = await definitions.CurrentAsync(cancellationToken);
        var emails = batch.Select(p => p.Who.Email).OfType<string>().Distinct().ToList();
        var phones = batch.Select(p => p.Who.Phone.E164).OfType<string>().Distinct().ToList();
        var profiles = batch.Select(p => p.Who.LinkedIn).OfType<string>().Distinct().ToList();
        var candidates = await db.Leads
            .Where(l => (l.Email != null && emails.Contains(l.Email)) || (l.Phone != null && phones.Contains(l.Phone))
                || (l.LinkedInUrl != null && profiles.Contains(l.LinkedInUrl)))
            .ToListAsync(cancellationToken);
        if (candidates.Count > 0)
        {
            var ids = candidates.Select(l => l.Id).ToList();
            await db.ScoreEntries.Where(e => ids.Contains(e.LeadId)).LoadAsync(cancellationToken);
        }
        var now = clock.GetUtcNow();
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (pending.Who.Hashes.Any(erased.Contains)) continue;
            var (lead, matchedOn, phoneTaken, linkedInTaken) = Resolve(pending.Who, candidates);
            results[i] = Apply(pending.Command, pending.Actions, pending.Who, lead, matchedOn, phoneTaken, linkedInTaken, definition, now);
        }
        await db.SaveChangesAsync(cancellationToken);
        return results;
    }

    /// <summary>A capture's normalised identities (email, E.164 phone, LinkedIn profile) and their erasure hashes.</summary>
    internal sealed record Identity(string? Email, NormalisedPhone Phone, string? LinkedIn, IReadOnlyList<string> Hashes)
    {
        /// <summary>The keys two captures of one batch must not share.</summary>
        public IEnumerable<string> Keys()
        {
            if (Email is not null) yield return "e:" + Email;
            if (Phone.E164 is not null) yield return "p:" + Phone.E164;
            if (LinkedIn is not null) yield return "l:" + LinkedIn;
        }

        public ValidationFailedException Erased() =>
            ValidationFailedException.For(Email is not null ? "email" : Phone.Valid ? "phone" : "linkedInUrl", Privacy.ErasedIdentifiers.Refusal);
    }

    /// <summary>Normalises who a capture is about; a capture with no way to reach the person is refused.</summary>
    public Identity Identify(CaptureLead command)
    {
        var email = ContactNormalizer.Email(command.Email);
        var phone = normalizer.Phone(command.Phone);
        var linkedIn = LinkedInProfiles.Normalize(command.LinkedInUrl);
        if (email is null && !phone.Valid && linkedIn is null)
            throw ValidationFailedException.For("email", "A lead needs a valid email address, phone number or LinkedIn profile URL.");
        return new Identity(email, phone, linkedIn, [.. Privacy.ErasedIdentifiers.HashesOf(email, phone.E164, linkedIn)]);
    }

    /// <summary>The same person among <paramref name="candidates"/>: exact email first, then phone, then LinkedIn profile.</summary>
    private static (Lead? Lead, List<string> MatchedOn, bool PhoneTaken, bool LinkedInTaken) Resolve(Identity who, List<Lead> candidates)
    {
        var (email, e164, linkedIn) = (who.Email, who.Phone.E164, who.LinkedIn);
        var matchedOn = new List<string>();
        Lead? lead = null;
        if (email is not null)
        {
            lead = candidates.FirstOrDefault(l => l.Email == email);
            if (lead is not null) matchedOn.Add(MatchKey.Email);
        }
        var phoneTaken = false;
        if (e164 is not null)
        {
            var byPhone = candidates.FirstOrDefault(l => l.Phone == e164);
            if (byPhone is not null && (lead is null || byPhone.Id == lead.Id))
            {
                lead ??= byPhone;
                matchedOn.Add(MatchKey.Phone);
            }
            // The number belongs to someone else than the person found by email: it is not taken over.
            phoneTaken = byPhone is not null && byPhone.Id != lead?.Id;
        }
        var linkedInTaken = false;
        if (linkedIn is not null)
        {
            var byProfile = candidates.FirstOrDefault(l => l.LinkedInUrl == linkedIn);
            if (byProfile is not null && (lead is null || byProfile.Id == lead.Id))
            {
                lead ??= byProfile;
                matchedOn.Add(MatchKey.LinkedIn);
            }
            // Like a phone number, a profile already on someone else is not taken over.
            linkedInTaken = byProfile is not null && byProfile.Id != lead?.Id;
        }
        return (lead, matchedOn, phoneTaken, linkedInTaken);
    }

    /// <summary>Creates the lead or merges into the one found; records source, consents and score; announces. Not saved.</summary>
    private CaptureLeadResult Apply(CaptureLead command, IReadOnlyList<ScoredAction> actions, Identity who, Lead? lead, List<string> matchedOn,
        bool phoneTaken, bool linkedInTaken, MqlDefinition definition, DateTimeOffset now)
    {
        var phone = who.Phone;
        var contact = new CapturedContact(who.Email, phone.E164, phone.AsTyped,
            ContactNormalizer.Name(command.FirstName, Limits.Name), ContactNormalizer.Name(command.LastName, Limits.Name),
            ContactNormalizer.Company(command.Company, Limits.Name), ContactNormalizer.Text(command.JobTitle, Limits.Name),
            ContactNormalizer.PostalCode(command.PostalCode), LeadKinds.Normalize(command.Kind), command.Source.Channel, command.Source.CampaignId, who.LinkedIn);
        string? mergeId = null;
        var created = lead is null;
        if (lead is null)
        {
            lead = NewLead(contact, now);
            db.Leads.Add(lead);
        }
        else
        {
            mergeId = Ids.New();
            var filled = Fill(lead, contact with { Phone = phoneTaken ? null : contact.Phone, LinkedInUrl = linkedInTaken ? null : contact.LinkedInUrl });
            db.Merges.Add(new LeadMerge
            {
                Id = mergeId, LeadId = lead.Id, MatchedOn = string.Join(',', matchedOn), FilledFields = filled.Count == 0 ? null : string.Join(',', filled),
                Captured = JsonSerializer.Serialize(contact, MqlDefinitions.Json), Reference = command.Source.Reference, At = now,
            });
        }
        lead.UpdatedAt = now;

        var source = command.Source;
        lead.Sources.Add(new LeadSourceEntry
        {
            LeadId = lead.Id, Channel = source.Channel, CampaignId = source.CampaignId, AssetId = source.AssetId,
            Detail = source.Detail, Reference = source.Reference, At = now, MergeId = mergeId, ReferredBy = source.ReferredBy,
        });
        foreach (var consent in command.Consents ?? [])
            lead.Consents.Add(new LeadConsentEntry
            {
                LeadId = lead.Id, Purpose = consent.Purpose, Granted = consent.Granted, Text = consent.Text, Proof = consent.Proof,
                Channel = consent.Channel ?? ConsentChannel.FromPurpose(consent.Purpose), Kind = contact.Kind, At = now, MergeId = mergeId,
            });
        if (command.CallbackRequested) lead.CallbackRequestedAt ??= now;

        Scorer.Add(lead, actions, definition, mergeId);
        Scorer.Evaluate(db, lead, definition, now);

        var outcome = created ? CaptureOutcome.Created : CaptureOutcome.Merged;
        db.Publish(new LeadCaptured(lead.Id, outcome, lead.Kind, source, now));
        return new CaptureLeadResult(lead.Id, outcome, matchedOn, mergeId, phone.IsEmpty ? null : phone.Valid);
    }

    /// <summary>The actions a capture scores: a form (once per form and window) and the explicit callback choice.</summary>
    public static List<ScoredAction> ActionsOf(CaptureLead command, DateTimeOffset at, string? formKey, string? interest)
    {
        var actions = new List<ScoredAction>();
        if (formKey is not null) actions.Add(new(ScoringRule.FormSubmitted, formKey, at, interest, formKey));
        if (command.CallbackRequested) actions.Add(new(ScoringRule.CallbackRequested, null, at, interest, formKey));
        return actions;
    }

    internal static Lead NewLead(CapturedContact c, DateTimeOffset now) => new()
    {
        Id = Ids.New(), Email = c.Email, Phone = c.Phone, LinkedInUrl = c.LinkedInUrl, PhoneAsTyped = c.Phone is null ? c.PhoneAsTyped : null,
        FirstName = c.FirstName, LastName = c.LastName, Company = c.Company, JobTitle = c.JobTitle, PostalCode = c.PostalCode,
        Kind = c.Kind, Status = LeadStatus.New, Channel = c.Channel, CampaignId = c.CampaignId, CreatedAt = now, UpdatedAt = now,
    };

    /// <summary>Fills what is empty and was not edited by a rep; never overwrites. Returns the fields filled.</summary>
    internal static List<string> Fill(Lead lead, CapturedContact c)
    {
        var filled = new List<string>();
        void Set(string field, string? current, string? value, Action<string> set)
        {
            if (current is not null || value is null || lead.IsEdited(field)) return;
            set(value);
            filled.Add(field);
        }
        Set("email", lead.Email, c.Email, v => lead.Email = v);
        Set("phone", lead.Phone, c.Phone, v => { lead.Phone = v; lead.PhoneAsTyped = null; });
        Set("linkedInUrl", lead.LinkedInUrl, c.LinkedInUrl, v => lead.LinkedInUrl = v);
        if (lead.Phone is null) Set("phoneAsTyped", lead.PhoneAsTyped, c.PhoneAsTyped, v => lead.PhoneAsTyped = v);
        Set("firstName", lead.FirstName, c.FirstName, v => lead.FirstName = v);
        Set("lastName", lead.LastName, c.LastName, v => lead.LastName = v);
        Set("company", lead.Company, c.Company, v => lead.Company = v);
        Set("jobTitle", lead.JobTitle, c.JobTitle, v => lead.JobTitle = v);
        Set("postalCode", lead.PostalCode, c.PostalCode, v => lead.PostalCode = v);
        // Someone reached at work once is a professional; the reverse is not inferred (consumer is the default, not a statement).
        if (c.Kind == LeadKind.Professional && lead.Kind != LeadKind.Professional && !lead.IsEdited("kind"))
        {
            lead.Kind = LeadKind.Professional;
            filled.Add("kind");
        }
        return filled;
    }
}

internal static class LeadKinds
{
    /// <summary>Unknown kind is treated as consumer: French prospecting rules protect consumers more than professionals, so it is the safe default.</summary>
    public static string Normalize(string? kind) => kind == LeadKind.Professional ? LeadKind.Professional : LeadKind.Consumer;
}
