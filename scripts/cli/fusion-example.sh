#!/usr/bin/env bash
# Runs dbt 2.x ("Fusion", .venv-fusion) in a copy of the example project (integration_tests/).
# Usage: scripts/cli/fusion-example.sh <dbt arguments…>
#
# The copy (.cache/fusion/example/, or FUSION_EXAMPLE_DIR) has integration_tests' dbt_project.yml, models/, macros/ and profile,
# the package as `local: <repo root>`, and one addition: a root `run_query` that raises, so no dbt 2.x run
# can ever execute SQL (dbt 2.x would fetch an ADBC driver and connect; see "dbt 2.x offline" in docs/development.md).
# Network: version check and telemetry off (env and flags), HOME is a scratch folder (no cached
# driver), HTTP(S) proxies point at a closed port on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/scripts/engines/fusion/install.sh" >/dev/null
# FUSION_EXAMPLE_DIR: another copy, for callers that run at the same time as others (the test suites).
example="${FUSION_EXAMPLE_DIR:-$root/.cache/fusion/example}"
rm -rf "$example/models" "$example/profiles" "$example/macros"
mkdir -p "$example" "$root/.cache/fusion/home"
cp -r "$root/integration_tests/macros" "$example/macros"
cp "$root/integration_tests/dbt_project.yml" "$example/dbt_project.yml"
cp -r "$root/integration_tests/models" "$example/models"
cp -r "$root/integration_tests/profiles" "$example/profiles"
rm -f "$example/profiles/.user.yml"
printf 'packages:\n  - local: %s\n' "$root" > "$example/packages.yml"
cat > "$example/macros/fusion_offline_guard.sql" <<'SQL'
{% macro run_query(sql) %}
  {{ exceptions.raise_compiler_error("scripts/cli/fusion-example.sh runs offline: run_query is not allowed (use a dry run)") }}
{% endmacro %}
SQL
cd "$example"
proxy="http://127.0.0.1:9"
fusion_dbt() {
  env -i PATH="$PATH" HOME="$root/.cache/fusion/home" \
    DBT_PROFILES_DIR="$example/profiles" DBT_DISABLE_VERSION_CHECK=true DBT_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1 \
    HTTP_PROXY="$proxy" HTTPS_PROXY="$proxy" ALL_PROXY="$proxy" http_proxy="$proxy" https_proxy="$proxy" all_proxy="$proxy" \
    "$root/.venv-fusion/bin/dbt" "$@" --no-version-check --no-send-anonymous-usage-stats
}
# A new copy installs the package first, as scripts/cli/dbt-example.sh does, so that no command's output
# starts with dbt 2.x's "Auto installing dependencies" line.
if [ ! -f "$example/package-lock.yml" ]; then
  fusion_dbt deps --quiet >&2
fi
fusion_dbt "$@"
