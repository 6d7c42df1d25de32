{%- macro loops(items, stopAt) -%}
  {%- set tsj_ns = namespace() -%}
  {%- set tsj_ns.seen = 0 -%}
  {%- set tsj_ns.lastIndex = -1 -%}
  {%- set kept = [] -%}
  {%- for item in items -%}
    {%- set index = loop.index0 -%}
    {%- if item == "" -%}
      {%- continue -%}
    {%- endif -%}
    {%- if item == stopAt -%}
      {%- break -%}
    {%- endif -%}
    {%- set tsj_ns.seen = (tsj_ns.seen + 1)
      if (((tsj_ns.seen + 1) | abs) <= 9007199254740992)
      else exceptions.raise_compiler_error(
        "test/corpus/control.ts:25:5: 'seen += 1' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
      ) -%}
    {%- set tsj_ns.lastIndex = index -%}
    {%- do kept.append(index ~ ":" ~ item) -%}
  {%- endfor -%}
  {%- set tsj_ns.chars = 0 -%}
  {%- for ch in "abc" -%}
    {%- set tsj_ns.chars = (tsj_ns.chars + 1)
      if (((tsj_ns.chars + 1) | abs) <= 9007199254740992)
      else exceptions.raise_compiler_error(
        "test/corpus/control.ts:31:5: 'chars++' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
      ) -%}
    {%- do log(ch) -%}
  {%- endfor -%}
  {%- do return({"seen": tsj_ns.seen, "last_index": tsj_ns.lastIndex, "kept": kept, "chars": tsj_ns.chars}) -%}
{%- endmacro -%}
