using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;

namespace Tandem.Messaging.Tests;

/// <summary>
/// A save detects changes once, then lets the module derive stored values (<c>ModuleDbContext.OnSaving</c>): Leads keeps a
/// lead's search text, name key and company key in step with its names. A lead added and a lead modified afterwards must
/// both be stored with keys that follow what the handler changed, on the prepared path and on EF Core's.
/// </summary>
public sealed class SavingHookTests
{
    private const string LeadId = "0190cccccccc7ddddddddddddddddddd";

    private static async Task<(string? SearchText, string? NameKey, string? CompanyKey, string? Company)> StoredAsync(TestHost host)
    {
        await using var scope = host.Scope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        return await db.Leads.AsNoTracking().Where(l => l.Id == LeadId)
            .Select(l => new ValueTuple<string?, string?, string?, string?>(l.SearchText, l.NameKey, l.CompanyKey, l.Company)).SingleAsync();
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite, true)]
    [InlineData(Provider.Sqlite, false)]
    [InlineData(Provider.Postgres, true)]
    public async Task A_leads_search_keys_follow_its_names_when_it_is_added_and_when_it_is_changed(Provider provider, bool prepared)
    {
        await using var host = await TestHost.StartAsync(provider, $"--Tandem:Database:GroupCommit:PreparedWrites={prepared}");
        var at = host.Clock.GetUtcNow();
        await using (var scope = host.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            db.Leads.Add(new Lead
            {
                Id = LeadId, Email = "ann@exemple.fr", FirstName = "Ann", LastName = "Lee", Kind = LeadKind.Consumer, Status = LeadStatus.New,
                Channel = "content", CreatedAt = at, UpdatedAt = at,
            });
            Assert.Equal(1, await db.SaveChangesAsync());
        }
        Assert.Equal(("ann lee  ann@exemple.fr", "lee ann", null, null), await StoredAsync(host));

        await using (var scope = host.Scope())
        {
            // Tracked, then changed by plain assignment, as a handler does: the save's one change detection sees the names,
            // and the keys derived from them afterwards are saved too.
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            var lead = await db.Leads.SingleAsync(l => l.Id == LeadId);
            lead.FirstName = "Anna";
            lead.Company = "Acme SA";
            Assert.Equal(1, await db.SaveChangesAsync());
            Assert.Equal(EntityState.Unchanged, db.Entry(lead).State);
        }
        Assert.Equal(("anna lee acme sa ann@exemple.fr", "lee anna", "acme", "Acme SA"), await StoredAsync(host));
    }
}
