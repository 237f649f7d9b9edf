#!/usr/bin/env bash
# The lead import bench (not a test): publishes the host (Release, as shipped), generates a French Excel CSV of N rows
# (scripts/generate-leads-csv.py: Windows-1252, ';', duplicates, bad rows, multi-line fields), then runs
# `tandem import leads FILE` on a fresh SQLite data folder (or a fresh PostgreSQL database) and prints the CLI's summary:
# counts, seconds, rows/s, peak RSS. Numbers and conditions: docs/performance.md, "Lead import".
#
# Usage: scripts/bench-import.sh [ROWS (default 1000000)] [--postgres CONN] [--bin DIR] [--keep]
set -euo pipefail
rows=1000000; postgres=""; bin=""; keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) postgres=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) rows=$1; shift ;;
  esac
done
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/tandem-import-bench.XXXXXX)
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  bin=$work/bin
  dotnet publish src/Host -c Release -o "$bin" -v q -nologo || { echo "publish failed (rerun with --bin DIR to use a build you have)" >&2; exit 1; }
fi
python3 scripts/generate-leads-csv.py "$rows" "$work/leads.csv"
echo "generated $rows rows: $(du -h "$work/leads.csv" | cut -f1)"
args=(--Tandem:DataDirectory="$work/data")
if [ -n "$postgres" ]; then
  db=tandem_bench_$$
  # psql takes a libpq URI, not the ADO.NET "Host=…;Username=…" string the host takes.
  pguri=$(python3 -c 'import sys, urllib.parse as u
kv = dict(p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p); g = lambda *k: next((kv[x] for x in kv if x.lower() in k), "")
print("postgresql://%s:%s@%s:%s/%s" % (u.quote(g("username", "user id", "user")), u.quote(g("password")), g("host", "server") or "127.0.0.1", g("port") or "5432", g("database") or "postgres"))' "$postgres")
  psql "$pguri" -qc "CREATE DATABASE $db" >/dev/null
  # An autovacuum worker on the fresh database cannot be terminated by a non-superuser: it ends within moments, so the
  # drop is tried again for a few seconds; a database left behind is named, and never fails the bench.
  drop_db() {
    for _ in $(seq 1 20); do psql "$pguri" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 && return 0; sleep 0.5; done
    echo "note: could not drop $db (drop it by hand)" >&2
  }
  trap 'drop_db; [ -n "$keep" ] || rm -rf "$work"' EXIT
  args+=(--Tandem:Database:Provider=Postgres "--ConnectionStrings:Tandem=$(echo "$postgres" | sed "s/Database=[^;]*/Database=$db/")")
fi
dotnet "$bin/Tandem.Host.dll" migrate "${args[@]}" >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# The Information log of the import names where its batches spent their time (resolving and writing overlap).
/usr/bin/time -f "CPU user %U s, system %S s, %P of one core, max RSS %M kB" \
  dotnet "$bin/Tandem.Host.dll" import leads "$work/leads.csv" "${args[@]}" --Logging:LogLevel:Tandem.Modules.Leads.Import=Information </dev/null | tail -n +1
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
