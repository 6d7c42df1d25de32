{%- macro integer_division(a, b) -%}
  {%- do return((((a / b) | int) - (1 if ((a / b) < ((a / b) | int)) else 0))
    ~ " r "
    ~ (((a - (b * ((a / b) | int))) | int)
      if (((a - (b * ((a / b) | int))) | int) == (a - (b * ((a / b) | int))))
      else (a - (b * ((a / b) | int))))) -%}
{%- endmacro -%}
