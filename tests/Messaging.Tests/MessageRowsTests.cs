using Microsoft.EntityFrameworkCore;
using Tandem.Modules.Leads.Contracts;
using Tandem.Modules.Shared.Persistence;

namespace Tandem.Messaging.Tests;

/// <summary>
/// The outbox and inbox rows of a save are written as multi-row statements (docs/architecture.md, "Outbox and inbox rows
/// in multi-row statements"): every row and every value as EF Core writes them, across statement chunks, in the save's
/// transaction; a failing save changes nothing and leaves the rows in the change tracker as they were.
/// </summary>
public sealed class MessageRowsTests
{
    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_save_writes_every_outbox_and_inbox_row_with_its_values_across_several_statements(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var leads = host.Database("Leads");
        var now = host.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var messages = Enumerable.Range(0, 1_201).Select(i => new OutboxMessage
        {
            Id = Guid.CreateVersion7(), Type = typeof(LeadCaptured).FullName!, Payload = $"{{\"n\":{i}}}", OccurredAt = now + i,
            NextAttemptAt = now, Attempts = i % 3, LockedBy = i % 2 == 0 ? null : $"host-{i}", LockedUntil = i % 2 == 0 ? null : now + 1_000,
            LastError = i == 7 ? "Boom: é\"'" : null,
        }).ToList();
        var consumed = Enumerable.Range(0, 501).Select(_ => Guid.NewGuid()).ToList();
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            db.OutboxMessages.AddRange(messages);
            db.InboxMessages.AddRange(consumed.Select(id => new InboxMessage { MessageId = id, Consumer = "Test", ProcessedAt = now }));
            await db.SaveChangesAsync();
            Assert.Empty(db.ChangeTracker.Entries()); // the rows left the tracker: written by the multi-row statements
        }
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            var stored = await db.OutboxMessages.AsNoTracking().ToDictionaryAsync(m => m.Id);
            Assert.Equal(messages.Count, stored.Count);
            foreach (var m in messages)
            {
                var s = stored[m.Id];
                Assert.Equal((m.Type, m.Payload, m.OccurredAt, m.Attempts, m.NextAttemptAt, m.LockedBy, m.LockedUntil, m.ProcessedAt, m.LastError),
                    (s.Type, s.Payload, s.OccurredAt, s.Attempts, s.NextAttemptAt, s.LockedBy, s.LockedUntil, s.ProcessedAt, s.LastError));
            }
            // Looked up by key as the inbox check does: the ids are stored in EF Core's own format.
            foreach (var id in consumed.Take(20))
                Assert.True(await db.InboxMessages.AnyAsync(m => m.MessageId == id && m.Consumer == "Test"));
            Assert.Equal(consumed.Count, await db.InboxMessages.CountAsync());
        }
    }

    [SkippableTheory]
    [InlineData(Provider.Sqlite)]
    [InlineData(Provider.Postgres)]
    public async Task A_duplicate_inbox_row_fails_the_whole_save_and_leaves_the_rows_tracked(Provider provider)
    {
        await using var host = await TestHost.StartAsync(provider);
        var leads = host.Database("Leads");
        var now = host.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var consumed = Guid.NewGuid();
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            db.InboxMessages.Add(new InboxMessage { MessageId = consumed, Consumer = "Test", ProcessedAt = now });
            await db.SaveChangesAsync();
        }
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            var announced = new OutboxMessage { Id = Guid.CreateVersion7(), Type = "T", Payload = "{}", OccurredAt = now, NextAttemptAt = now };
            db.OutboxMessages.Add(announced);
            db.InboxMessages.Add(new InboxMessage { MessageId = consumed, Consumer = "Test", ProcessedAt = now }); // consumed twice
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Equal(EntityState.Added, db.Entry(announced).State); // back in the tracker, as EF Core leaves a failed save
            Assert.Equal(2, db.ChangeTracker.Entries().Count(e => e.State == EntityState.Added));
        }
        await using (var scope = host.Scope())
        {
            var db = TestHost.Context(scope, leads);
            Assert.Equal(0, await db.OutboxMessages.CountAsync()); // nothing of the failed save was committed
            Assert.Equal(1, await db.InboxMessages.CountAsync());
        }
    }
}
