#!/usr/bin/env bash
# Make an offline scratch dbt project that installs a local package and stubs the warehouse.
#
#   scripts/fusion/make_scratch.sh DIR [PKG_DIR] [PKG_NAME]
#
# DIR/profiles/profiles.yml  Snowflake profile with dummy credentials (never reached)
# DIR/root/                  root project `scratch_root`: packages.yml -> local: PKG_DIR,
#                            dispatch config for PKG_NAME, and root overrides of run_query and
#                            statement that print a marker line instead of querying.
# PKG_DIR defaults to DIR/pkg, a demo package `mypkg` with macros my_macro / uses_rq.
#
# Then, with either engine (same commands):
#   cd DIR/root
#   export DBT_PROFILES_DIR=DIR/profiles DBT_DISABLE_VERSION_CHECK=true DBT_SEND_ANONYMOUS_USAGE_STATS=false
#   dbt deps && dbt parse && dbt run-operation my_macro --args '{a: 1}'
# Every line a macro prints with {{ print("FUSION_JSON " ~ tojson(x)) }} appears verbatim on stdout
# on both engines (log(msg, info=True) does too on Fusion; dbt-core prefixes a timestamp).
set -euo pipefail
dir="${1:?usage: make_scratch.sh DIR [PKG_DIR] [PKG_NAME]}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pkg="${2:-$dir/pkg}"
pkg_name="${3:-mypkg}"
mkdir -p "$dir/profiles" "$dir/root/macros"

cat > "$dir/profiles/profiles.yml" <<'EOF'
scratch:
  target: dev
  outputs:
    dev:
      type: snowflake
      account: dummy
      user: dummy
      password: dummy
      database: ANALYTICS
      warehouse: W
      schema: dbt
      threads: 1
EOF

cat > "$dir/root/dbt_project.yml" <<EOF
name: scratch_root
version: "1.0.0"
config-version: 2
profile: scratch
macro-paths: ["macros"]
# adapter.dispatch("x", "$pkg_name") looks in the root project first (works on both engines).
dispatch:
  - macro_namespace: $pkg_name
    search_order: ["scratch_root", "$pkg_name"]
EOF

cat > "$dir/root/packages.yml" <<EOF
packages:
  - local: $pkg
EOF

# Root-level overrides. On dbt-core 1.11 and dbt 2.0.0-preview.196 alike, a bare run_query(...) or
# {% call statement(...) %} inside a package macro resolves to these (root beats dbt's global
# project). A root macro named `log` only takes effect on dbt-core; Fusion keeps its builtin log.
cat > "$dir/root/macros/scratch_overrides.sql" <<'EOF'
{% macro run_query(sql) %}
  {{ print("FUSION_JSON " ~ tojson({"event": "run_query", "sql": sql ~ ""})) }}
  {{ return(none) }}
{% endmacro %}

{% macro statement(name=None, fetch_result=False, auto_begin=True, language='sql') -%}
  {%- if execute -%}
    {%- set sql = caller() -%}
    {{ print("FUSION_JSON " ~ tojson({"event": "statement", "name": name, "sql": sql ~ ""})) }}
    {%- do store_result(name, response="OK", agate_table=none) -%}
  {%- endif -%}
{%- endmacro %}
EOF

if [ "$pkg" = "$dir/pkg" ]; then
  mkdir -p "$dir/pkg/macros"
  cat > "$dir/pkg/dbt_project.yml" <<EOF
name: $pkg_name
version: "1.0.0"
config-version: 2
macro-paths: ["macros"]
EOF
  cat > "$dir/pkg/macros/demo.sql" <<'EOF'
{% macro my_macro(a) %}
  {% do log("MARK " ~ tojson({"a": a, "a_plus_1": a + 1}), info=True) %}
  {{ print("FUSION_JSON " ~ tojson({"event": "result", "a": a})) }}
{% endmacro %}

{% macro uses_rq(sql) %}
  {% set r = run_query(sql) %}
  {{ print("FUSION_JSON " ~ tojson({"event": "after_run_query", "r_is_none": r is none})) }}
{% endmacro %}
EOF
fi
echo "$dir"
