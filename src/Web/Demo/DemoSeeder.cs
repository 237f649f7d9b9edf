using System.Globalization;
using Mediator;
using Tandem.Modules.Content.Contracts;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Contracts;
using Tandem.Modules.Prospects.Contracts;

namespace Tandem.Web.Demo;

/// <summary>What <see cref="DemoSeeder"/> created.</summary>
public sealed record DemoSeeded(
    string CampaignId, string AssetId, string FormId, string LandingPageUrl, int Submissions, int Leads, int Engagements, int Prospects,
    int Calls, int Meetings, int Won);

/// <summary>
/// Seeds the reference scenario — a solar installer's guide, its landing page and form, an ICP, two personas, a sequence, a few
/// hundred leads with submissions, scores, prospects and activities over the last 90 days — through the module Contracts
/// only (the same Mediator messages as the HTTP API), so a newcomer sees a living dashboard at once.
/// </summary>
/// <remarks>
/// The Contracts date submissions and captures "now" (the module's clock); the spread over 90 days is carried by what they
/// let a caller date: engagements (<c>At</c>) and activities (<c>OccurredAt</c>). The data is deterministic (a fixed seed).
/// </remarks>
public sealed class DemoSeeder(ISender sender, TimeProvider clock)
{
    private static readonly string[] FirstNames = ["Camille", "Louis", "Chloé", "Hugo", "Léa", "Lucas", "Manon", "Jules", "Inès", "Arthur", "Emma", "Théo"];
    private static readonly string[] LastNames = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent"];
    private static readonly string[] Companies = ["Soleil d'Oc", "Hélio Provence", "PV Atlantique", "Toits Solaires 33", "Énergie Rhône", "Lumen Bretagne"];
    private static readonly string[] Titles = ["Gérant", "Directeur technique", "Responsable travaux", "Chargé d'affaires", "Dirigeant", "Conducteur de travaux"];
    private static readonly string[] CallOutcomes =
        [TaskOutcomes.NoAnswer, TaskOutcomes.Connected, TaskOutcomes.Voicemail, TaskOutcomes.MeetingBooked, TaskOutcomes.NotInterested, TaskOutcomes.NoAnswer];

    /// <summary>True when any module already holds data the demo would mix with (leads, ICPs, personas).</summary>
    public async Task<bool> HasDataAsync(CancellationToken ct) =>
        (await sender.Send(new ListLeads(null, null, null, null, 1, 1), ct)).Total > 0
        || (await sender.Send(new ListIcps(), ct)).Count > 0
        || (await sender.Send(new ListPersonas(), ct)).Count > 0;

    /// <summary>Seeds <paramref name="leads"/> visitors' submissions and what follows them.</summary>
    public async Task<DemoSeeded> SeedAsync(int leads, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leads, 1);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var random = new Random(2026);

        var campaign = await sender.Send(new CreateCampaign("Guide de l'installateur solaire", "content", new Money(1500m, "EUR"), today.AddDays(-90), null), ct);
        var asset = await sender.Send(new CreateAsset("Le guide de l'installateur solaire", "guide", "awareness", "https://example.com/guide-installateur-solaire.pdf"), ct);
        var form = await sender.Send(new CreateForm("Guide solaire", asset.Id, campaign.Id,
            [
                new FormFieldSpec("email", "E-mail", "email", true),
                new FormFieldSpec("firstName", "Prénom", "text", false),
                new FormFieldSpec("lastName", "Nom", "text", false),
                new FormFieldSpec("company", "Société", "text", false),
                new FormFieldSpec("jobTitle", "Fonction", "text", false),
                new FormFieldSpec("phone", "Téléphone", "tel", false),
            ],
            [new FormConsentSpec("commercial-email", "J'accepte de recevoir des conseils et offres par e-mail de la part de Tandem Solaire.", false)],
            OffersCallback: true), ct);
        var page = await sender.Send(new CreateLandingPage("guide-installateur-solaire", "Le guide de l'installateur solaire",
            "# Installez plus, vendez mieux\n\nNotre guide gratuit : dimensionnement, aides 2026, raccordement et **les 10 erreurs qui coûtent un chantier**.",
            form.Id, campaign.Id, "fr"), ct);

        await sender.Send(new DefineIcp("Installateurs solaires", [new IcpCriterion("kind", "in", ["professional"], 100)], 60), ct);
        await sender.Send(new DefinePersona("Dirigeant", ["gérant", "dirigeant", "directeur", "owner", "ceo"], ["executive"], "direction",
            "Présentez-vous, rappelez le guide téléchargé, proposez 20 minutes pour chiffrer leur prochain chantier."), ct);
        await sender.Send(new DefinePersona("Responsable technique", ["technique", "travaux", "chargé d'affaires"], ["manager"], "operations",
            "Parlez du dimensionnement et du raccordement ; proposez une démonstration de l'outil d'étude."), ct);
        await sender.Send(new DefineSequence("Relance du guide solaire",
            [
                new SequenceStepDefinition("email", 0, "Votre guide de l'installateur solaire", "Bonjour,\n\nMerci d'avoir téléchargé notre guide. Une question sur votre prochain chantier ?"),
                new SequenceStepDefinition("call", 2, Instructions: "Appeler : le guide a-t-il aidé ? Proposer un rendez-vous."),
            ]), ct);

        // Visitors submit the form: each becomes a lead (created by Leads from the submission) with its score.
        var submissions = new List<(string SubmissionId, string? LeadId, bool Professional)>(leads);
        for (var i = 0; i < leads; i++)
        {
            var professional = i % 10 < 7;
            var values = new Dictionary<string, string>
            {
                ["email"] = string.Create(CultureInfo.InvariantCulture, $"demo.{i:D4}@example.com"),
                ["firstName"] = FirstNames[i % FirstNames.Length],
                ["lastName"] = LastNames[i / FirstNames.Length % LastNames.Length],
                ["phone"] = string.Create(CultureInfo.InvariantCulture, $"06 12 {i / 10000 % 100:D2} {i / 100 % 100:D2} {i % 100:D2}"),
                ["kind"] = professional ? "professional" : "consumer",
            };
            if (professional)
            {
                values["company"] = Companies[i % Companies.Length];
                values["jobTitle"] = Titles[i % Titles.Length];
            }
            if (i % 5 < 3) values["consent.commercial-email"] = "on";
            if (i % 4 == 0) values["callback"] = "on";
            var submitted = await sender.Send(new SubmitForm(form.Id, values, null, "tandem-demo"), ct);
            submissions.Add((submitted.SubmissionId, submitted.LeadId, professional));
        }

        var leadIds = new List<(string LeadId, bool Professional)>(leads);
        foreach (var (submissionId, leadId, professional) in submissions)
            leadIds.Add((leadId ?? await WaitForLeadAsync(submissionId, ct), professional));

        // Engagement reported over the period (clicks and replies to emails), dated within the last 90 days.
        var engagements = 0;
        for (var i = 0; i < leadIds.Count; i++)
        {
            var at = now.AddDays(-random.Next(0, 90)).AddMinutes(-random.Next(0, 600));
            if (i % 5 < 2)
            {
                await sender.Send(new RecordLeadEngagement(leadIds[i].LeadId, EngagementKind.EmailClicked, $"demo-click-{i}", at), ct);
                engagements++;
            }
            if (i % 7 == 0)
            {
                await sender.Send(new RecordLeadEngagement(leadIds[i].LeadId, EngagementKind.EmailReplied, $"demo-reply-{i}", at.AddHours(2)), ct);
                engagements++;
            }
        }

        // Professionals become prospects (MQLs on their own, others qualified by hand); reps call them over the period.
        var prospects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (leadId, professional) in leadIds.Where(l => l.Professional))
            prospects.Add((await sender.Send(new QualifyLead(leadId), ct)).ProspectId);

        int calls = 0, meetings = 0, won = 0, n = 0;
        foreach (var prospectId in prospects.Order(StringComparer.Ordinal))
        {
            n++;
            var attempts = 1 + random.Next(0, 3);
            for (var a = 0; a < attempts; a++)
            {
                var outcome = CallOutcomes[random.Next(CallOutcomes.Length)];
                var at = now.AddDays(-random.Next(0, 90)).AddMinutes(-random.Next(0, 600));
                await sender.Send(new LogActivity(prospectId, null, "call", outcome, at, "Appel de démonstration.", 60 + random.Next(0, 600)), ct);
                calls++;
                if (outcome == TaskOutcomes.MeetingBooked)
                {
                    meetings++;
                    break;
                }
            }
            if (n % 9 == 0)
            {
                await sender.Send(new RecordProspectOutcome(prospectId, ProspectOutcomes.Won, "Chantier signé (démonstration)."), ct);
                won++;
            }
        }

        return new DemoSeeded(campaign.Id, asset.Id, form.Id, page.Url, submissions.Count, leadIds.Select(l => l.LeadId).Distinct(StringComparer.Ordinal).Count(),
            engagements, prospects.Count, calls, meetings, won);
    }

    /// <summary>A submission's lead, when Leads captures it after the request (through the outbox): polled with a deadline.</summary>
    private async Task<string> WaitForLeadAsync(string submissionId, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow().AddSeconds(60);
        while (true)
        {
            if (await sender.Send(new FindLeadBySource(submissionId), ct) is { } leadId) return leadId;
            if (clock.GetUtcNow() > deadline) throw new TimeoutException($"No lead was captured from submission {submissionId} within 60 s.");
            await Task.Delay(100, ct);
        }
    }
}
