{%- macro replace_first_vs_all(text) -%}
  {%- do return([
    text.replace("a", "_", 1),
    text | replace("a", "_"),
    text.replace("zz", "_", 1),
    text.replace("an", "", 1)
  ]) -%}
{%- endmacro -%}
