{%- macro dispatched(identifier) -%}
  {%- set quote = adapter.dispatch("quote_name", "dbt_cloud_orchestration") -%}
  {%- set direct = adapter.dispatch("quote_name", "dbt_cloud_orchestration")(identifier) -%}
  {%- do return([quote(identifier), direct]) -%}
{%- endmacro -%}
