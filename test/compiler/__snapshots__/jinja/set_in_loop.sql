{%- macro set_in_loop(items) -%}
  {%- set tsj_ns = namespace() -%}
  {%- set tsj_ns.count = 0 -%}
  {%- set tsj_ns.last = "" -%}
  {%- set tsj_ns.found = false -%}
  {%- for item in items -%}
    {%- set tsj_ns.count = (tsj_ns.count + 1)
      if (((tsj_ns.count + 1) | abs) <= 9007199254740992)
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:12:5: 'count += 1' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
      ) -%}
    {%- set tsj_ns.last = item -%}
    {%- if item == "x" -%}
      {%- set tsj_ns.found = true -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do return({"count": tsj_ns.count, "last": tsj_ns.last, "found": tsj_ns.found}) -%}
{%- endmacro -%}
