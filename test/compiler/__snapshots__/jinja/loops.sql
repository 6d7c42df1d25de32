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
    {%- set tsj_ns.seen = tsj_ns.seen + 1 -%}
    {%- set tsj_ns.lastIndex = index -%}
    {%- do kept.append(index ~ ":" ~ item) -%}
  {%- endfor -%}
  {%- set tsj_ns.chars = 0 -%}
  {%- for ch in "abc" -%}
    {%- set tsj_ns.chars = tsj_ns.chars + 1 -%}
    {%- do log(ch) -%}
  {%- endfor -%}
  {%- do return({"seen": tsj_ns.seen, "last_index": tsj_ns.lastIndex, "kept": kept, "chars": tsj_ns.chars}) -%}
{%- endmacro -%}
