#!/usr/bin/env bash
# Measures how long the host takes from process start to "ready" (GET /health/ready answers 200: migrations ran,
# plugins loaded), the way it is shipped: `dotnet publish src/Host -c Release`, all modules and bundled plugins on.
# In the same run, interleaved with the host's runs, it measures a bare ASP.NET Core app as the yardstick: generated
# with `dotnet new web` into the temporary folder, one endpoint answering 200 on /health/ready, published the same way
# (Release, ReadyToRun) and started the same way. It prints both medians and the ratio host / bare.
#
#   cold  a fresh, empty data folder: every module's database is created and migrated
#   warm  a data folder migrated beforehand (`Tandem.Host migrate`): the usual restart
#   bare  the bare app (no data)
#
# Usage: scripts/measure-startup.sh [options] [-- extra dotnet publish arguments, for the host and the bare app]
#   -n, --runs N        timed rounds (default 10), each one cold, one warm and one bare start, after one untimed
#                       warm-up start of each
#   --env KEY=VALUE     environment for the host and the bare app (repeatable), e.g. --env DOTNET_TieredPGO=0
#   --bin DIR           measure an already published host folder instead of publishing
#   --compare DIR       also measure another published host folder, interleaved in the same rounds and named by
#                       its folder name (repeatable): compares two builds under the same conditions
#   --only cold|warm    measure one kind of host start only
#   --no-bare           do not build or measure the bare app (no ratio)
#   --interval SECONDS  pause between two polls (default 0.005; each poll is one curl)
#   --keep              keep the temporary folder (publish output, data folders, one log per run)
# Examples:
#   scripts/measure-startup.sh                                      # as shipped (Release publishes ReadyToRun)
#   scripts/measure-startup.sh -n 20 -- -p:PublishReadyToRun=false  # both without precompiled code
#   scripts/measure-startup.sh --only warm --env DOTNET_TieredPGO=0
#   scripts/measure-startup.sh --bin /tmp/after --compare /tmp/before   # two publishes, same rounds
# Needs: dotnet, curl. Prints each run, then min/median/p90/max in milliseconds and the ratios.
# See docs/performance.md.
set -euo pipefail

runs=10
interval=0.005
bin=""
compare=()
only=""
bare=1
keep=0
host_env=()
publish_args=()

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -n|--runs) runs=${2:?}; shift 2 ;;
    --env) host_env+=("${2:?}"); shift 2 ;;
    --bin) bin=${2:?}; shift 2 ;;
    --compare) [ -d "${2:?}" ] || { echo "--compare: no folder $2" >&2; exit 2; }; compare+=("$(cd "$2" && pwd)"); shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --interval) interval=${2:?}; shift 2 ;;
    --no-bare) bare=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    --) shift; publish_args=("$@"); break ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
done
case "$only" in ""|cold|warm) ;; *) echo "--only takes cold or warm" >&2; exit 2 ;; esac
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "--runs takes a positive number" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tandem-startup.XXXXXX")"
host_pid=""

cleanup() {
  if [ -n "$host_pid" ] && kill -0 "$host_pid" 2>/dev/null; then
    kill -TERM "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Microseconds since the epoch, without forking (EPOCHREALTIME's separator follows the locale).
now_us() { local t=$EPOCHREALTIME; echo "${t//[.,]/}"; }

# A pause without forking /bin/sleep at every poll: read with a timeout on a pipe that never gets data.
exec {pause_fd}<> <(:)
pause() { read -r -t "$1" -u "$pause_fd" _ || true; }

# A loopback port nobody listens on (probed with bash's /dev/tcp, no helper process), taken below the kernel's
# ephemeral range so that no outgoing connection can grab it while the host starts.
read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || ephemeral_low=32768
[ "$ephemeral_low" -gt 11000 ] || ephemeral_low=65000
free_port() {
  local port
  while :; do
    port=$((10000 + RANDOM % (ephemeral_low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

if [ -z "$bin" ]; then
  bin="$work/publish"
  echo "publishing src/Host (Release${publish_args[*]:+, ${publish_args[*]}}) to $bin ..."
  (cd "$root" && dotnet publish src/Host -c Release -o "$bin" -nologo -v q "${publish_args[@]}") >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; echo "publish failed" >&2; exit 1; }
fi
bin="$(cd "$bin" && pwd)"
bins=("$bin" "${compare[@]}")
names=(host)
for dir in "${compare[@]}"; do names+=("$(basename "$dir")"); done
for dir in "${bins[@]}"; do
  [ -d "$dir/plugins" ] || echo "warning: $dir/plugins does not exist: no bundled plugin will be loaded" >&2
done
# Sets host to the command that starts the host published in $1.
host_in() { if [ -x "$1/Tandem.Host" ]; then host=("$1/Tandem.Host"); else host=(dotnet "$1/Tandem.Host.dll"); fi; }
host_in "$bin"

# The yardstick: what the runtime, ASP.NET Core and Kestrel cost on this machine today. Generated from the SDK's own
# template (no download beyond what a restore of the host needs), outside the repository so that none of its build
# settings apply, and published like the host (Release, ReadyToRun, then the same extra arguments).
if [ "$bare" = 1 ]; then
  echo "publishing a bare ASP.NET Core app (dotnet new web, one endpoint) to $work/bare ..."
  ( cd "$work" && dotnet new web -n Bare -o "$work/bare-src" --no-update-check ) >"$work/bare.log" 2>&1 \
    || { cat "$work/bare.log" >&2; echo "dotnet new web failed" >&2; exit 1; }
  cat >"$work/bare-src/Program.cs" <<'CS'
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/ready", () => Results.Ok(new { status = "ready" }));
app.Run();
CS
  ( cd "$work/bare-src" && dotnet publish -c Release -p:PublishReadyToRun=true -o "$work/bare" -nologo -v q "${publish_args[@]}" ) \
    >>"$work/bare.log" 2>&1 || { cat "$work/bare.log" >&2; echo "publish of the bare app failed" >&2; exit 1; }
  bare_cmd=("$work/bare/Bare")
fi

# Production unless the caller says otherwise; no bootstrap key.
base_env=(ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production)
unset TANDEM_BOOTSTRAP_API_KEY

# One start; sets ms (process start to ready), cpu (CPU time the process used until then, all threads, 10 ms ticks)
# and rss (peak resident MB). $1 = data folder of the host, or "" for the bare app; $2 = log file.
measure_once() {
  local data=$1 log=$2 attempt fresh=0
  [ -z "$data" ] || [ -e "$data" ] || fresh=1
  for attempt in 1 2 3; do
    if start_once "$data" "$log"; then return; fi
    grep -qi "address already in use" "$log" || break
    echo "(port taken by someone else meanwhile: run again)" >&2
    [ "$fresh" = 0 ] || rm -rf "$data"   # a cold run stays cold
  done
  echo "the process exited before it was ready; its output:" >&2; cat "$log" >&2; exit 1
}

start_once() {
  local data=$1 log=$2 port url started ready
  port=$(free_port)
  url="http://127.0.0.1:$port/health/ready"
  started=$(now_us)
  if [ -n "$data" ]; then
    env "${base_env[@]}" "${host_env[@]}" "${host[@]}" run --urls "http://127.0.0.1:$port" "--Tandem:DataDirectory=$data" >"$log" 2>&1 &
  else
    env "${base_env[@]}" "${host_env[@]}" "${bare_cmd[@]}" --urls "http://127.0.0.1:$port" >"$log" 2>&1 &
  fi
  host_pid=$!
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! kill -0 "$host_pid" 2>/dev/null; then
      wait "$host_pid" 2>/dev/null || true
      host_pid=""
      return 1
    fi
    if [ $(( $(now_us) - started )) -gt 120000000 ]; then
      echo "not ready after 120 s; its output:" >&2; cat "$log" >&2; exit 1
    fi
    pause "$interval"
  done
  ready=$(now_us)
  cpu=$(sed 's/^.*) //' "/proc/$host_pid/stat" 2>/dev/null | awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($12 + $13) * 1000 / hz }' || true)
  rss=$(awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$host_pid/status" 2>/dev/null || true)
  kill -TERM "$host_pid" 2>/dev/null || true
  wait "$host_pid" 2>/dev/null || true
  host_pid=""
  ms=$(( (ready - started + 500) / 1000 ))
}

median() { # $1 = file, $2 = column
  awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { # $1 = label, $2 = host file, $3 = column
  local h b
  h=$(median "$2" "$3"); b=$(median "$work/bare.txt" "$3")
  [ -n "$h" ] && [ -n "$b" ] && [ "$b" != 0 ] || return 0
  awk -v l="$1" -v h="$h" -v b="$b" 'BEGIN { printf "%-12s %5d / %5d ms = %.2fx\n", l, h, b, h / b }'
}

summary() { # $1 = label, $2 = column, stdin = "<ms> <cpu ms>" per line
  awk -v c="$2" '{ print $c }' | sort -n | awk -v label="$1" '
    { v[NR] = $1 }
    END {
      if (NR == 0) exit
      median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      p = int(0.9 * NR); if (p < 0.9 * NR) p++   # nearest rank
      printf "%-12s n=%-3d min %5d   median %5d   p90 %5d   max %5d ms\n", label, NR, v[1], median, v[p], v[NR]
    }'
}

echo "machine: $(nproc) cores, $(uname -sr), .NET SDK $(dotnet --version 2>/dev/null || echo '?')"
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$root" status --porcelain -- src plugins 2>/dev/null)" ] && echo ' (src/ or plugins/ has uncommitted changes)')"
echo "binary:  ${host[*]}"
for k in "${!compare[@]}"; do echo "compare: ${names[k + 1]} = ${compare[k]}"; done
[ "$bare" = 0 ] || echo "bare:    ${bare_cmd[*]} (dotnet new web, published Release + ReadyToRun)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
[ ${#host_env[@]} -eq 0 ] || echo "env:     ${host_env[*]}"

mkdir -p "$work/logs"
kinds=()
[ "$only" = warm ] || kinds+=(cold)
[ "$only" = cold ] || kinds+=(warm)
# Result files are named <build>-<kind>.txt (build "host" is the one published or given with --bin), and bare.txt.
label() { if [ "$1" = host ]; then echo "$2"; else echo "$1 $2"; fi; }
for k in "${!bins[@]}"; do
  host_in "${bins[k]}"
  if [ "$only" != cold ]; then
    env "${base_env[@]}" "${host_env[@]}" "${host[@]}" migrate "--Tandem:DataDirectory=$work/data-warm-$k" >"$work/logs/migrate-$k.log" 2>&1 \
      || { cat "$work/logs/migrate-$k.log" >&2; echo "migrate failed" >&2; exit 1; }
  fi
  # Untimed: brings the binaries into the page cache so that the first timed run is not the only one reading the disk.
  measure_once "$work/data-warmup-$k" "$work/logs/warmup-$k.log"
  echo "$(label "${names[k]}" warm-up) run (not counted): $ms ms"
  for kind in "${kinds[@]}"; do : >"$work/${names[k]}-$kind.txt"; done
done
if [ "$bare" = 1 ]; then
  measure_once "" "$work/logs/bare-warmup.log"
  echo "bare warm-up run (not counted): $ms ms"
  : >"$work/bare.txt"
fi

for i in $(seq 1 "$runs"); do
  for k in "${!bins[@]}"; do
    host_in "${bins[k]}"
    for kind in "${kinds[@]}"; do
      if [ "$kind" = cold ]; then data="$work/data-cold-$k-$i"; else data="$work/data-warm-$k"; fi
      measure_once "$data" "$work/logs/${names[k]}-$kind-$i.log"
      echo "$ms $cpu" >>"$work/${names[k]}-$kind.txt"
      printf 'run %2d  %-12s %5d ms  (CPU %s ms, peak RSS %s MB)\n' "$i" "$(label "${names[k]}" "$kind")" "$ms" "${cpu:-?}" "${rss:-?}"
    done
  done
  if [ "$bare" = 1 ]; then
    measure_once "" "$work/logs/bare-$i.log"
    echo "$ms $cpu" >>"$work/bare.txt"
    printf 'run %2d  %-12s %5d ms  (CPU %s ms, peak RSS %s MB)\n' "$i" bare "$ms" "${cpu:-?}" "${rss:-?}"
  fi
done

for column in 1 2; do
  echo
  if [ "$column" = 1 ]; then
    echo "process start -> /health/ready 200, wall clock (polled every ${interval}s with curl: up to ~10 ms late):"
  else
    echo "CPU time used until ready (user+system, all threads; less sensitive to a busy machine):"
  fi
  for k in "${!bins[@]}"; do
    for kind in "${kinds[@]}"; do summary "$(label "${names[k]}" "$kind")" "$column" <"$work/${names[k]}-$kind.txt"; done
  done
  [ "$bare" = 0 ] || summary bare "$column" <"$work/bare.txt"
done
if [ "$bare" = 1 ]; then
  echo
  echo "host / bare app, medians of the same run (target: at most 3x):"
  for column in 1 2; do
    if [ "$column" = 1 ]; then echo "wall clock"; else echo "CPU time"; fi
    for k in "${!bins[@]}"; do
      for kind in "${kinds[@]}"; do ratio "$(label "${names[k]}" "$kind")" "$work/${names[k]}-$kind.txt" "$column"; done
    done
  done
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; well above 0 means other work competed)"
