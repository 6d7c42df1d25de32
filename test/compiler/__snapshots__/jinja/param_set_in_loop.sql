{%- macro param_set_in_loop(total, items) -%}
  {%- set tsj_ns = namespace() -%}
  {%- set tsj_ns.total = total -%}
  {%- for item in items -%}
    {%- set tsj_ns.total = (tsj_ns.total + item)
      if (((tsj_ns.total + item) | abs) <= 9007199254740992)
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:22:13: 'total + item' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
      ) -%}
  {%- endfor -%}
  {%- do return(tsj_ns.total) -%}
{%- endmacro -%}
