using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Capture;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Leads.Import;

namespace Tandem.Messaging.Tests;

/// <summary>
/// A lead import resolves batch N (lookups, merge decisions) while batch N-1 is being written (docs/leads.md, "CSV
/// import"), so a rep may edit a lead between the import's lookup and its write. The write is fill-only against the lead
/// as it is then: it never overwrites the rep's edit, and the merge's record names only what the import filled.
/// </summary>
public sealed class LeadImportWriteTests
{
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task An_import_batch_never_overwrites_an_edit_made_after_its_lookup(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        await using var scope = host.Scope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var edited = await sender.Send(new CaptureLead("ann@exemple.fr", null, null, "Lee", null, null, null, "consumer", new LeadSource("content")));
        var untouched = await sender.Send(new CaptureLead("bob@exemple.fr", null, null, "Roe", null, null, null, "consumer", new LeadSource("content")));

        // The resolver's side: both leads read, and a file row merged into each (first name, company, postal code filled).
        var batch = new List<PendingLead>();
        var merges = new List<LeadMerge>();
        foreach (var (id, firstName) in new[] { (edited.Id, "Ann"), (untouched.Id, "Bob") })
        {
            var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == id);
            var pending = new PendingLead(lead, isNew: false) { Seen = lead.Copy(), Dirty = true };
            var row = new CapturedContact(lead.Email, null, null, firstName, null, "Acme SA", null, "69001", "consumer", "import", null);
            var filled = LeadCapture.Fill(lead, row);
            Assert.Equal(["firstName", "company", "postalCode"], filled);
            lead.UpdatedAt = host.Clock.GetUtcNow();
            var merge = new LeadMerge
            {
                Id = Guid.NewGuid().ToString("N"), LeadId = id, MatchedOn = MatchKey.Email, FilledFields = string.Join(',', filled),
                Captured = JsonSerializer.Serialize(row), Reference = $"import:test:{id}", At = host.Clock.GetUtcNow(),
            };
            pending.Applied = [(merge, row)];
            batch.Add(pending);
            merges.Add(merge);
        }

        // A rep types the first name of one of them before the batch is written.
        await using (var repScope = host.Scope())
        {
            var repDb = repScope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            await repDb.WriteAsync(c => repDb.Leads.Where(l => l.Id == edited.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.FirstName, "Anne-Sophie").SetProperty(l => l.EditedFields, "firstName"), c), CancellationToken.None);
        }

        var writes = new ImportWrites(db);
        await db.WriteAsync(async c => { await writes.RunAsync(batch, [], merges, [], "test", c); return 0; }, CancellationToken.None);

        Assert.Equal(1, writes.Reapplied);
        var after = await db.Leads.AsNoTracking().Where(l => l.Id == edited.Id || l.Id == untouched.Id).ToDictionaryAsync(l => l.Id);
        // The rep's first name stays; what was still empty is filled, and the search keys follow the lead as it is.
        var anne = after[edited.Id];
        Assert.Equal(("Anne-Sophie", "Lee", "Acme SA", "69001", "firstName"), (anne.FirstName, anne.LastName, anne.Company, anne.PostalCode, anne.EditedFields));
        Assert.Equal(("anne-sophie lee acme sa ann@exemple.fr", "lee anne-sophie"), (anne.SearchText, anne.NameKey));
        // The lead nobody touched got the guarded update as resolved.
        var bob = after[untouched.Id];
        Assert.Equal(("Bob", "Roe", "Acme SA", "69001", "roe bob"), (bob.FirstName, bob.LastName, bob.Company, bob.PostalCode, bob.NameKey));
        // Each merge's record names what it filled on the lead as written: undoing the first never clears the rep's name.
        var recorded = await db.Merges.AsNoTracking().Where(m => m.LeadId == edited.Id || m.LeadId == untouched.Id).ToDictionaryAsync(m => m.LeadId, m => m.FilledFields);
        Assert.Equal("company,postalCode", recorded[edited.Id]);
        Assert.Equal("firstName,company,postalCode", recorded[untouched.Id]);
    }
}
