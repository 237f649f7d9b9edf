#!/usr/bin/env bash
# Form submissions under load, end to end: publishes the host (Release, as shipped), starts it on a free loopback port
# with a fresh data folder (or a fresh PostgreSQL database), creates a form through the API, loads POST /f/{formId}
# with JSON submissions (each with its own email and phone, asking for a callback), waits until every submission has
# gone downstream (lead, prospect, call task) and checks that each became exactly one of each. It measures the SQLite
# floor of the same disk in the same run (durable one-row commits/s) and prints one summary.
#
# Usage: scripts/load-forms.sh [options] [-- extra dotnet publish arguments]
#   (default)           closed loop, as fast as it goes: wrk -t2 -c32 -d15s (Debian package wrk)
#   --rate N            open loop instead: N submissions/s at fixed times, latency from the intended send time
#   --duration S        seconds of load (default 15)
#   --warmup S          seconds of load before measuring, not counted (default 20: the JIT's tiering settles; closed loop:
#                       wrk -t1 -c4; open loop: the offered rate; 0: none)
#   --threads T         wrk threads (default 2, at most 9)
#   --connections C     wrk connections (default 32); open loop: at most C connections (default 512)
#   --bin DIR           use an already published host folder instead of publishing
#   --postgres CONN     PostgreSQL: CONN may create databases; a fresh tandem_load_* database is made and dropped
#   --sync Full|Normal  Tandem:Database:Sqlite:Synchronous of the host (default Full, as shipped)
#   --host-arg ARG      extra host argument, repeatable (e.g. --host-arg --Tandem:Outbox:BatchSize=200)
#   --modules LIST      only these modules on, comma-separated, Content first (e.g. Content or Content,Leads): what each
#                       step of the chain costs. The others are switched off (Tandem:Modules:<Name>:Enabled=false); the
#                       exactly-once check, which follows every submission to its call task, is not run, and the host
#                       CPU is counted over the measured load only, per answered submission
#   --floor-seconds S   how long the SQLite floor is measured (default 3)
#   --drain-timeout S   how long to wait for the downstream backlog after the load (default 120)
#   --counters FILE     record dotnet-counters (runtime, EF Core, Kestrel, Tandem.Pipeline) during the load into FILE (csv)
#                       and print their means (lock contention, GC, allocations, EF queries and SaveChanges per submission)
#                       and, per module, the group commits and the outbox groups with their sizes
#   --trace FILE        record a dotnet-trace sample of every thread's stack during the load into FILE (.nettrace,
#                       and FILE.speedscope.json beside it) and print where the host's busy thread time went
#   --syscalls FILE     run the host under `perf trace -s` (Debian package linux-perf): its fsync and sleep system calls
#                       over its whole life (all threads, start-up and drain included) into FILE, printed per stored
#                       submission (SQLite's busy handler sleeps in clock_nanosleep while another connection writes)
#   --keep              keep the temporary folder (publish, data, host log, wrk output)
# Examples:
#   scripts/load-forms.sh                                   # SQLite, max throughput
#   scripts/load-forms.sh --rate 1000                       # SQLite, p99 at 1,000 submissions/s offered
#   scripts/load-forms.sh --postgres 'Host=127.0.0.1;Username=tandem;Password=tandem;Database=postgres'
# Needs: dotnet, curl, and wrk for the closed loop. Nothing is installed: a missing tool is named with the command that
# installs it (exit 2). Exit 1 when the exactly-once check fails. See docs/performance.md.
set -euo pipefail

duration=15
warmup=20
threads=2
connections=""
rate=""
bin=""
postgres=""
sync=Full
floor_seconds=3
drain_timeout=120
counters_file=""
trace_file=""
syscalls_file=""
keep=0
host_args=()
publish_args=()
modules=""
all_modules=(Content Leads Prospects Outreach)

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --warmup) warmup=${2:?}; shift 2 ;;
    --threads) threads=${2:?}; shift 2 ;;
    --connections) connections=${2:?}; shift 2 ;;
    --bin) bin=${2:?}; shift 2 ;;
    --postgres) postgres=${2:?}; shift 2 ;;
    --sync) sync=${2:?}; shift 2 ;;
    --host-arg) host_args+=("${2:?}"); shift 2 ;;
    --modules) modules=${2:?}; shift 2 ;;
    --floor-seconds) floor_seconds=${2:?}; shift 2 ;;
    --drain-timeout) drain_timeout=${2:?}; shift 2 ;;
    --counters) counters_file=${2:?}; shift 2 ;;
    --trace) trace_file=${2:?}; shift 2 ;;
    --syscalls) syscalls_file=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    --) shift; publish_args=("$@"); break ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
done
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "--duration takes whole seconds" >&2; exit 2; }
[[ "$warmup" =~ ^[0-9]+$ ]] || { echo "--warmup takes whole seconds" >&2; exit 2; }
[[ "$threads" =~ ^[1-9]$ ]] || { echo "--threads takes 1 to 9" >&2; exit 2; }
[ -z "$rate" ] || [[ "$rate" =~ ^[1-9][0-9]*$ ]] || { echo "--rate takes a whole number of submissions per second" >&2; exit 2; }
partial=0
if [ -n "$modules" ]; then
  IFS=, read -r -a wanted <<<"$modules"
  for m in "${wanted[@]}"; do
    [[ " ${all_modules[*]} " == *" $m "* ]] || { echo "--modules: unknown module '$m' (use ${all_modules[*]})" >&2; exit 2; }
  done
  [[ ",$modules," == *,Content,* ]] || { echo "--modules must include Content: the load posts to one of its forms" >&2; exit 2; }
  for m in "${all_modules[@]}"; do
    if [[ ",$modules," != *,$m,* ]]; then host_args+=("--Tandem:Modules:$m:Enabled=false"); partial=1; fi
  done
fi
case "${sync,,}" in full|normal) ;; *) echo "--sync takes Full or Normal" >&2; exit 2 ;; esac

missing() { echo "$1 is needed and not installed. Install it with:" >&2; echo "  $2" >&2; exit 2; }
command -v curl >/dev/null || missing curl "apt-get install -y curl"
command -v dotnet >/dev/null || missing dotnet "the .NET 10 SDK (see README.md)"
[ -n "$rate" ] || command -v wrk >/dev/null || missing wrk "apt-get install -y wrk      (Debian package; or use --rate N, which needs no wrk)"
tools_dir="${DOTNET_TOOLS:-$HOME/.dotnet/tools}"
tool() { command -v "$1" 2>/dev/null || { [ -x "$tools_dir/$1" ] && echo "$tools_dir/$1"; } || true; }
if [ -n "$counters_file" ]; then
  counters_bin=$(tool dotnet-counters)
  [ -n "$counters_bin" ] || missing dotnet-counters "dotnet tool install --global dotnet-counters --version 10.0.750501"
fi
if [ -n "$syscalls_file" ]; then
  command -v perf >/dev/null || missing perf "apt-get install -y linux-perf"
fi
if [ -n "$trace_file" ]; then
  trace_bin=$(tool dotnet-trace)
  [ -n "$trace_bin" ] || missing dotnet-trace "dotnet tool install --global dotnet-trace --version 10.0.750501"
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tandem-load.XXXXXX")"
results="$work/results.txt"
: >"$results"
host_pid=""
launcher_pid=""
side_pids=()
pg_database=""

stop_host() {
  if [ -n "$host_pid" ] && kill -0 "$host_pid" 2>/dev/null; then
    kill -TERM "$host_pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$host_pid" 2>/dev/null; do
      sleep 0.1
      waited=$((waited + 1))
      [ "$waited" -lt 300 ] || { echo "the host did not stop within 30 s of SIGTERM: killed" >&2; kill -KILL "$host_pid" 2>/dev/null || true; }
    done
  fi
  [ -z "$launcher_pid" ] || wait "$launcher_pid" 2>/dev/null || true
  host_pid=""
  launcher_pid=""
}

cleanup() {
  local pid
  for pid in "${side_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  stop_host
  if [ -n "$pg_database" ] && [ "$keep" = 0 ]; then
    dotnet "$load_tool" pg-drop "$postgres" "$pg_database" >/dev/null 2>&1 || echo "could not drop database $pg_database" >&2
  fi
  if [ "$keep" = 1 ]; then echo "kept: $work${pg_database:+ and database $pg_database}"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
now_ms() { local t=$EPOCHREALTIME; t=${t//[.,]/}; echo "${t:0:${#t}-3}"; }
result() { sed -n "s/^$1=//p" "$results" | tail -1; }
# CPU time (user + system, all threads) the host has used so far, in milliseconds.
host_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$host_pid/stat" 2>/dev/null || echo 0; }

# A loopback port nobody listens on, below the kernel's ephemeral range (see scripts/measure-startup.sh).
read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || ephemeral_low=32768
[ "$ephemeral_low" -gt 11000 ] || ephemeral_low=65000
free_port() {
  local port
  while :; do
    port=$((10000 + RANDOM % (ephemeral_low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

# 1. Build what runs: the host as shipped (unless --bin) and the measuring tool.
if [ -z "$bin" ]; then
  bin="$work/publish"
  echo "publishing src/Host (Release${publish_args[*]:+, ${publish_args[*]}}) ..."
  (cd "$root" && dotnet publish src/Host -c Release -o "$bin" -nologo -v q "${publish_args[@]}") >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; echo "publish failed" >&2; exit 1; }
fi
bin="$(cd "$bin" && pwd)"
if [ -x "$bin/Tandem.Host" ]; then host=("$bin/Tandem.Host"); else host=(dotnet "$bin/Tandem.Host.dll"); fi
echo "building tests/Load (Release) ..."
(cd "$root" && dotnet build tests/Load -c Release -nologo -v q -o "$work/load") >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; echo "build of tests/Load failed" >&2; exit 1; }
load_tool="$work/load/Tandem.Load.dll"

commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -z "$(git -C "$root" status --porcelain -- src plugins 2>/dev/null)" ] || commit="$commit + uncommitted changes in src/ or plugins/"
if [ -n "$postgres" ]; then store="PostgreSQL"; else store="SQLite, Synchronous=$sync"; fi
if [ -n "$rate" ]; then
  mode="open loop: $rate submissions/s offered for ${duration} s after a ${warmup} s warm-up, up to ${connections:-512} connections"
else
  mode="closed loop: wrk -t$threads -c${connections:-32} -d${duration}s"
fi
echo "machine: $(nproc) cores, $(uname -sr), .NET SDK $(dotnet --version 2>/dev/null || echo '?')"
echo "commit:  $commit"
echo "binary:  ${host[*]}"
echo "store:   $store"
echo "mode:    $mode"
load_start=$(loadavg)
echo "load:    $load_start (1/5/15 min, at the start)"

# 2. The floor of this disk, measured where the host's SQLite files live, before the host runs.
data="$work/data"
mkdir -p "$data"
dotnet "$load_tool" floor --dir "$work/floor" --seconds "$floor_seconds" --out "$results"

# 3. The host on a fresh store, public rate limit out of the way.
store_args=("--Tandem:DataDirectory=$data" "--Tandem:Database:Sqlite:Synchronous=$sync")
if [ -n "$postgres" ]; then
  pg_connection=$(dotnet "$load_tool" pg-create "$postgres")
  pg_database=$(sed -n 's/.*Database=\([^;]*\).*/\1/p' <<<"$pg_connection")
  store_args+=(--Tandem:Database:Provider=Postgres "--ConnectionStrings:Tandem=$pg_connection")
  echo "database: $pg_database (fresh)"
fi
key="load-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=$(free_port)
base="http://127.0.0.1:$port"
# Under perf trace, perf is the parent: it follows every thread the host creates (attaching later with -p would miss
# the thread-pool threads created afterwards) and writes its summary when the host exits.
launcher=()
[ -z "$syscalls_file" ] || launcher=(perf trace -s -e fsync,fdatasync,clock_nanosleep,nanosleep -o "$syscalls_file" --)
env -u ASPNETCORE_URLS ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production TANDEM_BOOTSTRAP_API_KEY="$key" \
  "${launcher[@]}" "${host[@]}" run --urls "$base" "${store_args[@]}" \
  --Tandem:RateLimits:Public:PermitLimit=1000000000 --Tandem:RateLimits:Public:WindowSeconds=1 \
  "${host_args[@]}" >"$work/host.log" 2>&1 &
launcher_pid=$!
host_pid=$launcher_pid
deadline=$((SECONDS + 120))
until curl -fsS -o /dev/null --max-time 2 "$base/health/ready" 2>/dev/null; do
  kill -0 "$host_pid" 2>/dev/null || { cat "$work/host.log" >&2; echo "the host exited before it was ready" >&2; exit 1; }
  [ $SECONDS -lt $deadline ] || { cat "$work/host.log" >&2; echo "the host was not ready after 120 s" >&2; exit 1; }
  sleep 0.1
done
if [ -n "$syscalls_file" ]; then
  host_pid=$(pgrep -P "$launcher_pid" -n || true)
  [ -n "$host_pid" ] || { echo "could not find the host under perf (pid $launcher_pid)" >&2; exit 1; }
fi
echo "host:    pid $host_pid on $base"

# 4. A form with email and phone fields, a consent and the callback choice, made through the API.
form_json=$(curl -fsS -H "Authorization: Bearer $key" -H "Content-Type: application/json" "$base/api/content/forms" -d '{
  "name":"Load test",
  "fields":[{"name":"email","label":"E-mail","type":"email","required":true},
            {"name":"phone","label":"Phone","type":"tel","required":false}],
  "consents":[{"purpose":"newsletter","text":"I agree to receive the newsletter","required":false}],
  "offersCallback":true}') || { echo "could not create the form" >&2; exit 1; }
form=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' <<<"$form_json")
[ -n "$form" ] || { echo "unexpected answer to the form creation: $form_json" >&2; exit 1; }

# 5. Optional recorders, attached to the running host for the measured load (plus the 2 s they take to attach). They
# stop by themselves (--duration): a background job of a script ignores SIGINT, so Ctrl-C could not stop them.
record_seconds=$((duration + 3))
[ -z "$rate" ] || record_seconds=$((warmup + duration + 3))   # the open loop's warm-up is part of its run
record_for=$(printf '00:00:%02d:%02d' $((record_seconds / 60)) $((record_seconds % 60)))
start_recorders() {
  if [ -n "$counters_file" ]; then
    "$counters_bin" collect -p "$host_pid" --format csv -o "$counters_file" --refresh-interval 1 --duration "$record_for" \
      --counters System.Runtime,Microsoft.AspNetCore.Hosting,Microsoft-AspNetCore-Server-Kestrel,Microsoft.EntityFrameworkCore,Tandem.Pipeline \
      </dev/null >"$work/counters.log" 2>&1 &
    side_pids+=($!)
  fi
  if [ -n "$trace_file" ]; then
    "$trace_bin" collect -p "$host_pid" --profile dotnet-sampled-thread-time --format Speedscope -o "$trace_file" --duration "$record_for" \
      </dev/null >"$work/trace.log" 2>&1 &
    side_pids+=($!)
  fi
  [ ${#side_pids[@]} -eq 0 ] || sleep 2
}

# 6. The load.
answers="$work/answers"
if [ -n "$rate" ]; then
  warm_answered=0
  cpu_start=$(host_cpu_ms)
  start_recorders
  dotnet "$load_tool" rate --url "$base" --form "$form" --rate "$rate" --duration "$duration" --warmup "$warmup" \
    --connections "${connections:-512}" --answers "$answers.rate" --out "$results" --cpu-pid "$host_pid"
  load_end=$(now_ms)
  # The host's CPU from the first measured send, as in the closed loop (the warm-up is when the JIT does its work).
  measured_ticks=$(result host_cpu_ticks_at_measured)
  if [ -n "$measured_ticks" ]; then
    cpu_start=$(( measured_ticks * 1000 / $(getconf CLK_TCK) ))
    warm_answered=$(result warmup_accepted)
  fi
else
  if [ "$warmup" -gt 0 ]; then
    # Untimed: the host compiles its request path (JIT) before the measured run; these submissions are checked too.
    echo "warm-up: wrk -t1 -c4 -d${warmup}s (not counted)"
    LOAD_FORM_PATH="/f/$form" LOAD_TAG="warm" LOAD_ANSWERS="$answers.warm" LOAD_PHONE_DIGIT=0 \
      wrk -t1 -c4 -d"${warmup}s" --timeout 30s -s "$root/scripts/load-forms.lua" "$base/f/$form" >"$work/wrk-warmup.txt" 2>&1 \
      || { cat "$work/wrk-warmup.txt" >&2; echo "wrk failed" >&2; exit 1; }
  fi
  warm_answered=$(cat "$answers".warm.* 2>/dev/null | wc -l || true)
  cpu_start=$(host_cpu_ms)
  start_recorders
  echo "wrk -t$threads -c${connections:-32} -d${duration}s --timeout 30s --latency $base/f/$form"
  LOAD_FORM_PATH="/f/$form" LOAD_TAG="wrk" LOAD_ANSWERS="$answers.wrk" \
    wrk -t"$threads" -c"${connections:-32}" -d"${duration}s" --timeout 30s --latency -s "$root/scripts/load-forms.lua" "$base/f/$form" \
    >"$work/wrk.txt" 2>&1 || { cat "$work/wrk.txt" >&2; echo "wrk failed" >&2; exit 1; }
  load_end=$(now_ms)
  grep -v '^wrk_' "$work/wrk.txt"
  grep '^wrk_' "$work/wrk.txt" | sed 's/^wrk_//' >>"$results"
fi

# 7. The recorders stop by themselves; dotnet-trace then converts its trace to speedscope.
if [ ${#side_pids[@]} -gt 0 ]; then
  echo "waiting for the recorders to finish ..."
  for pid in "${side_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  side_pids=()
fi
if [ -n "$counters_file" ]; then
  echo
  dotnet "$load_tool" counters "$counters_file" --accepted-per-s "$(result accepted_per_s)" || true
fi
if [ -n "$trace_file" ]; then
  speedscope=$(ls "${trace_file%.nettrace}"*.speedscope.json 2>/dev/null | head -1)
  echo
  if [ -n "$speedscope" ]; then dotnet "$load_tool" profile "$speedscope" --top 25 || true
  else echo "no speedscope file next to $trace_file; dotnet-trace said:"; cat "$work/trace.log"; fi
fi

# 8. Drain and exactly-once check, read-only from the module databases (all modules on only).
if [ "$partial" = 1 ]; then
  cpu_end=$(host_cpu_ms)
  verified=0
else
  if [ -n "$postgres" ]; then verify_store=(--postgres "$pg_connection"); else verify_store=(--sqlite "$data"); fi
  answer_files=()
  for f in "$answers".*; do [ -e "$f" ] && answer_files+=(--answers "$f"); done
  set +e
  dotnet "$load_tool" verify "${verify_store[@]}" "${answer_files[@]}" --since-unix-ms "$load_end" --deadline "$drain_timeout" --out "$results"
  verified=$?
  set -e
  cpu_end=$(host_cpu_ms)
fi
load_end_avg=$(loadavg)
if [ -n "$syscalls_file" ]; then
  stop_host   # perf trace writes its summary when the host exits
  echo
  echo "system calls of the host over its life (perf trace -s, all threads; per submission: ÷ $(result stored) stored):"
  awk -v n="$(result stored)" '
    $1 ~ /^[a-z_0-9]+$/ && $2 ~ /^[0-9]+$/ && NF >= 8 { calls[$1] += $2; ms[$1] += $4 }
    END {
      for (s in calls) printf "  %-16s %8d calls  %6.1f per submission  %8.2f s in total  avg %7.2f ms\n", s, calls[s], (n > 0 ? calls[s] / n : 0), ms[s] / 1000, ms[s] / calls[s]
    }' "$syscalls_file" | sort -k5 -nr
fi
host_errors=$(grep -cE '^(fail|crit):' "$work/host.log" || true)
host_warnings=$(grep -cE '^warn:' "$work/host.log" || true)

# 9. One summary.
floor=$(result floor_commits_per_s)
accepted_per_s=$(result accepted_per_s)
ratio=$(awk -v a="$accepted_per_s" -v f="$floor" 'BEGIN { if (f > 0) printf "%.2f", a / f; else print "?" }')
echo
echo "== summary: $store, $mode; commit $commit$( [ "$partial" = 0 ] || echo "; only $modules on" ) =="
printf '%-14s %s\n' "accepted:" "$(result accepted) submissions answered 201 in $(result seconds)$(result duration_s) s = $accepted_per_s accepted/s"
printf '%-14s %s\n' "not accepted:" "$(result non2xx) non-2xx ($(result other_statuses)), $(result timeouts) timeouts, $(result socket_errors)$(result errors) connection errors"
if [ -n "$rate" ]; then
  printf '%-14s %s\n' "latency:" "p50 $(result latency_p50_ms) ms, p90 $(result latency_p90_ms) ms, p99 $(result latency_p99_ms) ms, p99.9 $(result latency_p99_9_ms) ms, max $(result latency_max_ms) ms (from the intended send time; client send lag p99 $(result send_lag_p99_ms) ms)"
else
  printf '%-14s %s\n' "latency:" "p50 $(result latency_p50_ms) ms, p90 $(result latency_p90_ms) ms, p99 $(result latency_p99_ms) ms, p99.9 $(result latency_p99_9_ms) ms, max $(result latency_max_ms) ms (closed loop, wrk: send to answer)"
fi
if [ "$partial" = 1 ]; then
  printf '%-14s %s\n' "host CPU:" "$(awk -v c=$((cpu_end - cpu_start)) -v n="$(result accepted)" 'BEGIN { if (n > 0) printf "%.2f ms per answered submission (%.1f s of CPU for %d, the measured load only, all host threads)", c / n, c / 1000, n; else print "?" }')"
else
  cpu_submissions=$(( $(result stored) - warm_answered ))
  printf '%-14s %s\n' "host CPU:" "$(awk -v c=$((cpu_end - cpu_start)) -v n="$cpu_submissions" 'BEGIN { if (n > 0) printf "%.2f ms per submission (%.1f s of CPU for %d submissions, load start to drained, all host threads)", c / n, c / 1000, n; else print "?" }')"
fi
printf '%-14s %s\n' "SQLite floor:" "$floor durable commits/s (one row per commit, WAL, synchronous=FULL, same disk, same run)"
printf '%-14s %s\n' "ratio:" "$ratio (accepted/s ÷ floor)"
if [ "$partial" = 1 ]; then
  printf '%-14s %s\n' "verification:" "not run: only $modules on (the check follows every submission to its call task, which needs all four)"
else
printf '%-14s %s\n' "drain:" "every answered submission through $(result drain_answered_s) s after the load stopped; everything stored $( [ "$(result drained)" = yes ] && echo "$(result drain_s) s" || echo "NOT after $(result drain_s) s") ($(result stored) stored, $(result leads) leads, $(result prospects) prospects, $(result tasks) call tasks)"
printf '%-14s %s\n' "verification:" "$(result verification)$( [ "$(result verification)" = PASS ] || echo ": $(result problems)")"
fi
printf '%-14s %s\n' "host log:" "$host_errors errors, $host_warnings warnings"
printf '%-14s %s\n' "load average:" "start $load_start, end $load_end_avg (1/5/15 min, $(nproc) cores; the load client runs on the same cores)"
exit $((verified == 0 ? 0 : 1))
