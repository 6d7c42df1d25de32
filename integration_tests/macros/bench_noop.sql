{#- The baseline of `npm run bench` (scripts/bench/plan-cost.ts): a run-operation that does nothing, so
    the per-job cost of a plan is measured over dbt's own start-up and parse in the same project. -#}
{% macro bench_noop() %}
{% endmacro %}
