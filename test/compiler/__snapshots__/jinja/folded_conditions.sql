{%- macro folded_conditions(kind) -%}
  {%- set lines = [] -%}
  {%- if kind == "" -%}
    {%- do lines.append("no kind") -%}
  {%- else -%}
    {%- do lines.append("lenient") -%}
  {%- endif -%}
  {%- do lines.append("not strict") -%}
  {%- do lines.append("create " ~ kind) -%}
  {%- do lines.append("create or replace " ~ kind) -%}
  {%- do lines.append("unchecked") -%}
  {%- do return(lines) -%}
{%- endmacro -%}
