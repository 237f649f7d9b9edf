using Tandem.Modules.Shared.Compliance;

namespace Tandem.Compliance.Tests;

/// <summary>Every rule at its boundaries, with fixed instants (the rules take the time as input: no clock to fake).</summary>
public sealed class ContactRulesTests
{
    private static readonly ComplianceSettings France = new();
    private static readonly ComplianceSettings Energy = new() { OfferSector = ComplianceSettings.EnergyRenovation };

    /// <summary>Paris wall time on a date (CET/CEST resolved by the tz database).</summary>
    private static DateTimeOffset Paris(string local)
    {
        var wall = DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    private static readonly ConsentState CallConsent = new(ConsentPurposes.PhoneProspecting, true, Paris("2026-09-01 09:00"));

    private static ContactFacts Consumer(params ConsentState[] consents) => new() { Kind = "consumer", PostalCode = "69003", Consents = consents };

    private static ComplianceDecision Call(ContactFacts facts, string at, ComplianceSettings? settings = null, string purpose = ContactPurposes.Prospecting) =>
        ContactRules.Decide(facts, new ContactAttempt(ContactChannels.Call, purpose, Paris(at)), settings ?? France);

    [Theory]
    // Tuesday 6 October 2026.
    [InlineData("2026-10-06 09:59", "deferred", "2026-10-06 10:00")]
    [InlineData("2026-10-06 10:00", "allowed", null)]
    [InlineData("2026-10-06 12:59", "allowed", null)]
    [InlineData("2026-10-06 13:00", "deferred", "2026-10-06 14:00")]
    [InlineData("2026-10-06 19:59", "allowed", null)]
    [InlineData("2026-10-06 20:00", "deferred", "2026-10-07 10:00")]
    // Friday evening → Monday morning.
    [InlineData("2026-10-09 20:00", "deferred", "2026-10-12 10:00")]
    [InlineData("2026-10-10 11:00", "deferred", "2026-10-12 10:00")]
    // Christmas (Friday 25 December 2026) → Monday 28.
    [InlineData("2026-12-25 11:00", "deferred", "2026-12-28 10:00")]
    // Easter Monday 2027 (29 March) → Tuesday 30; Ascension 2027 (Thursday 6 May) → Friday 7.
    [InlineData("2027-03-29 11:00", "deferred", "2027-03-30 10:00")]
    [InlineData("2027-05-06 15:00", "deferred", "2027-05-07 10:00")]
    public void Consumer_calls_only_in_the_legal_hours(string at, string verdict, string? next)
    {
        var decision = Call(Consumer(CallConsent), at);
        Assert.Equal(verdict, decision.Verdict);
        Assert.Equal(next is null ? null : Paris(next), decision.NextAllowedAt);
        if (verdict == "deferred") Assert.Contains(decision.Reasons, r => r.Rule == "calling-hours");
    }

    [Fact]
    public void Hours_are_the_consumers_own_time_zone()
    {
        // 15:00 in Paris is 10:00 in Martinique (UTC-4, CEST UTC+2 in October): allowed there at 10:00 local.
        var martinique = Consumer(CallConsent) with { PostalCode = "97200" };
        Assert.Equal("deferred", Call(martinique, "2026-10-06 15:59").Verdict);
        Assert.Equal("allowed", Call(martinique, "2026-10-06 16:00").Verdict);
    }

    [Fact]
    public void Professionals_are_outside_the_consumer_call_rules() =>
        Assert.Equal("allowed", Call(new ContactFacts { Kind = "professional" }, "2026-10-10 22:00").Verdict);

    [Fact]
    public void The_fifth_attempt_in_30_days_is_blocked_until_the_oldest_ages_out()
    {
        DateTimeOffset[] attempts = [Paris("2026-10-01 10:30"), Paris("2026-10-05 11:00"), Paris("2026-10-08 15:00"), Paris("2026-10-12 16:00")];
        var facts = Consumer(CallConsent) with { CallAttempts = attempts };
        var fifth = Call(facts, "2026-10-20 11:00");
        Assert.Equal("blocked", fifth.Verdict);
        Assert.Contains(fifth.Reasons, r => r.Rule == "calls-per-30-days");
        // 1 October 10:30 + 30 days = Saturday 31 October 10:30 → the next calling slot is Monday 2 November 10:00.
        Assert.Equal(Paris("2026-11-02 10:00"), fifth.NextAllowedAt);
        Assert.Equal("allowed", Call(facts, "2026-11-02 10:00").Verdict);
        // Three attempts only: the fourth is allowed.
        Assert.Equal("allowed", Call(facts with { CallAttempts = attempts[1..] }, "2026-10-20 11:00").Verdict);
    }

    [Fact]
    public void A_refusal_blocks_every_contact_for_60_days()
    {
        var facts = Consumer(CallConsent, new ConsentState(ConsentPurposes.CommercialEmail, true, Paris("2026-09-01 09:00")))
            with { LastRefusalAt = Paris("2026-10-06 11:00") };
        var call = Call(facts, "2026-12-04 11:00");
        Assert.Equal("blocked", call.Verdict);
        Assert.Contains(call.Reasons, r => r.Rule == "refusal-60-days");
        Assert.Equal(Paris("2026-12-07 10:00"), call.NextAllowedAt);   // day 60 is Saturday 5 December
        var email = ContactRules.Decide(facts, new(ContactChannels.Email, ContactPurposes.Prospecting, Paris("2026-12-04 11:00")), France);
        Assert.Equal("blocked", email.Verdict);
        Assert.Equal(Paris("2026-10-06 11:00").AddDays(60), email.NextAllowedAt);   // 60 days of 24 hours (10:00 in winter time)
        Assert.Equal("allowed", Call(facts, "2026-12-07 10:00").Verdict);
    }

    [Fact]
    public void Consumer_calls_need_consent_since_11_august_2026()
    {
        var noConsent = Consumer();
        var after = Call(noConsent, "2026-10-06 11:00");
        Assert.Equal("blocked", after.Verdict);
        Assert.Null(after.NextAllowedAt);
        Assert.Contains(after.Reasons, r => r.Rule == "consumer-call-consent");
        Assert.Equal("allowed", Call(noConsent, "2026-08-10 11:00").Verdict);   // Monday 10 August 2026, the day before
        // A withdrawal is the latest event: it wins.
        var withdrawn = Consumer(CallConsent, CallConsent with { Granted = false, At = Paris("2026-09-02 09:00") });
        Assert.Equal("blocked", Call(withdrawn, "2026-10-06 11:00").Verdict);
        // A customer, or answering the person's own callback request, is not prospecting.
        Assert.Equal("allowed", Call(noConsent with { IsCustomer = true }, "2026-10-06 11:00").Verdict);
        Assert.Equal("allowed", Call(noConsent with { CallbackRequestedAt = Paris("2026-10-06 09:00") }, "2026-10-06 11:00").Verdict);
    }

    [Fact]
    public void Energy_renovation_calls_to_consumers_only_on_their_request_or_within_a_contract()
    {
        var cold = Call(Consumer(CallConsent), "2026-10-06 11:00", Energy);
        Assert.Equal("blocked", cold.Verdict);
        Assert.Contains(cold.Reasons, r => r.Rule == "energy-renovation-call");
        Assert.NotEmpty(cold.Reasons[0].French);

        var requested = Consumer() with { CallbackRequestedAt = Paris("2026-10-06 09:00") };
        var answer = Call(requested, "2026-10-06 11:00", Energy);
        Assert.Equal("allowed", answer.Verdict);
        Assert.Empty(answer.Warnings);
        var late = Call(requested, "2026-10-08 11:00", Energy);
        Assert.Equal("allowed", late.Verdict);
        Assert.Contains(late.Warnings, w => w.Rule == "callback-stale");

        Assert.Equal("allowed", Call(Consumer() with { IsCustomer = true }, "2026-10-06 11:00", Energy).Verdict);
        Assert.Equal("allowed", Call(new ContactFacts { Kind = "professional" }, "2026-10-06 11:00", Energy).Verdict);
    }

    [Fact]
    public void Energy_renovation_prospecting_emails_to_consumers_are_blocked_even_with_a_newsletter_opt_in()
    {
        var optedIn = Consumer(new ConsentState(ConsentPurposes.Newsletter, true, Paris("2026-09-01 09:00")),
            new ConsentState(ConsentPurposes.CommercialEmail, true, Paris("2026-09-01 09:00")));
        var at = Paris("2026-10-06 11:00");
        Assert.Equal("blocked", ContactRules.Decide(optedIn, new(ContactChannels.Email, ContactPurposes.Prospecting, at), Energy).Verdict);
        Assert.Equal("blocked", ContactRules.Decide(optedIn, new(ContactChannels.Email, ContactPurposes.Nurture, at), Energy).Verdict);
        // The asset they asked for, or a customer: allowed.
        Assert.Equal("allowed", ContactRules.Decide(optedIn, new(ContactChannels.Email, ContactPurposes.AnswerRequest, at), Energy).Verdict);
        Assert.Equal("allowed", ContactRules.Decide(optedIn with { IsCustomer = true }, new(ContactChannels.Email, ContactPurposes.Prospecting, at), Energy).Verdict);
        // The grey zone, when an admin allows it: allowed with a warning.
        var greyZone = ContactRules.Decide(optedIn, new(ContactChannels.Email, ContactPurposes.Nurture, at), Energy with { AllowOptedInNewsletterInEnergyRenovation = true });
        Assert.Equal("allowed", greyZone.Verdict);
        Assert.Contains(greyZone.Warnings, w => w.Rule == "energy-renovation-newsletter");
        Assert.Equal("blocked", ContactRules.Decide(optedIn, new(ContactChannels.Sms, ContactPurposes.Prospecting, at), Energy).Verdict);
    }

    [Fact]
    public void Email_consent_consumer_opt_in_professional_opt_out()
    {
        var at = Paris("2026-10-06 11:00");
        var email = new ContactAttempt(ContactChannels.Email, ContactPurposes.Prospecting, at);
        var consumer = ContactRules.Decide(Consumer(), email, France);
        Assert.Equal("blocked", consumer.Verdict);
        Assert.Contains(consumer.Reasons, r => r.Rule == "email-consumer-opt-in");
        Assert.Equal("allowed", ContactRules.Decide(Consumer(new ConsentState(ConsentPurposes.CommercialEmail, true, at.AddDays(-1))), email, France).Verdict);
        var professional = new ContactFacts { Kind = "professional" };
        Assert.Equal("allowed", ContactRules.Decide(professional, email, France).Verdict);
        Assert.Equal("blocked", ContactRules.Decide(professional with { Consents = [new(ConsentPurposes.CommercialEmail, false, at.AddDays(-1))] }, email, France).Verdict);
        // The EU pack keeps the consent rules but not the French calling rules.
        Assert.Equal("blocked", ContactRules.Decide(Consumer(), email, new() { Pack = CompliancePacks.Eu }).Verdict);
        Assert.Equal("allowed", Call(Consumer(), "2026-10-10 22:00", new() { Pack = CompliancePacks.Eu }).Verdict);
    }

    [Fact]
    public void Suppression_and_linkedin_automation_are_blocked_in_every_pack()
    {
        var at = Paris("2026-10-06 11:00");
        var none = new ComplianceSettings { Pack = CompliancePacks.None };
        var suppressed = new ContactFacts { Kind = "professional", SuppressedBecause = "do-not-call" };
        Assert.Equal("blocked", ContactRules.Decide(suppressed, new(ContactChannels.Call, ContactPurposes.Prospecting, at), none).Verdict);
        var linkedin = ContactRules.Decide(new ContactFacts { Kind = "professional" }, new(ContactChannels.LinkedIn, ContactPurposes.Prospecting, at), none);
        Assert.Equal("blocked", linkedin.Verdict);
        Assert.Equal("allowed", ContactRules.Decide(new ContactFacts { Kind = "professional" },
            new(ContactChannels.LinkedIn, ContactPurposes.Prospecting, at, Automated: false), none).Verdict);
        Assert.Equal("allowed", Call(Consumer(), "2026-10-10 22:00", none).Verdict);
    }

    [Fact]
    public void Indirectly_collected_data_warns_at_the_first_contact()
    {
        var facts = new ContactFacts { Kind = "professional", CollectedIndirectly = true };
        var at = Paris("2026-10-06 11:00");
        Assert.Contains(ContactRules.Decide(facts, new(ContactChannels.Call, ContactPurposes.Prospecting, at), France).Warnings, w => w.Rule == "inform-indirect-collection");
        Assert.Empty(ContactRules.Decide(facts with { ContactedBefore = true }, new(ContactChannels.Call, ContactPurposes.Prospecting, at), France).Warnings);
    }

    [Theory]
    [InlineData("0162123456", true)]
    [InlineData("+33949123456", true)]
    [InlineData("01 62 12 34 56", true)]
    [InlineData("0612345678", false)]
    [InlineData("0145123456", false)]
    [InlineData("12345", false)]
    public void Caller_ids_must_be_in_the_arcep_ranges(string number, bool valid) =>
        Assert.Equal(valid, CallerIds.Problem(number) is null);
}

public sealed class RefusalBoundaryTests
{
    private static readonly ComplianceSettings France = new();

    [Theory]
    // Refused on day 0 at 11:00 (Paris): the same day, a minute before day 60, blocked; exactly day 60, allowed (an email: no hours).
    [InlineData(0, 1, "blocked")]
    [InlineData(60 * 24 * 60 - 1, 0, "blocked")]
    [InlineData(60 * 24 * 60, 0, "allowed")]
    public void An_email_after_a_refusal_on_day_0_waits_until_day_60(int minutesAfter, int extraMinutes, string verdict)
    {
        var refused = new DateTimeOffset(2026, 10, 6, 9, 0, 0, TimeSpan.Zero);
        var facts = new ContactFacts
        {
            Kind = "consumer", LastRefusalAt = refused, Consents = [new ConsentState(ConsentPurposes.CommercialEmail, true, refused.AddDays(-30))],
        };
        var at = refused.AddMinutes(minutesAfter + extraMinutes);
        Assert.Equal(verdict, ContactRules.Decide(facts, new(ContactChannels.Email, ContactPurposes.Prospecting, at), France).Verdict);
    }
}

public sealed class PersonalDataHashTests
{
    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678")]
    [InlineData("06.12.34.56.78", "+33612345678")]
    [InlineData("+33 6 12 34 56 78", "+33612345678")]
    [InlineData("0033612345678", "+33612345678")]
    [InlineData("+262 692 12 34 56", "+262692123456")]
    [InlineData("hello", null)]
    [InlineData("12", null)]
    public void Phones_from_opposition_lists_are_read_as_e164(string typed, string? e164) =>
        Assert.Equal(e164, PersonalDataHash.NormalisePhone(typed));

    [Fact]
    public void The_same_address_hashes_the_same_whatever_its_case_and_an_email_is_not_a_phone()
    {
        Assert.Equal(PersonalDataHash.Of("email", "Claire@Exemple.fr "), PersonalDataHash.Of("email", "claire@exemple.fr"));
        Assert.NotEqual(PersonalDataHash.Of("email", "claire@exemple.fr"), PersonalDataHash.Of("domain", "claire@exemple.fr"));
        Assert.Matches("^[0-9a-f]{64}$", PersonalDataHash.Of("phone", "+33612345678"));
        Assert.Equal("exemple.fr", PersonalDataHash.DomainOf("claire@Exemple.FR"));
        Assert.Null(PersonalDataHash.NormaliseEmail("not an email"));
    }
}
