#!/usr/bin/env bash
# Proves the `dotnet new tandem-plugin` template end to end, from an empty temporary folder:
#   1. packs Tandem.Plugins.Abstractions and Tandem.Plugins.Conformance into a local feed;
#   2. installs templates/tandem-plugin (in a private template hive) and instantiates it as Contoso.Sms / contoso-sms;
#   3. builds it and runs its test project (the conformance kit) against that feed;
#   4. publishes the plugin into a plugins folder and asks the host (`plugins list`, the host built in
#      src/Host/bin/Debug) for its status: it must be Active with its channel.
# Not part of `dotnet test` (it packs, restores and builds three projects: minutes on a busy machine).
# Usage: scripts/check-template.sh [work-folder]   (default: a new temporary folder, removed on success)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-$(mktemp -d)}"
FEED="$WORK/feed"
HIVE="$WORK/template-hive"
HOST_DLL="$ROOT/src/Host/bin/Debug/net10.0/Tandem.Host.dll"
log() { printf '[check-template] %s\n' "$*" >&2; }
start=$(date +%s)

[ -f "$HOST_DLL" ] || { log "build the host first: dotnet build src/Host"; exit 1; }
mkdir -p "$FEED"
log "packing the contract and the conformance kit into $FEED"
dotnet pack "$ROOT/src/Plugins.Abstractions" -c Release -o "$FEED" -v q -nologo >&2
dotnet pack "$ROOT/src/Plugins.Conformance" -c Release -o "$FEED" -v q -nologo >&2
# The global package cache keeps a package by id and version: drop these two so the fresh packs are used.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/tandem.plugins.abstractions/1.3.0" \
       "${NUGET_PACKAGES:-$HOME/.nuget/packages}/tandem.plugins.conformance/1.3.0"

log "dotnet new tandem-plugin -n Contoso.Sms --pluginId contoso-sms"
dotnet new install "$ROOT/templates/tandem-plugin" --debug:custom-hive "$HIVE" >&2
cd "$WORK"
dotnet new tandem-plugin -n Contoso.Sms --pluginId contoso-sms --debug:custom-hive "$HIVE" >&2
cd Contoso.Sms
dotnet new nugetconfig >&2
dotnet nuget add source "$FEED" -n tandem-local --configfile nuget.config >&2

log "building and running the conformance kit"
dotnet test Contoso.Sms.Tests -nologo 2>&1 | tee "$WORK/test.log" | tail -5 >&2
grep -Eq 'Passed!.*Failed: +0, Passed: +[1-9]' "$WORK/test.log" || { log "the generated plugin did not pass the kit (see $WORK/test.log)"; exit 1; }

log "loading it in the host"
dotnet publish Contoso.Sms -c Release -o "$WORK/plugins/contoso-sms" -nologo -v q >&2
listing=$(env "Tandem__Plugins__Directory=$WORK/plugins" "Tandem__DataDirectory=$WORK/data" \
    "Tandem__Plugins__contoso-sms__ApiKey=check" "Tandem__Plugins__contoso-sms__ApiBaseUrl=http://127.0.0.1:9/" \
    dotnet "$HOST_DLL" plugins list 2>&1)
printf '%s\n' "$listing" | grep contoso-sms >&2 || true
printf '%s\n' "$listing" | grep contoso-sms | grep -q Active || { log "the host did not load it Active:"; printf '%s\n' "$listing" >&2; exit 1; }
printf '%s\n' "$listing" | grep contoso-sms | grep -q 'channel:contoso-sms' || { log "the host does not list its channel"; exit 1; }

log "OK in $(( $(date +%s) - start )) s: the template builds, passes the conformance kit and loads Active in the host"
[ -n "${1:-}" ] || rm -rf "$WORK"
