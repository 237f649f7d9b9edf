#!/usr/bin/env python3
"""The hourly outbox/inbox purge on SQLite, as it was and as it is (docs/performance.md, "A query that grew with the table").

Builds an inbox table shaped like Tandem's (primary key MessageId + Consumer, WAL, synchronous=FULL) holding a week of
rows, makes the oldest hour due and deletes it two ways: one DELETE with no ProcessedAt index (a scan of the whole
table, the writer held throughout), then with the index, CHUNK rows per write as Outbox.PurgeAsync does. Prints the
total time, the longest write (how long every other write of the module waits) and what a purge with nothing due costs.

Usage: scripts/bench-purge.py [ROWS=2000000] [CHUNK=1000] [FOLDER=/tmp]   (Python's own sqlite3; installs nothing)
"""
import os, sqlite3, sys, time, uuid

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
chunk = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
folder = sys.argv[3] if len(sys.argv) > 3 else "/tmp"
WEEK, HOUR = 7 * 86_400_000, 3_600_000


def build(path, index):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix): os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
    db.execute('CREATE TABLE "InboxMessages" ("MessageId" TEXT NOT NULL, "Consumer" TEXT NOT NULL, '
               '"ProcessedAt" INTEGER NOT NULL, PRIMARY KEY ("MessageId", "Consumer"))')
    if index: db.execute('CREATE INDEX "IX_InboxMessages_ProcessedAt" ON "InboxMessages" ("ProcessedAt")')
    db.execute("BEGIN")
    db.executemany('INSERT INTO "InboxMessages" VALUES (?, ?, ?)',
                   ((str(uuid.uuid4()), "Consumer", i * WEEK // rows) for i in range(rows)))
    db.execute("COMMIT")
    return db


for index in (False, True):
    path = os.path.join(folder, f"tandem-purge-{os.getpid()}-{int(index)}.db")
    db = build(path, index)
    before = HOUR  # the oldest hour of the week is due
    started, longest, writes, deleted = time.perf_counter(), 0.0, 0, 0
    while True:
        w = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        cut = None
        if index:
            cut = db.execute(f'SELECT "ProcessedAt" FROM "InboxMessages" WHERE "ProcessedAt" < ? ORDER BY "ProcessedAt" '
                             f'LIMIT 1 OFFSET {chunk - 1}', (before,)).fetchone()
            n = db.execute('DELETE FROM "InboxMessages" WHERE "ProcessedAt" <= ?', (cut[0] if cut else before - 1,)).rowcount
        else:
            n = db.execute('DELETE FROM "InboxMessages" WHERE "ProcessedAt" < ?', (before,)).rowcount
        db.execute("COMMIT")
        longest = max(longest, time.perf_counter() - w); writes += 1; deleted += n
        if cut is None: break
    label = f"ProcessedAt index, {chunk:,} rows per write" if index else "no index, one delete"
    print(f"{label}: {rows:,} rows, {deleted:,} deleted in {writes} writes, {(time.perf_counter() - started) * 1000:.0f} ms "
          f"in all, longest write {longest * 1000:.0f} ms")
    w = time.perf_counter()
    db.execute("BEGIN IMMEDIATE"); db.execute('DELETE FROM "InboxMessages" WHERE "ProcessedAt" < ?', (before,)); db.execute("COMMIT")
    print(f"  the next purge, nothing due: {(time.perf_counter() - w) * 1000:.1f} ms")
    db.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix): os.remove(path + suffix)
