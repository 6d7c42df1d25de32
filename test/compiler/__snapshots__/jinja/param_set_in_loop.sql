{%- macro param_set_in_loop(total, items) -%}
  {%- set tsj_ns = namespace() -%}
  {%- set tsj_ns.total = total -%}
  {%- for item in items -%}
    {%- set tsj_ns.total = tsj_ns.total + item -%}
  {%- endfor -%}
  {%- do return(tsj_ns.total) -%}
{%- endmacro -%}
