#!/usr/bin/env bash
# `npm run plan [-- --engine fusion] [-- --target prod]`: the example project's build plan, through
# real dbt, as a dry run planned offline (against an empty schema): no Snowflake needed, no connection
# opened, the profile's credentials are dummies. The engine is dbt-core 1.11 by default; `--engine
# fusion` (or DBT_ENGINE=fusion) uses dbt 2.x in a copy of the example project (scripts/cli/fusion-example.sh).
# `npm run plan -- --graph`: the example project's Mermaid diagram instead (tables → tasks → jobs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
engine="${DBT_ENGINE:-core}"
graph=false
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine="${2:?--engine needs core or fusion}"; shift 2 ;;
    --engine=*) engine="${1#--engine=}"; shift ;;
    --graph) graph=true; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$engine" in
  core|dbt-core) dbt=("$root/scripts/cli/dbt-example.sh") ;;
  fusion) dbt=("$root/scripts/cli/fusion-example.sh") ;;
  *) echo "plan.sh: unknown engine '$engine' (core or fusion)" >&2; exit 2 ;;
esac
bash "$root/scripts/cli/setup.sh"
if [ "$graph" = true ]; then
  exec bash "${dbt[@]}" --quiet run-operation orchestration_graph "${args[@]}"
fi
exec bash "${dbt[@]}" run-operation build_orchestration_resources --args '{dry_run: true, offline: true}' "${args[@]}"
