#!/usr/bin/env bash
# Runs dbt in the bundled example project (integration_tests/) with its dummy Snowflake profile.
# Usage: scripts/cli/dbt-example.sh <dbt arguments…>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root/integration_tests"
export DBT_PROFILES_DIR="$root/integration_tests/profiles"
export DO_NOT_TRACK=1 DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_USE_COLORS=false
# The vendored requests in snowflake-connector warns about urllib3 versions on import; it is noise here.
export PYTHONWARNINGS="ignore::Warning"
if [ ! -d dbt_packages/dbt_cloud_orchestration ]; then
  "$root/.venv/bin/dbt" deps --quiet >&2
fi
exec "$root/.venv/bin/dbt" "$@"
