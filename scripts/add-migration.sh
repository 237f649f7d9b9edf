#!/usr/bin/env bash
# Adds a migration with the same name to every module, for both providers (SQLite and PostgreSQL).
# Usage: scripts/add-migration.sh <Name> [Module...]   e.g. scripts/add-migration.sh AddLeadScore Leads
# Needs dotnet-ef: dotnet tool install --global dotnet-ef --version 10.0.15
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh <Name> [Module...]}
shift
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(Content Leads Prospects Outreach Platform)
export PATH="$PATH:$HOME/.dotnet/tools"
cd "$(dirname "$0")/.."
for module in "${modules[@]}"; do
  if [ "$module" = Platform ]; then project=src/Host; else project=src/Modules/$module/$module; fi
  dotnet build "$project" -v q -nologo >/dev/null
  for provider in Sqlite Postgres; do
    dotnet ef migrations add "$name" --no-build --project "$project" --startup-project "$project" \
      --context "${provider}${module}DbContext" --output-dir "Data/Migrations/$provider"
  done
done
# A fresh SQLite database is created from a script generated from the migrations (src/Host/Schema, docs/architecture.md):
# regenerate the scripts so that they carry the new migration (a test fails until they do).
echo "Regenerating src/Host/Schema/*.sql from the migrations"
TANDEM_UPDATE_SCHEMA_SCRIPTS=1 dotnet test tests/Messaging.Tests -v q -nologo --filter "FullyQualifiedName~SchemaScriptTests.Each_embedded_script" >/dev/null
