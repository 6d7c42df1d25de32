#!/usr/bin/env bash
# `npm run simulate -- --days N --seed S [--json]`: a simulated week of the runtime (docs/development.md,
# "The simulated week"): the example project's jobs built through real dbt-core against the Snowflake
# stand-in, then N days of data arrivals with tasks firing on a simulated clock and a stand-in dbt Cloud.
# Prints the summary and whether every invariant held (exit 1 if not); --json prints the event log on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/scripts/cli/setup.sh"
cd "$root/tests_py"
exec "$root/.venv/bin/python" -W ignore -m simulation "$@"
