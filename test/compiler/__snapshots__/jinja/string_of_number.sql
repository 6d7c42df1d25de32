{%- macro string_of_number(half) -%}
  {%- set whole = half + half -%}
  {%- set scaled = half * 4 -%}
  {%- do return([
    ((whole | int) if ((whole | int) == whole) else whole) | string,
    ((scaled | int) if ((scaled | int) == scaled) else scaled) | string,
    ((half | int) if ((half | int) == half) else half) | string,
    "n=" ~ ((whole | int) if ((whole | int) == whole) else whole),
    (((whole - 0.25) | int) if (((whole - 0.25) | int) == (whole - 0.25)) else (whole - 0.25)) | string,
    ((whole | int) if ((whole | int) == whole) else whole) | string,
    ([half] | length) | string
  ]) -%}
{%- endmacro -%}
