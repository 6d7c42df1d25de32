{%- macro truthiness(list, record, zero, empty) -%}
  {%- set out = [] -%}
  {%- if list is not none -%}
    {%- do out.append("list is truthy") -%}
  {%- endif -%}
  {%- if record is not none -%}
    {%- do out.append("record is truthy") -%}
  {%- endif -%}
  {%- if not zero -%}
    {%- do out.append("zero is falsy") -%}
  {%- endif -%}
  {%- if not empty -%}
    {%- do out.append("empty string is falsy") -%}
  {%- endif -%}
  {%- do out.append("both" if ((record if (list is not none) else list) is not none) else "not both") -%}
  {%- do return(out) -%}
{%- endmacro -%}
