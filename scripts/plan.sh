#!/usr/bin/env bash
# `npm run plan [-- --target prod]`: the example project's build plan, through real dbt, as a dry run.
# Needs no Snowflake: a dry run opens no connection (the profile's credentials are dummies).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
exec bash "$root/scripts/dbt-example.sh" run-operation build_orchestration_resources --args '{dry_run: true, offline: true}' "$@"
