{%- macro logic_objects(o, maybe=none) -%}
  {%- do return([
    "has o" if (o is not none) else o,
    not (o is not none),
    "object" if (o is not none) else "none",
    maybe if (maybe is not none) else o,
    "has maybe" if (maybe is not none) else maybe,
    maybe if (maybe is not none) else {"fallback": "yes"},
    not (maybe is not none)
  ]) -%}
{%- endmacro -%}
