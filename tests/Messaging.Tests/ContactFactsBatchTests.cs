using System.Text.Json;
using Mediator;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Outreach.Data;
using Tandem.Modules.Outreach.Policy;
using Tandem.Modules.Outreach.Privacy;
using ConsentPurposes = Tandem.Modules.Shared.Compliance.ConsentPurposes;
using PersonalDataHash = Tandem.Modules.Shared.Compliance.PersonalDataHash;

namespace Tandem.Messaging.Tests;

/// <summary>
/// The step scheduler asks the contact policy once per batch: Leads' <see cref="GetLeadsContactFacts"/> must answer what
/// <see cref="GetLeadContactFacts"/> answers lead by lead, and the policy's batch decisions what it decides one at a time.
/// </summary>
public sealed class ContactFactsBatchTests
{
    private static async Task<(string Consenting, string Caller, string Plain)> CaptureLeadsAsync(ISender sender)
    {
        var consenting = await sender.Send(new CaptureLead("anne@example.fr", "0612345678", "Anne", "Martin", null, null, "69001", "consumer",
            new LeadSource("content"), [new LeadConsent(ConsentPurposes.CommercialEmail, true, "Oui"), new LeadConsent(ConsentPurposes.Newsletter, false)]));
        var caller = await sender.Send(new CaptureLead("bruno@societe.fr", "0478123456", "Bruno", "Petit", "Société", "Gérant", "38000", "professional",
            new LeadSource("import", Detail: "Collected indirectly from a partner list"), CallbackRequested: true));
        var plain = await sender.Send(new CaptureLead("chloe@example.fr", "0698765432", "Chloé", null, null, null, "75001", "consumer", new LeadSource("content")));
        return (consenting.Id, caller.Id, plain.Id);
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_batch_query_answers_each_lead_as_the_single_query_does(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        await using var scope = host.Scope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var (consenting, caller, plain) = await CaptureLeadsAsync(sender);

        var batch = await sender.Send(new GetLeadsContactFacts([consenting, "no-such-lead", caller, plain, consenting]));

        // Unknown leads are absent, a lead asked twice is answered once.
        Assert.Equal(new[] { caller, consenting, plain }.Order(StringComparer.Ordinal), batch.Select(f => f.Id).Order(StringComparer.Ordinal));
        foreach (var facts in batch)
        {
            var single = await sender.Send(new GetLeadContactFacts(facts.Id));
            Assert.NotNull(single);
            Assert.Equal(JsonSerializer.Serialize(single), JsonSerializer.Serialize(facts));
        }
        var byId = batch.ToDictionary(f => f.Id);
        Assert.Equal(2, byId[consenting].Consents.Count);
        Assert.Empty(byId[plain].Consents);
        Assert.NotNull(byId[caller].CallbackRequestedAt);
        Assert.Null(byId[plain].CallbackRequestedAt);
        Assert.True(byId[caller].CollectedIndirectly);
        Assert.False(byId[consenting].CollectedIndirectly);
        Assert.Equal("professional", byId[caller].Kind);
        Assert.Empty(await sender.Send(new GetLeadsContactFacts([])));
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task The_policy_decides_a_batch_as_it_decides_each_attempt_alone(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        await using var scope = host.Scope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var (consenting, caller, plain) = await CaptureLeadsAsync(sender);
        var now = host.Clock.GetUtcNow();
        var db = scope.ServiceProvider.GetRequiredService<OutreachDbContext>();
        db.Activities.Add(new Activity { Id = "a-unsub", ProspectId = "p-unsub", Channel = "email", Kind = "unsubscribed", OccurredAt = now.AddDays(-3) });
        db.Activities.Add(new Activity { Id = "a-call", LeadId = plain, Channel = "call", Kind = "call", Outcome = "refused", OccurredAt = now.AddDays(-2) });
        await SuppressionList.AddAsync(db, [(PersonalDataHash.Email, "listed@example.fr")], "objection", "test", hashedOnly: false, now, CancellationToken.None);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        (ContactAttempt, ContactCard)[] attempts =
        [
            (new ContactAttempt("email", "p-anne", consenting, null, null), new ContactCard("anne@example.fr", null, "alice")),
            (new ContactAttempt("email", "p-chloe", plain, null, null), new ContactCard("chloe@example.fr", null, "alice")),
            (new ContactAttempt("email", "p-unsub", null, null, null), new ContactCard("unsub@example.fr", null, "alice")),
            (new ContactAttempt("email", "p-listed", null, null, null), new ContactCard("listed@example.fr", null, "alice")),
            (new ContactAttempt("email", "p-bruno", caller, null, null), new ContactCard("bruno@societe.fr", null, "bob")),
            (new ContactAttempt("call", "p-chloe", plain, null, null), new ContactCard(null, "+33698765432", "alice")),
            (new ContactAttempt("call", "p-bruno", caller, null, null), new ContactCard(null, "+33478123456", "bob")),
            (new ContactAttempt("call", "p-enrolled", null, "e-1", 1), new ContactCard(null, "+33600000000", "bob")),
            (new ContactAttempt("email", "p-anne-2", consenting, null, null), new ContactCard(null, null, null)),
            (new ContactAttempt("email", "p-nobody", "no-such-lead", null, null), new ContactCard("nobody@example.fr", null, null)),
        ];
        var policy = scope.ServiceProvider.GetRequiredService<IContactPolicy>();
        var batch = await policy.DecideManyAsync(attempts, now, CancellationToken.None);

        Assert.Equal(attempts.Length, batch.Count);
        for (var i = 0; i < attempts.Length; i++)
            Assert.Equal(await policy.DecideAsync(attempts[i].Item1, attempts[i].Item2, now, CancellationToken.None), batch[i]);
        // The mix is a real one: allowed, blocked for each reason the batch reads once for all.
        Assert.Equal(ContactVerdict.Allowed, batch[0].Verdict);
        Assert.NotEqual(ContactVerdict.Allowed, batch[1].Verdict);
        Assert.Contains("unsubscribed", batch[2].Reason);
        Assert.Contains("suppression list", batch[3].Reason);
        Assert.Equal(ContactVerdict.Allowed, batch[7].Verdict);
        Assert.Equal(batch[0], batch[8]);
    }
}
