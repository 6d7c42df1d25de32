#!/usr/bin/env bash
# `npm test`: every check the project has, from set-up to the last suite. CI runs exactly this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "macros/ is a fresh build of macros-src/"
node scripts/cli/launch.mjs build --check

step "TypeScript type check (tsc --noEmit)"
npx tsc --noEmit -p tsconfig.json

step "Python handler: py_compile and ruff"
.venv/bin/python -m py_compile macros-src/procedure/dbt_cloud_run_job.py
.venv/bin/ruff check .
.venv/bin/ruff format --check .

step "dbt parses the example project with the package installed"
bash scripts/dbt-example.sh --quiet parse

step "the example project's config is valid (validate_orchestration_config, no connection)"
bash scripts/dbt-example.sh --quiet run-operation validate_orchestration_config

step "pytest: the procedure handler and the Jinja oracle"
.venv/bin/python -m pytest tests_py -q

step "vitest: compiler corpus on both engines, diagnostics, package statements, real dbt"
npx vitest run
