#!/usr/bin/env python3
"""The lists a team opens every day, at scale, on SQLite (docs/outbound.md, "Indexes").

Creates Prospects' and Outreach's databases from the host's schema scripts (src/Host/Schema), fills them with PROSPECTS
prospects (20 owners, the three stages, a tenth won or lost) and as many open tasks, then times the statements EF Core
runs for: a rep's prospects, a stage, a stage and a rep, a pipeline column, everyone's open tasks (page 1, 50 or 20 rows,
ordered as the API orders them). Then drops the indexes added for these lists (migration ListIndexes) and times them
again: "before" and "after" on the same rows. Prints the median of 5 runs of each, in ms, and each plan.

Usage: scripts/bench-lists.py [PROSPECTS=1000000] [FOLDER=/tmp]   (Python's own sqlite3; installs nothing)
"""
import os, random, sqlite3, statistics, sys, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
folder = sys.argv[2] if len(sys.argv) > 2 else "/tmp"
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "Host", "Schema")
random.seed(7)
owners = [f"rep{i:02d}" for i in range(20)]
stages = ["awareness", "consideration", "decision"]


def create(name, script):
    path = os.path.join(folder, f"tandem-lists-{os.getpid()}-{name}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix): os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(open(os.path.join(root, script)).read())
    return db, path


prospects, p_path = create("prospects", "SqliteProspectsDbContext.sql")
outreach, o_path = create("outreach", "SqliteOutreachDbContext.sql")
columns = [r[1] for r in prospects.execute('PRAGMA table_info("Prospects")')]
task_columns = [r[1] for r in outreach.execute('PRAGMA table_info("Tasks")')]
t0 = 1_780_000_000_000


def prospect(i):
    outcome = "open" if i % 10 else random.choice(["won", "lost"])
    row = {"Id": f"p{i:09d}", "LeadId": f"l{i:09d}", "Stage": random.choice(stages), "Owner": random.choice(owners),
           "Outcome": outcome, "CreatedAt": t0 + i * 1000, "Kind": "consumer", "FitScore": 50, "FitReasons": "[]"}
    return [row.get(c) for c in columns]


def task(i):
    row = {"Id": f"t{i:09d}", "Kind": "call", "ProspectId": f"p{i:09d}", "EnrollmentId": f"e{i:09d}", "StepIndex": 0,
           "Owner": random.choice(owners), "DueAt": t0 + random.randrange(0, 30 * 86_400_000), "Status": "open", "CreatedAt": t0}
    return [row.get(c) for c in task_columns]


def fill(db, table, cols, make):
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    db.executemany(f'INSERT INTO "{table}" ({",".join(chr(34) + c + chr(34) for c in cols)}) VALUES ({",".join("?" * len(cols))})',
                   (make(i) for i in range(n)))
    db.execute("COMMIT")
    db.execute("ANALYZE")


started = time.perf_counter()
fill(prospects, "Prospects", columns, prospect)
fill(outreach, "Tasks", task_columns, task)
print(f"{n:,} prospects and {n:,} open tasks in {time.perf_counter() - started:.0f} s")

cases = [
    ("a rep's prospects", prospects, 'SELECT "p"."Id", "p"."LeadId", "p"."Stage", "p"."Owner" FROM "Prospects" AS "p" WHERE "p"."Owner" = ? ORDER BY "p"."Id" LIMIT 50 OFFSET 0', ("rep07",)),
    ("a stage", prospects, 'SELECT "p"."Id", "p"."LeadId", "p"."Stage", "p"."Owner" FROM "Prospects" AS "p" WHERE "p"."Stage" = ? ORDER BY "p"."Id" LIMIT 50 OFFSET 0', ("consideration",)),
    ("a stage and a rep", prospects, 'SELECT "p"."Id", "p"."LeadId", "p"."Stage", "p"."Owner" FROM "Prospects" AS "p" WHERE "p"."Stage" = ? AND "p"."Owner" = ? ORDER BY "p"."Id" LIMIT 50 OFFSET 0', ("consideration", "rep07")),
    ("a pipeline column", prospects, 'SELECT "p"."Id", "p"."LeadId", "p"."Stage", "p"."Owner" FROM "Prospects" AS "p" WHERE "p"."Stage" = ? AND "p"."Outcome" = \'open\' ORDER BY "p"."CreatedAt" DESC, "p"."Id" LIMIT 20 OFFSET 0', ("consideration",)),
    ("everyone's open tasks", outreach, 'SELECT "t"."Id", "t"."Owner", "t"."DueAt" FROM "Tasks" AS "t" WHERE "t"."Status" = \'open\' ORDER BY "t"."DueAt" LIMIT 50', ()),
]


def run(label):
    print(f"\n{label}:")
    for name, db, sql, args in cases:
        times = []
        for _ in range(5):
            s = time.perf_counter(); db.execute(sql, args).fetchall(); times.append((time.perf_counter() - s) * 1000)
        plan = " | ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, args))
        print(f"  {name:<24} {statistics.median(times):9.2f} ms   {plan}")


run("with the list indexes (now)")
for index in ("IX_Prospects_Stage_Id", "IX_Prospects_Owner_Id", "IX_Prospects_Stage_Outcome_CreatedAt_Id", "IX_Prospects_Stage_Owner_Id"):
    prospects.execute(f'DROP INDEX "{index}"')
prospects.execute('CREATE INDEX "IX_Prospects_Stage_Owner" ON "Prospects" ("Stage", "Owner")'); prospects.execute("ANALYZE")
outreach.execute('DROP INDEX "IX_Tasks_Status_DueAt"'); outreach.execute("ANALYZE")
run("without them (before migration ListIndexes)")
for db, path in ((prospects, p_path), (outreach, o_path)):
    db.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix): os.remove(path + suffix)
