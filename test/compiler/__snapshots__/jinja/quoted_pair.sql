{%- macro quoted_pair(first, second) -%}
  {%- do return("('" ~ (first | replace("'", "''")) ~ "', '" ~ ((second | trim) | replace("'", "''")) ~ "')") -%}
{%- endmacro -%}
