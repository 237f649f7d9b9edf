namespace Tandem.Modules.Shared.Compliance;

/// <summary>Channels the rules know.</summary>
public static class ContactChannels
{
    /// <summary>An email.</summary>
    public const string Email = "email";
    /// <summary>A telephone call (placed or attempted).</summary>
    public const string Call = "call";
    /// <summary>A text message.</summary>
    public const string Sms = "sms";
    /// <summary>A LinkedIn invitation or message.</summary>
    public const string LinkedIn = "linkedin";
    /// <summary>A message on another social network.</summary>
    public const string Social = "social";
}

/// <summary>Why a contact is made; the law treats answering a person's own request differently from prospecting.</summary>
public static class ContactPurposes
{
    /// <summary>Reaching someone who did not ask: cold call, cold email, sequence step.</summary>
    public const string Prospecting = "prospecting";
    /// <summary>Marketing to someone who opted in (newsletter, nurture emails).</summary>
    public const string Nurture = "nurture";
    /// <summary>Answering the person's own request: the guide they asked for, the callback they asked for, a reply to their message.</summary>
    public const string AnswerRequest = "answer-request";
    /// <summary>Service messages within a contract (appointment confirmation, invoice); not marketing.</summary>
    public const string Transactional = "transactional";
}

/// <summary>Consent purposes of the ledger.</summary>
public static class ConsentPurposes
{
    /// <summary>Newsletter and nurture emails.</summary>
    public const string Newsletter = "newsletter";
    /// <summary>Commercial (prospecting) emails.</summary>
    public const string CommercialEmail = "commercial-email";
    /// <summary>The distinct "call me back" choice.</summary>
    public const string PhoneCallback = "phone-callback";
    /// <summary>Telephone prospecting (required for consumers since 11 August 2026).</summary>
    public const string PhoneProspecting = "phone-prospecting";
}

/// <summary>Rule packs: <c>fr</c> (default: GDPR and French prospecting law), <c>eu</c> (GDPR only), <c>none</c>.</summary>
public static class CompliancePacks
{
    /// <summary>GDPR and French prospecting law (code de la consommation).</summary>
    public const string France = "fr";
    /// <summary>GDPR consent and opposition rules only.</summary>
    public const string Eu = "eu";
    /// <summary>No legal rules (suppression lists and LinkedIn's ban on automation still apply).</summary>
    public const string None = "none";
}

/// <summary>The answers of the decision point.</summary>
public static class ComplianceVerdicts
{
    /// <summary>The contact may be made now.</summary>
    public const string Allowed = "allowed";
    /// <summary>Not now: at <see cref="ComplianceDecision.NextAllowedAt"/> (e.g. outside calling hours).</summary>
    public const string Deferred = "deferred";
    /// <summary>Not allowed; until <see cref="ComplianceDecision.NextAllowedAt"/> when the block ends by itself, otherwise until something changes (a consent, a callback request).</summary>
    public const string Blocked = "blocked";
}

/// <summary>A consent event of the ledger: the latest event of a purpose decides.</summary>
public sealed record ConsentState(string Purpose, bool Granted, DateTimeOffset At);

/// <summary>What the rules need to know about a person, gathered from every module.</summary>
public sealed record ContactFacts
{
    /// <summary><c>consumer</c> or <c>professional</c>; anything else counts as consumer (the stricter rules).</summary>
    public string? Kind { get; init; }
    /// <summary>Postal code, for the time zone and holidays.</summary>
    public string? PostalCode { get; init; }
    /// <summary>Phone in E.164, for the time zone when there is no postal code.</summary>
    public string? Phone { get; init; }
    /// <summary>An ongoing contract (won): the energy-renovation ban and the call-consent rule do not apply.</summary>
    public bool IsCustomer { get; init; }
    /// <summary>The consent ledger's events.</summary>
    public IReadOnlyList<ConsentState> Consents { get; init; } = [];
    /// <summary>When the person asked to be called back through the distinct choice, if they did.</summary>
    public DateTimeOffset? CallbackRequestedAt { get; init; }
    /// <summary>Calls and call attempts already made (including those logged after the fact).</summary>
    public IReadOnlyList<DateTimeOffset> CallAttempts { get; init; } = [];
    /// <summary>The last time the person refused during a call.</summary>
    public DateTimeOffset? LastRefusalAt { get; init; }
    /// <summary>Why the person's address or number is on a suppression list, if it is.</summary>
    public string? SuppressedBecause { get; init; }
    /// <summary>Collected indirectly (LinkedIn, event badge, bought or researched list): the first contact must inform them (GDPR art. 14).</summary>
    public bool CollectedIndirectly { get; init; }
    /// <summary>The person was already contacted once (so the art. 14 information was given).</summary>
    public bool ContactedBefore { get; init; }

    /// <summary>True unless the kind says professional.</summary>
    public bool IsConsumer => Kind != "professional";

    /// <summary>Whether the latest event of <paramref name="purpose"/> grants it (null: never asked).</summary>
    public bool? Consent(string purpose)
    {
        ConsentState? latest = null;
        foreach (var c in Consents)
            if (c.Purpose == purpose && (latest is null || c.At >= latest.At)) latest = c;
        return latest?.Granted;
    }
}

/// <summary>The contact being asked about.</summary>
/// <param name="Channel">One of <see cref="ContactChannels"/>.</param>
/// <param name="Purpose">One of <see cref="ContactPurposes"/>.</param>
/// <param name="At">When it would happen.</param>
/// <param name="Automated">Sent by Tandem itself (a sequence step) rather than done by a rep.</param>
public sealed record ContactAttempt(string Channel, string Purpose, DateTimeOffset At, bool Automated = true);

/// <summary>How a deployment applies the rules (<c>Tandem:Compliance:*</c>).</summary>
public sealed record ComplianceSettings
{
    /// <summary><see cref="CompliancePacks"/>; <c>fr</c> by default.</summary>
    public string Pack { get; init; } = CompliancePacks.France;
    /// <summary>The offer sector; <c>energy-renovation</c> switches on the ban of L.223-1 on every channel.</summary>
    public string? OfferSector { get; init; }
    /// <summary>Lets opted-in newsletters reach consumers in the energy-renovation sector (a grey zone: allowed with a warning).</summary>
    public bool AllowOptedInNewsletterInEnergyRenovation { get; init; }
    /// <summary>A callback request older than this is warned about (the administration reads the law strictly: call quickly).</summary>
    public TimeSpan CallbackWarningAfter { get; init; } = TimeSpan.FromHours(48);

    /// <summary>The energy-renovation sector.</summary>
    public const string EnergyRenovation = "energy-renovation";
}

/// <summary>One reason or warning, in the words a rep understands, in English and French.</summary>
public sealed record ComplianceNote(string Rule, string English, string French);

/// <summary>The answer: allowed, deferred until a time, or blocked — with every reason and warning.</summary>
public sealed record ComplianceDecision(string Verdict, DateTimeOffset? NextAllowedAt, IReadOnlyList<ComplianceNote> Reasons, IReadOnlyList<ComplianceNote> Warnings)
{
    /// <summary>True when the contact may be made now.</summary>
    public bool Allowed => Verdict == ComplianceVerdicts.Allowed;
}

/// <summary>
/// The one decision point: may this contact be made at this time, and if not, when and why? Pure (no clock, no
/// database): the caller gathers the facts, so the scheduler, the rep's task list and the API give the same answer for
/// the same moment. The rules and their sources are in docs/compliance.md.
/// </summary>
public static class ContactRules
{
    /// <summary>Since 11 August 2026 (loi 2025-594) every consumer call for prospecting needs prior consent.</summary>
    public static readonly DateTimeOffset ConsumerCallConsentSince = new(2026, 8, 11, 0, 0, 0, TimeSpan.FromHours(2));

    /// <summary>At most this many calls or attempts per consumer per rolling 30 days.</summary>
    public const int MaxCallsPer30Days = 4;

    /// <summary>Decides whether <paramref name="attempt"/> may be made to the person described by <paramref name="facts"/>.</summary>
    public static ComplianceDecision Decide(ContactFacts facts, ContactAttempt attempt, ComplianceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(settings);
        var reasons = new List<ComplianceNote>();
        var warnings = new List<ComplianceNote>();
        var permanent = false;
        DateTimeOffset? until = null;
        void Block(ComplianceNote note) { reasons.Add(note); permanent = true; }
        void BlockUntil(DateTimeOffset end, ComplianceNote note) { reasons.Add(note); if (until is null || end > until) until = end; }

        var channel = attempt.Channel;
        var purpose = attempt.Purpose;
        var answering = purpose is ContactPurposes.AnswerRequest or ContactPurposes.Transactional;

        // Whatever the pack: suppression lists, and LinkedIn's user agreement (no automated invitations or messages).
        if (facts.SuppressedBecause is { } suppressed)
            Block(new("suppressed", $"On a suppression list ({suppressed}): never contact.", $"Sur une liste d'opposition ({suppressed}) : ne jamais contacter."));
        if (channel == ContactChannels.LinkedIn && attempt.Automated)
            Block(new("linkedin-manual-only", "LinkedIn forbids automated invitations and messages: make it a task for a rep.",
                "LinkedIn interdit les invitations et messages automatisés : à faire par un commercial."));

        if (settings.Pack != CompliancePacks.None)
        {
            if (channel == ContactChannels.Email && !answering) CheckEmailConsent(facts, purpose, reasons, Block);
            if (settings.Pack == CompliancePacks.France) CheckFrance(facts, attempt, settings, answering, Block, BlockUntil, warnings);
        }

        if (facts.CollectedIndirectly && !facts.ContactedBefore)
            warnings.Add(new("inform-indirect-collection",
                "Collected indirectly (LinkedIn, event, list): tell the person at this first contact where their data comes from (GDPR art. 14).",
                "Données collectées indirectement : informer la personne de leur origine dès ce premier contact (RGPD art. 14)."));

        if (permanent) return new(ComplianceVerdicts.Blocked, null, reasons, warnings);
        var locality = ContactLocality.Of(facts.PostalCode, facts.Phone);
        var hoursApply = settings.Pack == CompliancePacks.France && channel == ContactChannels.Call && facts.IsConsumer
            && purpose != ContactPurposes.Transactional;
        if (until is { } end)
            return new(ComplianceVerdicts.Blocked, hoursApply ? NextCallingSlot(end, locality) : end, reasons, warnings);
        if (hoursApply)
        {
            var slot = NextCallingSlot(attempt.At, locality);
            if (slot > attempt.At)
            {
                var local = TimeZoneInfo.ConvertTime(slot, locality.TimeZone);
                reasons.Add(new("calling-hours",
                    $"Consumer calls are allowed Mon–Fri 10:00–13:00 and 14:00–20:00, not on public holidays; next slot {local:dddd d MMMM HH:mm} ({locality.TimeZoneId}).",
                    $"Appels aux particuliers du lundi au vendredi 10h–13h et 14h–20h, hors jours fériés ; prochain créneau le {local.ToString("dddd d MMMM HH:mm", French)} ({locality.TimeZoneId})."));
                return new(ComplianceVerdicts.Deferred, slot, reasons, warnings);
            }
        }
        return new(ComplianceVerdicts.Allowed, null, reasons, warnings);
    }

    private static readonly System.Globalization.CultureInfo French = System.Globalization.CultureInfo.GetCultureInfo("fr-FR");

    private static void CheckEmailConsent(ContactFacts facts, string purpose, List<ComplianceNote> reasons, Action<ComplianceNote> block)
    {
        var commercial = facts.Consent(ConsentPurposes.CommercialEmail);
        if (!facts.IsConsumer)
        {
            if (commercial == false)
                block(new("email-opted-out", "This professional opted out of commercial emails.", "Ce professionnel s'est opposé aux emails commerciaux."));
            return;
        }
        var optedIn = purpose == ContactPurposes.Nurture
            ? commercial == true || facts.Consent(ConsentPurposes.Newsletter) == true
            : commercial == true;
        // An existing customer may get emails about similar products until they object.
        if (optedIn || (facts.IsCustomer && commercial != false)) return;
        block(new("email-consumer-opt-in", "Emails to consumers need their prior opt-in for this purpose.",
            "Les emails aux particuliers nécessitent leur consentement préalable pour cette finalité."));
    }

    private static void CheckFrance(ContactFacts facts, ContactAttempt attempt, ComplianceSettings settings, bool answering,
        Action<ComplianceNote> block, Action<DateTimeOffset, ComplianceNote> blockUntil, List<ComplianceNote> warnings)
    {
        if (!facts.IsConsumer) return;
        var channel = attempt.Channel;
        var asked = facts.CallbackRequestedAt is not null && facts.Consent(ConsentPurposes.PhoneCallback) != false;

        if (facts.LastRefusalAt is { } refused && attempt.At < refused.AddDays(60) && attempt.Purpose != ContactPurposes.Transactional)
            blockUntil(refused.AddDays(60), new("refusal-60-days", $"The person refused on {refused:yyyy-MM-dd}: no new contact for 60 days.",
                $"La personne a refusé le {refused:dd/MM/yyyy} : aucun nouveau contact pendant 60 jours."));

        if (settings.OfferSector == ComplianceSettings.EnergyRenovation && !facts.IsCustomer)
        {
            switch (channel)
            {
                case ContactChannels.Call when !asked:
                    block(new("energy-renovation-call", "Energy-renovation offers: calling a consumer is forbidden unless they asked to be called back (L.223-1).",
                        "Rénovation énergétique : appeler un particulier est interdit sauf s'il a demandé à être rappelé (L.223-1)."));
                    break;
                case ContactChannels.Email when !answering:
                    if (attempt.Purpose == ContactPurposes.Nurture && settings.AllowOptedInNewsletterInEnergyRenovation
                        && facts.Consent(ConsentPurposes.Newsletter) == true)
                        warnings.Add(new("energy-renovation-newsletter", "Opted-in newsletter to a consumer in energy renovation: allowed by your settings, a legal grey zone.",
                            "Newsletter à un particulier consentant en rénovation énergétique : autorisée par vos réglages, zone grise juridique."));
                    else
                        block(new("energy-renovation-email", "Energy-renovation offers: prospecting emails to consumers are forbidden, even with a newsletter opt-in (loi 2025-594).",
                            "Rénovation énergétique : la prospection par email des particuliers est interdite, même avec un consentement newsletter (loi 2025-594)."));
                    break;
                case ContactChannels.Sms or ContactChannels.Social or ContactChannels.LinkedIn when !answering:
                    block(new("energy-renovation-messages", "Energy-renovation offers: text and social messages to consumers are forbidden (loi 2025-594).",
                        "Rénovation énergétique : SMS et messages sur les réseaux sociaux aux particuliers interdits (loi 2025-594)."));
                    break;
            }
        }

        if (channel != ContactChannels.Call) return;
        if (asked && facts.CallbackRequestedAt is { } requested && attempt.At - requested > settings.CallbackWarningAfter)
            warnings.Add(new("callback-stale", $"The callback request is {(int)(attempt.At - requested).TotalHours} hours old: call quickly, or it may read as prospecting.",
                $"La demande de rappel date de {(int)(attempt.At - requested).TotalHours} heures : rappeler vite, sinon l'appel peut être vu comme de la prospection."));
        if (!asked && !answering && !facts.IsCustomer && attempt.At >= ConsumerCallConsentSince
            && facts.Consent(ConsentPurposes.PhoneProspecting) != true)
            block(new("consumer-call-consent", "Calling a consumer for prospecting needs their prior consent since 11 August 2026 (loi 2025-594).",
                "Depuis le 11 août 2026, appeler un particulier pour de la prospection nécessite son consentement préalable (loi 2025-594)."));

        if (attempt.Purpose != ContactPurposes.Transactional)
        {
            var window = facts.CallAttempts.Where(a => a > attempt.At.AddDays(-30) && a <= attempt.At).OrderByDescending(a => a).ToList();
            if (window.Count >= MaxCallsPer30Days)
            {
                var agesOut = window[MaxCallsPer30Days - 1].AddDays(30);
                blockUntil(agesOut, new("calls-per-30-days", $"Already {window.Count} calls or attempts in 30 days (at most {MaxCallsPer30Days}).",
                    $"Déjà {window.Count} appels ou tentatives en 30 jours (au plus {MaxCallsPer30Days})."));
            }
        }
    }

    /// <summary>
    /// The first moment at or after <paramref name="from"/> inside consumer calling hours where the person lives:
    /// Monday–Friday, 10:00–13:00 and 14:00–20:00 local time, never on a public holiday (art. D.223-9).
    /// </summary>
    public static DateTimeOffset NextCallingSlot(DateTimeOffset from, ContactLocality locality)
    {
        ArgumentNullException.ThrowIfNull(locality);
        var zone = locality.TimeZone;
        var local = TimeZoneInfo.ConvertTime(from, zone);
        for (var day = 0; day < 30; day++)
        {
            var date = DateOnly.FromDateTime(local.DateTime).AddDays(day);
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || FrenchCalendar.IsPublicHoliday(date, locality.Region)) continue;
            foreach (var (start, end) in new[] { (new TimeOnly(10, 0), new TimeOnly(13, 0)), (new TimeOnly(14, 0), new TimeOnly(20, 0)) })
            {
                var opens = At(date, start, zone);
                var closes = At(date, end, zone);
                if (from < opens) return opens;
                if (from < closes) return from;
            }
        }
        throw new InvalidOperationException("No calling slot within 30 days.");
    }

    private static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var wall = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }
}

/// <summary>Caller IDs for telemarketing must be in the ARCEP ranges (decision 2022-1583); mobile numbers are not allowed.</summary>
public static class CallerIds
{
    /// <summary>The national prefixes (0 + 3 digits) reserved for telemarketing.</summary>
    public static readonly IReadOnlyList<string> TelemarketingPrefixes =
        ["0162", "0163", "0270", "0271", "0377", "0378", "0424", "0425", "0568", "0569", "0948", "0949"];

    /// <summary>Null when <paramref name="number"/> (national 0XXXXXXXXX or +33 E.164) is a valid telemarketing caller ID; otherwise why not.</summary>
    public static string? Problem(string? number)
    {
        var digits = new string((number ?? "").Where(c => char.IsAsciiDigit(c) || c == '+').ToArray());
        if (digits.StartsWith("+33", StringComparison.Ordinal)) digits = "0" + digits[3..];
        if (digits.Length != 10 || !digits.All(char.IsAsciiDigit) || digits[0] != '0')
            return "The caller ID must be a French number (0XXXXXXXXX or +33XXXXXXXXX).";
        if (digits[1] is '6' or '7') return "Mobile numbers (06, 07) cannot be used as caller ID for telemarketing.";
        return TelemarketingPrefixes.Any(p => digits.StartsWith(p, StringComparison.Ordinal))
            ? null
            : $"Caller IDs for telemarketing must start with one of {string.Join(", ", TelemarketingPrefixes)} (ARCEP).";
    }
}
