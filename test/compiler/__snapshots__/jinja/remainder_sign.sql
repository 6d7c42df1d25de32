{%- macro remainder_sign(a, b) -%}
  {%- do return([
    a - (b * ((a / b) | int)),
    (-a) - (b * (((-a) / b) | int)),
    a - ((-b) * ((a / (-b)) | int)),
    (-a) - ((-b) * (((-a) / (-b)) | int))
  ]) -%}
{%- endmacro -%}
