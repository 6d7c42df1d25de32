#!/usr/bin/env bash
# `npm run bench`: the benchmarks whose numbers docs/development.md quotes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash scripts/cli/setup.sh
echo "## Compiler"
npx tsx scripts/bench/compiler.ts
echo
echo "## npm run macro: one call per engine"
npx tsx scripts/bench/macro-cli.ts
echo
echo "## Offline plan through real dbt: cost per job over a no-op run-operation (300 jobs)"
npx tsx scripts/bench/plan-cost.ts
echo
echo "## Reconciliation (unchanged rebuild)"
npx tsx scripts/bench/reconcile.ts
echo
echo "## dbt_cloud_run_job handler (stand-in API with 100 ms latency)"
.venv/bin/python scripts/bench/handler.py
echo
echo "## A simulated week (npm run simulate -- --days 7 --seed 1 --timing): runs per necessary run, cost per invocation"
(cd tests_py && ../.venv/bin/python -W ignore -m simulation --days 7 --seed 1 --timing)
