#!/usr/bin/env bash
# The yardsticks of a form submission on this machine, with the client, requests and answers of scripts/load-forms.sh:
# what the same wrk load gets from a bare server (tests/Load `Tandem.Load bare`) that (1) only reads the JSON body and
# answers 201 with two ids, and (2) also stores the submission durably through one bare group-commit writer (SQLite,
# WAL, synchronous=FULL, one prepared insert). Both run with the host's runtime settings (server GC, dynamic PGO off).
# Next to the host's numbers they say how much of a submission's cost is the machine (HTTP, the client, one durable
# row) and how much is Tandem's own work (docs/performance.md, "What the machine can do").
#
# Usage: scripts/measure-floors.sh [--duration S] [--warmup S] [--connections C]
#   --duration S      measured seconds of wrk -t2 per server (default 20)
#   --warmup S        seconds of wrk -t1 -c4 before, not counted (default 10)
#   --connections C   wrk connections (default 32, as scripts/load-forms.sh)
# Needs: dotnet and wrk (apt-get install -y wrk). Nothing is installed.
set -euo pipefail

duration=20
warmup=10
connections=32
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=${2:?}; shift 2 ;;
    --warmup) warmup=${2:?}; shift 2 ;;
    --connections) connections=${2:?}; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "dotnet is needed: the .NET 10 SDK (see README.md)" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tandem-floors.XXXXXX")"
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

echo "building tests/Load (Release) ..."
(cd "$root" && dotnet build tests/Load -c Release -nologo -v q -o "$work/load") >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; echo "build of tests/Load failed" >&2; exit 1; }
echo "machine: $(nproc) cores, $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at the start)"

hz=$(getconf CLK_TCK)
cpu_ms() { awk -v hz="$hz" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }

for mode in http sqlite; do
  port=$((20000 + RANDOM % 10000))
  url="http://127.0.0.1:$port"
  DOTNET_gcServer=1 DOTNET_TieredPGO=0 dotnet "$work/load/Tandem.Load.dll" bare --mode "$mode" --url "$url" --dir "$work/$mode" \
    >"$work/$mode.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do grep -q "^bare" "$work/$mode.log" 2>/dev/null && break; sleep 0.1; done
  export LOAD_FORM_PATH=/f/bare LOAD_TAG="$mode" LOAD_ANSWERS="$work/answers-$mode"
  wrk -t1 -c4 -d"${warmup}s" -s "$root/scripts/load-forms.lua" "$url/f/bare" >/dev/null 2>&1
  before=$(cpu_ms "$server_pid")
  wrk -t2 -c"$connections" -d"${duration}s" --timeout 30s --latency -s "$root/scripts/load-forms.lua" "$url/f/bare" >"$work/wrk-$mode.txt" 2>&1
  after=$(cpu_ms "$server_pid")
  kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  accepted=$(sed -n 's/^wrk_accepted=//p' "$work/wrk-$mode.txt")
  rate=$(sed -n 's/^wrk_accepted_per_s=//p' "$work/wrk-$mode.txt")
  p99="$(sed -n 's/^wrk_latency_p99_ms=//p' "$work/wrk-$mode.txt") ms"
  cpu=$(awk -v c="$((after - before))" -v a="$accepted" 'BEGIN { printf "%.3f", (a > 0 ? c / a : 0) }')
  cores=$(awk -v r="$rate" -v n="$(nproc)" 'BEGIN { printf "%.3f", (r > 0 ? n * 1000 / r : 0) }')
  case "$mode" in
    http) what="read the JSON, answer 201 (no storage)" ;;
    sqlite) what="also one durable row per submission, group commit" ;;
  esac
  printf '%-7s %6s submissions/s answered 201, p99 %s, server CPU %s ms per submission, all %s cores ÷ rate %s ms: %s\n' \
    "$mode:" "$rate" "$p99" "$cpu" "$(nproc)" "$cores" "$what"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at the end; the client runs on the same cores)"
