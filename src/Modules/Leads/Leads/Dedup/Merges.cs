using System.Security.Claims;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Capture;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Normalisation;
using Tandem.Modules.Leads.Scoring;
using Tandem.Modules.Leads.Search;
using Tandem.Modules.Shared.Errors;

namespace Tandem.Modules.Leads.Dedup;

/// <summary>The merge to undo.</summary>
internal sealed record UnmergeBody(string? MergeId);

/// <summary>A rep's edit of a lead: only the fields present change.</summary>
internal sealed record LeadEdit(string? FirstName, string? LastName, string? Company, string? JobTitle, string? PostalCode, string? Email, string? Phone, string? Kind);

internal static class DedupEndpoints
{
    public static void MapDedup(this IEndpointRouteBuilder api)
    {
        api.MapPost("/{id}/unmerge", async (string id, UnmergeBody body, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new UnmergeLead(id, body.MergeId!, Callers.Of(user)), ct)))
            .WithName("UnmergeLead").WithSummary("Undo a recorded merge: the fields it filled are emptied, its touches move to a re-created lead");
        api.MapGet("/{id}/duplicates", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new FindLikelyDuplicates(id), ct)))
            .WithName("FindLikelyDuplicates").WithSummary("Leads that are probably the same person (similar name and same company or postal code): proposed, not merged");
        api.MapPatch("/{id}", async (string id, LeadEdit edit, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new UpdateLead(id, edit.FirstName, edit.LastName, edit.Company, edit.JobTitle, edit.PostalCode,
                    edit.Email, edit.Phone, edit.Kind, Callers.Of(user)), ct)))
            .WithName("UpdateLead").WithSummary("A rep edits a lead; each field given is marked as edited and never overwritten by a merge");
    }
}

internal sealed class UnmergeLeadValidator : IValidator<UnmergeLead>
{
    public void Validate(UnmergeLead m, ValidationErrors errors) => errors.Required("mergeId", m.MergeId).SingleLine("mergeId", m.MergeId, Limits.Id);
}

internal sealed class UnmergeLeadHandler(LeadsDbContext db, MqlDefinitions definitions, TimeProvider clock) : ICommandHandler<UnmergeLead, UnmergeResult>
{
    public async ValueTask<UnmergeResult> Handle(UnmergeLead command, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == command.Id, cancellationToken) ?? throw new NotFoundException("Lead", command.Id);
        var merge = await db.Merges.FirstOrDefaultAsync(m => m.Id == command.MergeId && m.LeadId == command.Id, cancellationToken)
            ?? throw ValidationFailedException.For("mergeId", $"Lead '{command.Id}' has no merge '{command.MergeId}'.");
        if (merge.UndoneAt is not null) throw new ConflictException("This merge is already undone.", $"Re-created as lead '{merge.RecreatedLeadId}'.");
        var now = clock.GetUtcNow();
        var captured = JsonSerializer.Deserialize<CapturedContact>(merge.Captured, MqlDefinitions.Json)!;

        // The fields the merge filled go back to empty, unless a rep edited them since.
        foreach (var field in (merge.FilledFields ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (lead.IsEdited(field)) continue;
            switch (field)
            {
                case "email": lead.Email = null; break;
                case "phone": lead.Phone = null; break;
                case "phoneAsTyped": lead.PhoneAsTyped = null; break;
                case "linkedInUrl": lead.LinkedInUrl = null; break;
                case "firstName": lead.FirstName = null; break;
                case "lastName": lead.LastName = null; break;
                case "company": lead.Company = null; break;
                case "jobTitle": lead.JobTitle = null; break;
                case "postalCode": lead.PostalCode = null; break;
                case "kind": lead.Kind = LeadKind.Consumer; break;
            }
        }
        // The re-created lead gets what the capture carried, except the key it matched on, which stays with this lead.
        var recreated = LeadCapture.NewLead(captured with
        {
            Email = captured.Email == lead.Email ? null : captured.Email,
            Phone = captured.Phone == lead.Phone ? null : captured.Phone,
            LinkedInUrl = captured.LinkedInUrl == lead.LinkedInUrl ? null : captured.LinkedInUrl,
        }, merge.At);
        if (recreated.Email is null && recreated.Phone is null && recreated.PhoneAsTyped is null && recreated.LinkedInUrl is null) recreated.PhoneAsTyped = captured.Phone;
        recreated.UpdatedAt = now;
        db.Leads.Add(recreated);
        merge.UndoneAt = now;
        merge.UndoneBy = Callers.Describe(command.Caller);
        merge.RecreatedLeadId = recreated.Id;
        lead.UpdatedAt = now;
        // Save the new lead first (the touches point to it), then move the touches and re-score both, in one write.
        await db.SaveChangesAsync(cancellationToken);
        await db.WriteAsync(async ct =>
        {
            await db.Sources.Where(s => s.MergeId == merge.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LeadId, recreated.Id), ct);
            await db.Consents.Where(s => s.MergeId == merge.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LeadId, recreated.Id), ct);
            return await db.ScoreEntries.Where(s => s.MergeId == merge.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LeadId, recreated.Id), ct);
        }, cancellationToken);
        var (_, definition) = await definitions.CurrentAsync(cancellationToken);
        foreach (var scored in new[] { lead, recreated })
        {
            scored.ScoreEntries.Clear();
            await db.ScoreEntries.Where(e => e.LeadId == scored.Id).LoadAsync(cancellationToken);
            var score = ScoreCard.Evaluate(scored.ScoreEntries, definition, now);
            scored.Score = score.Value;
            scored.JourneyStage = ScoreCard.StageOf(score.Value, definition);
            // Only a lead whose own captures chose "call me back" keeps being described as asking for a call.
            scored.CallbackRequestedAt = scored.ScoreEntries.Where(e => e.Rule == ScoringRule.CallbackRequested).Select(e => (DateTimeOffset?)e.At).Min();
        }
        await db.SaveChangesAsync(cancellationToken);
        return new UnmergeResult(lead.Id, recreated.Id);
    }
}

internal sealed class UpdateLeadValidator : IValidator<UpdateLead>
{
    public void Validate(UpdateLead m, ValidationErrors errors)
    {
        if (m.Email is { Length: > 0 } && ContactNormalizer.Email(m.Email) is null) errors.Add("email", "Not a valid email address.");
        if (m.Phone is { Length: > 0 } && !ContactNormalizer.LooksLikePhone(m.Phone)) errors.Add("phone", "Not a phone number.");
        errors.OneOf("kind", m.Kind, LeadKind.All.ToArray())
            .SingleLine("email", m.Email, Limits.Email).SingleLine("phone", m.Phone, Limits.Phone)
            .SingleLine("firstName", m.FirstName, Limits.Name).SingleLine("lastName", m.LastName, Limits.Name)
            .SingleLine("company", m.Company, Limits.Name).SingleLine("jobTitle", m.JobTitle, Limits.Name)
            .SingleLine("postalCode", m.PostalCode, Limits.PostalCode);
    }
}

internal sealed class UpdateLeadHandler(LeadsDbContext db, ContactNormalizer normalizer, TimeProvider clock, ISender sender) : ICommandHandler<UpdateLead, LeadDetails>
{
    public async ValueTask<LeadDetails> Handle(UpdateLead command, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == command.Id, cancellationToken) ?? throw new NotFoundException("Lead", command.Id);
        void Edit(string field, string? value, Action<string?> set)
        {
            if (value is null) return;
            set(value.Length == 0 ? null : value);
            lead.MarkEdited(field);
        }
        Edit("firstName", command.FirstName, v => lead.FirstName = ContactNormalizer.Name(v));
        Edit("lastName", command.LastName, v => lead.LastName = ContactNormalizer.Name(v));
        Edit("company", command.Company, v => lead.Company = ContactNormalizer.Company(v));
        Edit("jobTitle", command.JobTitle, v => lead.JobTitle = ContactNormalizer.Text(v));
        Edit("postalCode", command.PostalCode, v => lead.PostalCode = ContactNormalizer.PostalCode(v));
        Edit("kind", command.Kind, v => lead.Kind = LeadKinds.Normalize(v));
        if (command.Email is not null)
        {
            var email = ContactNormalizer.Email(command.Email);
            if (email is not null && await db.Leads.AnyAsync(l => l.Email == email && l.Id != lead.Id, cancellationToken))
                throw new ConflictException("Another lead has this email address.", "Merge them instead of editing one into the other.");
            Edit("email", command.Email, _ => lead.Email = email);
        }
        if (command.Phone is not null)
        {
            var phone = normalizer.Phone(command.Phone);
            if (phone.E164 is { } e164 && await db.Leads.AnyAsync(l => l.Phone == e164 && l.Id != lead.Id, cancellationToken))
                throw new ConflictException("Another lead has this phone number.", "Merge them instead of editing one into the other.");
            Edit("phone", command.Phone, _ => { lead.Phone = phone.E164; lead.PhoneAsTyped = phone.E164 is null ? phone.AsTyped : null; });
        }
        if (lead.Email is null && lead.Phone is null && lead.PhoneAsTyped is null)
            throw ValidationFailedException.For("email", "A lead keeps an email address or a phone number.");
        lead.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return await sender.Send(new GetLead(lead.Id), cancellationToken);
    }
}

internal sealed class FindLikelyDuplicatesHandler(LeadsDbContext db) : IQueryHandler<FindLikelyDuplicates, LikelyDuplicates>
{
    private const int Candidates = 500;

    public async ValueTask<LikelyDuplicates> Handle(FindLikelyDuplicates query, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == query.Id, cancellationToken) ?? throw new NotFoundException("Lead", query.Id);
        if (lead.LastName is null && lead.FirstName is null) return new LikelyDuplicates([]);
        // Indexed lookups: same company key or same postal code, then names compared in memory.
        var candidates = await db.Leads.AsNoTracking()
            .Where(l => l.Id != lead.Id && ((lead.CompanyKey != null && l.CompanyKey == lead.CompanyKey) || (lead.PostalCode != null && l.PostalCode == lead.PostalCode)))
            .Take(Candidates).ToListAsync(cancellationToken);
        var items = new List<LikelyDuplicate>();
        foreach (var other in candidates)
        {
            if (!NameSimilarity.Similar(lead, other)) continue;
            var reasons = new List<string> { "similar-name" };
            if (lead.CompanyKey is not null && other.CompanyKey == lead.CompanyKey) reasons.Add("same-company");
            if (lead.PostalCode is not null && other.PostalCode == lead.PostalCode) reasons.Add("same-postal-code");
            items.Add(new LikelyDuplicate(other.Id, other.FirstName, other.LastName, other.Company, other.PostalCode, reasons));
        }
        return new LikelyDuplicates(items);
    }
}

/// <summary>Two names are similar when their folded last names are within one edit per five letters and first names agree (or one is missing or an initial).</summary>
internal static class NameSimilarity
{
    public static bool Similar(Lead a, Lead b)
    {
        if (a.LastName is null || b.LastName is null) return false;
        var lastA = LeadSearch.Fold(a.LastName);
        var lastB = LeadSearch.Fold(b.LastName);
        if (Distance(lastA, lastB) > Math.Max(1, Math.Min(lastA.Length, lastB.Length) / 5)) return false;
        if (a.FirstName is null || b.FirstName is null) return true;
        var firstA = LeadSearch.Fold(a.FirstName);
        var firstB = LeadSearch.Fold(b.FirstName);
        return firstA[0] == firstB[0] && (firstA.Length == 1 || firstB.Length == 1 || Distance(firstA, firstB) <= Math.Max(1, Math.Min(firstA.Length, firstB.Length) / 5));
    }

    public static int Distance(string s, string t)
    {
        var previous = new int[t.Length + 1];
        var current = new int[t.Length + 1];
        for (var j = 0; j <= t.Length; j++) previous[j] = j;
        for (var i = 1; i <= s.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= t.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (s[i - 1] == t[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[t.Length];
    }
}
