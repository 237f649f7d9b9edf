using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Leads.Data;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>
/// On SQLite a save that adds rows, or updates columns no key and no unique index reads, runs statements prepared once
/// on the module writer's connection instead of EF Core's update pipeline (docs/architecture.md, "Group commit"). It must
/// write exactly what EF Core writes — every column, every storage class, converted times, GUIDs, generated keys — in an
/// order the foreign keys accept, fail as EF Core fails, and leave anything else to EF Core.
/// </summary>
public sealed class PreparedWritesTests
{
    private const string LeadId = "0190aaaaaaaa7bbbbbbbbbbbbbbbbbbb";
    private static readonly Guid Consumed = Guid.Parse("0190aaaa-aaaa-7bbb-8bbb-bbbbbbbbbbbb");

    private static ModuleWriter Writer(TestHost host) => host.Services.GetRequiredKeyedService<ModuleWriter>("Leads");

    /// <summary>A lead with a source, two consents, two score entries and a status change; the dependents tracked first.</summary>
    private static (Lead Lead, List<object> Dependents) NewLead(TestHost host)
    {
        var at = host.Clock.GetUtcNow();
        var lead = new Lead
        {
            Id = LeadId, Email = "lea@exemple.fr", Phone = "+33612345678", FirstName = "Léa", LastName = null, Company = "Soleil SARL",
            PostalCode = "69001", Kind = LeadKind.Consumer, Status = LeadStatus.Mql, Score = 35, Channel = "content",
            CallbackRequestedAt = at, QualifiedAt = at.AddSeconds(1), CreatedAt = at, UpdatedAt = at, SearchText = "lea soleil", NameKey = "lea",
        };
        List<object> dependents =
        [
            new LeadSourceEntry { LeadId = LeadId, Channel = "content", CampaignId = "spring", Reference = "sub-1", At = at },
            new LeadConsentEntry { LeadId = LeadId, Purpose = "newsletter", Granted = true, Text = "Oui", Proof = "form:f1", At = at },
            new LeadConsentEntry { LeadId = LeadId, Purpose = "phone-callback", Granted = true, Channel = "phone", At = at },
            new ScoreEntry { LeadId = LeadId, Rule = ScoringRule.FormSubmitted, Points = 10, ActionKey = "form:f1", At = at },
            new ScoreEntry { LeadId = LeadId, Rule = ScoringRule.CallbackRequested, Points = 25, At = at },
            new LeadStatusEntry { LeadId = LeadId, From = LeadStatus.New, To = LeadStatus.Mql, Reason = "score", At = at },
        ];
        return (lead, dependents);
    }

    private static async Task<(List<object> Saved, int Prepared)> SaveAsync(TestHost host)
    {
        await using var scope = host.Scope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var (lead, dependents) = NewLead(host);
        // Dependents before their lead: the rows must still go in foreign-key order.
        foreach (var dependent in dependents) db.Add(dependent);
        db.Leads.Add(lead);
        db.Publish(new LeadCaptured(LeadId, CaptureOutcome.Created, LeadKind.Consumer, new LeadSource("content"), host.Clock.GetUtcNow()));
        db.InboxMessages.Add(new InboxMessage { MessageId = Consumed, Consumer = "PreparedWritesTests", ProcessedAt = 1_764_000_000_000 });
        Assert.Equal(9, await db.SaveChangesAsync());
        // The keys the database generated are on the entities, and everything is saved (nothing left Added).
        Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
        return (dependents, Writer(host).PreparedCommands);
    }

    /// <summary>Every row of <paramref name="table"/>, each value with its SQLite storage class, in row id order.</summary>
    private static async Task<List<string>> RowsAsync(TestHost host, string table, params string[] except)
    {
        await using var scope = host.Scope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        await using var connection = new SqliteConnection(db.Database.GetConnectionString() + ";Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var cells = new List<string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (except.Contains(reader.GetName(i))) continue;
                var value = reader.GetValue(i);
                cells.Add($"{reader.GetName(i)}={reader.GetDataTypeName(i)}:" + value switch
                {
                    byte[] bytes => Convert.ToHexString(bytes),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                });
            }
            rows.Add(string.Join("|", cells));
        }
        return rows;
    }

    [Fact]
    public async Task An_insert_only_save_writes_exactly_the_rows_EF_Core_writes()
    {
        await using var prepared = await TestHost.StartAsync(Provider.Sqlite);
        await using var efCore = await TestHost.StartAsync(Provider.Sqlite, "--Tandem:Database:GroupCommit:PreparedWrites=false");

        var (saved, preparedCommands) = await SaveAsync(prepared);
        var (_, efCommands) = await SaveAsync(efCore);

        // The prepared path ran (one statement per table written: seven tables) and the switch turns it off.
        Assert.Equal(7, preparedCommands);
        Assert.Equal(0, efCommands);
        // Generated keys were read back: 1 for the first row of each table, 2 for the second.
        Assert.Equal([1L, 1L, 2L, 1L, 2L, 1L],
            saved.Select(e => e switch
            {
                LeadSourceEntry s => s.Id, LeadConsentEntry c => c.Id, ScoreEntry s => s.Id, LeadStatusEntry s => s.Id, _ => -1,
            }));

        foreach (var table in new[] { "Leads", "Sources", "LeadConsentEntry", "ScoreEntry", "StatusChanges", "InboxMessages" })
        {
            var expected = await RowsAsync(efCore, table);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await RowsAsync(prepared, table));
        }
        // The outbox row: the same but for its own new id.
        Assert.Equal(await RowsAsync(efCore, "OutboxMessages", "Id"), await RowsAsync(prepared, "OutboxMessages", "Id"));

        // Then an update of the lead (no key, no unique column: a company, a score, times set and cleared; its search keys
        // follow) together with a new source, both ways: one more prepared statement (the update; sources are prepared).
        foreach (var host in new[] { prepared, efCore })
        {
            await using var scope = host.Scope();
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            var lead = await db.Leads.SingleAsync(l => l.Id == LeadId);
            (lead.Company, lead.Score, lead.QualifiedAt, lead.AcceptedAt) = ("Soleil SAS", 60, null, host.Clock.GetUtcNow().AddHours(1));
            db.Sources.Add(new LeadSourceEntry { LeadId = LeadId, Channel = "import", At = host.Clock.GetUtcNow() });
            Assert.Equal(2, await db.SaveChangesAsync());
        }
        Assert.Equal(preparedCommands + 1, Writer(prepared).PreparedCommands);
        Assert.Equal(0, Writer(efCore).PreparedCommands);
        foreach (var table in new[] { "Leads", "Sources" })
            Assert.Equal(await RowsAsync(efCore, table), await RowsAsync(prepared, table));
        Assert.Contains("CompanyKey=TEXT:soleil", (await RowsAsync(prepared, "Leads")).Single());
    }

    [Fact]
    public async Task A_save_changing_a_unique_column_is_left_to_EF_Core_and_a_failure_leaves_the_entities_as_they_were()
    {
        await using var host = await TestHost.StartAsync(Provider.Sqlite);
        await SaveAsync(host);
        var before = Writer(host).PreparedCommands;

        // A new email is a unique column: EF Core orders such a save (a freed value may be taken by another row of it).
        await using (var scope = host.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            var lead = await db.Leads.SingleAsync(l => l.Id == LeadId);
            lead.Email = "lea.martin@exemple.fr";
            db.Sources.Add(new LeadSourceEntry { LeadId = LeadId, Channel = "import", At = host.Clock.GetUtcNow() });
            db.Add(new LeadMerge { Id = "m1", LeadId = LeadId, MatchedOn = "email", Captured = "{}", At = host.Clock.GetUtcNow() });
            Assert.Equal(3, await db.SaveChangesAsync());
        }
        // No new prepared statement: EF Core saved it (the merge's table was never prepared).
        Assert.Equal(before, Writer(host).PreparedCommands);
        Assert.Contains("lea.martin@exemple.fr", string.Join(",", await RowsAsync(host, "Leads")));
        Assert.Equal(2, (await RowsAsync(host, "Sources")).Count);

        // A source of a lead that does not exist breaks its foreign key after a good source got its key from the database:
        // the caller gets EF Core's exception, nothing of its save stays, and its entities are as they were (the good
        // source's key still temporary), so that it can be saved again without the bad row.
        await using (var scope = host.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            var source = new LeadSourceEntry { LeadId = LeadId, Channel = "api", At = host.Clock.GetUtcNow() };
            var orphan = new LeadSourceEntry { LeadId = "no-such-lead", Channel = "api", At = host.Clock.GetUtcNow() };
            db.Sources.AddRange(source, orphan);
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.IsType<SqliteException>(failure.InnerException);
            Assert.Same(orphan, Assert.Single(failure.Entries).Entity);
            Assert.Equal(2, (await RowsAsync(host, "Sources")).Count);
            Assert.True(db.Entry(source).Property(s => s.Id).IsTemporary);

            db.Entry(orphan).State = EntityState.Detached;
            Assert.Equal(1, await db.SaveChangesAsync());
            Assert.True(source.Id > 0);
        }
        Assert.Equal(3, (await RowsAsync(host, "Sources")).Count);
        Assert.Equal(before, Writer(host).PreparedCommands);

        // An update of a lead deleted meanwhile finds no row: EF Core's concurrency exception, naming the lead.
        await using (var scope = host.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            var lead = await db.Leads.SingleAsync(l => l.Id == LeadId);
            await db.WriteAsync(ct => db.Leads.Where(l => l.Id == LeadId).ExecuteDeleteAsync(ct), CancellationToken.None);
            lead.Company = "Soleil SAS";
            var conflict = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
            Assert.Same(lead, Assert.Single(conflict.Entries).Entity);
        }
        Assert.Equal(before + 1, Writer(host).PreparedCommands);
    }
}
