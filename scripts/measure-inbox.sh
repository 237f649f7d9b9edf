#!/usr/bin/env bash
# The lead inbox at scale (not a test; run once): the inbox page (/leads) asks Leads for one page with the same Mediator
# query as GET /api/leads (ListLeads: paged and filtered on the server on indexed fields), so this times that query on a
# running host against a data folder filled with `tandem import leads` of a generated file. Prints server ms per case
# (the host's own Server-Timing is not used: curl's time to the first byte on localhost, best of 5 after one warm-up).
#
# Usage: scripts/measure-inbox.sh DATA_DIR [HOST_DLL]
#   python3 scripts/generate-leads-csv.py 1000000 /tmp/leads1m.csv
#   dotnet src/Host/bin/Debug/net10.0/Tandem.Host.dll import leads /tmp/leads1m.csv --Tandem:DataDirectory=/tmp/inbox-data
#   scripts/measure-inbox.sh /tmp/inbox-data
# Numbers and conditions: docs/performance.md, "Lead inbox at 1,000,000 leads".
set -euo pipefail
data=$1; dll=${2:-src/Host/bin/Debug/net10.0/Tandem.Host.dll}
cd "$(dirname "$0")/.."
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
key=inbox-measure-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
TANDEM_BOOTSTRAP_API_KEY=$key dotnet "$dll" --urls "http://127.0.0.1:$port" --Tandem:DataDirectory="$data" \
  --Logging:LogLevel:Default=Warning >"$data/measure-host.log" 2>&1 &
host=$!
trap 'kill $host 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -fs "127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
measure() {
  local name=$1 path=$2 best=999999 t
  curl -fsS -o /dev/null -H "Authorization: Bearer $key" "127.0.0.1:$port$path"
  for _ in 1 2 3 4 5; do
    t=$(curl -fsS -o /dev/null -w '%{time_starttransfer}' -H "Authorization: Bearer $key" "127.0.0.1:$port$path")
    best=$(python3 -c "print(min($best, $t*1000))")
  done
  total=$(curl -fsS -H "Authorization: Bearer $key" "127.0.0.1:$port$path" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  printf '%-34s %8.1f ms  (total %s)\n' "$name" "$best" "$total"
}
measure "first page, 50, no filter"      "/api/leads?page=1&pageSize=50"
measure "page 200, 50, no filter"        "/api/leads?page=200&pageSize=50"
measure "status=new, first page"         "/api/leads?status=new&page=1&pageSize=50"
measure "status=rejected, first page"    "/api/leads?status=rejected&page=1&pageSize=50"
measure "search q=martin, first page"    "/api/leads?q=martin&page=1&pageSize=50"
measure "email exact"                    "/api/leads?email=nobody%40example.com"
