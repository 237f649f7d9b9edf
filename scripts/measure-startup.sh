#!/usr/bin/env bash
# Measures how long the host takes from process start to "ready" (GET /health/ready answers 200: migrations ran,
# plugins loaded), the way it is shipped: `dotnet publish src/Host -c Release`, all modules and bundled plugins on.
#
#   cold  a fresh, empty data folder: every module's database is created and migrated
#   warm  a data folder migrated beforehand (`Tandem.Host migrate`): the usual restart
#
# Usage: scripts/measure-startup.sh [options] [-- extra dotnet publish arguments]
#   -n, --runs N        timed runs of each kind (default 10), interleaved cold/warm, after one untimed warm-up run
#   --env KEY=VALUE     environment for the host (repeatable), e.g. --env DOTNET_TieredPGO=0
#   --bin DIR           measure an already published folder instead of publishing
#   --only cold|warm    measure one kind only
#   --interval SECONDS  pause between two polls (default 0.005; each poll is one curl)
#   --keep              keep the temporary folder (publish output, data folders, one log per run)
# Examples:
#   scripts/measure-startup.sh                                      # as shipped (Release publishes ReadyToRun)
#   scripts/measure-startup.sh -n 20 -- -p:PublishReadyToRun=false  # the same without precompiled code
#   scripts/measure-startup.sh --only warm --env DOTNET_TieredPGO=0
# Needs: dotnet, curl. Prints each run, then min/median/p90/max in milliseconds. See docs/performance.md.
set -euo pipefail

runs=10
interval=0.005
bin=""
only=""
keep=0
host_env=()
publish_args=()

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -n|--runs) runs=${2:?}; shift 2 ;;
    --env) host_env+=("${2:?}"); shift 2 ;;
    --bin) bin=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --interval) interval=${2:?}; shift 2 ;;
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
if [ -x "$bin/Tandem.Host" ]; then host=("$bin/Tandem.Host"); else host=(dotnet "$bin/Tandem.Host.dll"); fi
[ -d "$bin/plugins" ] || echo "warning: $bin/plugins does not exist: no bundled plugin will be loaded" >&2

# Production unless the caller says otherwise; no bootstrap key.
base_env=(ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production)
unset TANDEM_BOOTSTRAP_API_KEY

# One start; sets ms (process start to ready), cpu (CPU time the host used until then, all threads, 10 ms ticks)
# and rss (peak resident MB). $1 = data folder, $2 = log file.
measure_once() {
  local data=$1 log=$2 attempt fresh=0
  [ -e "$data" ] || fresh=1
  for attempt in 1 2 3; do
    if start_once "$data" "$log"; then return; fi
    grep -qi "address already in use" "$log" || break
    echo "(port taken by someone else meanwhile: run again)" >&2
    [ "$fresh" = 0 ] || rm -rf "$data"   # a cold run stays cold
  done
  echo "the host exited before it was ready; its output:" >&2; cat "$log" >&2; exit 1
}

start_once() {
  local data=$1 log=$2 port url started ready
  port=$(free_port)
  url="http://127.0.0.1:$port/health/ready"
  started=$(now_us)
  env "${base_env[@]}" "${host_env[@]}" "${host[@]}" run --urls "http://127.0.0.1:$port" "--Tandem:DataDirectory=$data" >"$log" 2>&1 &
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

summary() { # $1 = label, $2 = column, stdin = "<ms> <cpu ms>" per line
  awk -v c="$2" '{ print $c }' | sort -n | awk -v label="$1" '
    { v[NR] = $1 }
    END {
      if (NR == 0) exit
      median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      p = int(0.9 * NR); if (p < 0.9 * NR) p++   # nearest rank
      printf "%-5s n=%-3d min %5d   median %5d   p90 %5d   max %5d ms\n", label, NR, v[1], median, v[p], v[NR]
    }'
}

echo "machine: $(nproc) cores, $(uname -sr), .NET SDK $(dotnet --version 2>/dev/null || echo '?')"
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$root" status --porcelain -- src plugins 2>/dev/null)" ] && echo ' (src/ or plugins/ has uncommitted changes)')"
echo "binary:  ${host[*]}"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
[ ${#host_env[@]} -eq 0 ] || echo "env:     ${host_env[*]}"

mkdir -p "$work/logs"
warm_data="$work/data-warm"
if [ "$only" != cold ]; then
  env "${base_env[@]}" "${host_env[@]}" "${host[@]}" migrate "--Tandem:DataDirectory=$warm_data" >"$work/logs/migrate.log" 2>&1 \
    || { cat "$work/logs/migrate.log" >&2; echo "migrate failed" >&2; exit 1; }
fi

# Untimed: brings the binaries into the page cache so that the first timed run is not the only one reading the disk.
measure_once "$work/data-warmup" "$work/logs/warmup.log"
echo "warm-up run (not counted): $ms ms"

: >"$work/cold.txt"; : >"$work/warm.txt"
for i in $(seq 1 "$runs"); do
  if [ "$only" != warm ]; then
    measure_once "$work/data-cold-$i" "$work/logs/cold-$i.log"
    echo "$ms $cpu" >>"$work/cold.txt"
    printf 'run %2d  cold %5d ms  (CPU %s ms, peak RSS %s MB)\n' "$i" "$ms" "${cpu:-?}" "${rss:-?}"
  fi
  if [ "$only" != cold ]; then
    measure_once "$warm_data" "$work/logs/warm-$i.log"
    echo "$ms $cpu" >>"$work/warm.txt"
    printf 'run %2d  warm %5d ms  (CPU %s ms, peak RSS %s MB)\n' "$i" "$ms" "${cpu:-?}" "${rss:-?}"
  fi
done

echo
echo "process start -> /health/ready 200, wall clock (polled every ${interval}s with curl: up to ~10 ms late):"
[ "$only" = warm ] || summary cold 1 <"$work/cold.txt"
[ "$only" = cold ] || summary warm 1 <"$work/warm.txt"
echo "CPU time the host used until ready (user+system, all threads; less sensitive to a busy machine):"
[ "$only" = warm ] || summary cold 2 <"$work/cold.txt"
[ "$only" = cold ] || summary warm 2 <"$work/warm.txt"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; well above 0 means other work competed)"
