#!/usr/bin/env bash
# `npm test`: every check the project has, from set-up to the last suite. CI runs exactly this.
#
# The quick checks run first, one after the other; then the type check, the Python lint, pytest (in two
# processes) and vitest (two test files at a time, or more on more cores) run at the same time, so
# that every core stays busy to the end, each into its own log, printed whole when all have ended.
# A warm clone reuses what is unchanged: compiles (scripts/compiler/cache.ts), dbt's partial-parse files
# (.cache/dbt-partial-parse/, see tests_py/snowflake_standin/dbt_session.py) and tsc's build info.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash scripts/cli/setup.sh
started=$(date +%s)

step() { printf '\n== %s\n' "$*"; }

step "macros/ is a fresh build of macros-src/"
node scripts/cli/launch.mjs build --check

step "dbt parses the example project with the package installed, and its config is valid (validate_orchestration_config, no connection)"
bash scripts/cli/dbt-example.sh --quiet run-operation validate_orchestration_config

logs="$root/.cache/test-logs"
rm -rf "$logs"
mkdir -p "$logs"
suites=()
declare -A described
start_suite() {
  local name="$1"
  described[$name]="$2"
  shift 2
  suites+=("$name")
  (
    begun=$(date +%s)
    set +e
    "$@" >"$logs/$name.log" 2>&1
    echo $? >"$logs/$name.rc"
    echo $(($(date +%s) - begun)) >"$logs/$name.seconds"
  ) &
}

python_checks() {
  .venv/bin/python -m py_compile macros-src/procedure/dbt_cloud_run_job.py &&
    .venv/bin/ruff check . && .venv/bin/ruff format --check .
}

step "in parallel: tsc, ruff, pytest (two processes), vitest (logs in .cache/test-logs/)"
start_suite tsc "TypeScript type check (tsc --noEmit)" \
  npx tsc --noEmit -p tsconfig.json --incremental --tsBuildInfoFile .cache/tsc/tsconfig.tsbuildinfo
start_suite ruff "Python handler: py_compile and ruff" python_checks
# pytest in two processes of about equal length: the live tests, and everything else.
start_suite pytest-live "pytest: the live path through real dbt against the Snowflake stand-in (tests_py/test_live_*.py)" \
  .venv/bin/python -m pytest tests_py/test_live_*.py -q
start_suite pytest "pytest: the procedure handler, the stand-ins, the Jinja oracle, messages without a warehouse" \
  .venv/bin/python -m pytest tests_py -q --ignore-glob='tests_py/test_live_*.py'
start_suite vitest "vitest: compiler corpus on three engines, diagnostics, package statements, real dbt" \
  npx vitest run
wait

failed=0
summary=()
for name in "${suites[@]}"; do
  rc="$(cat "$logs/$name.rc")"
  seconds="$(cat "$logs/$name.seconds")"
  step "${described[$name]}"
  cat "$logs/$name.log"
  if [ "$rc" = 0 ]; then
    summary+=("  passed  ${seconds}s  ${described[$name]}")
  else
    summary+=("  FAILED  ${seconds}s  ${described[$name]} (exit $rc)")
    failed=1
  fi
done
step "summary ($(($(date +%s) - started)) s after set-up)"
printf '%s\n' "${summary[@]}"
exit "$failed"
