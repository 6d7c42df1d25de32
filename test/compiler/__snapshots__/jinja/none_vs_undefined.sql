{%- macro none_vs_undefined(settings) -%}
  {%- set mode = settings.get("mode") -%}
  {%- do return([
    mode is none,
    settings.get("retries") is none,
    mode if (mode is not none) else "default",
    settings.get("retries") if (settings.get("retries") is not none) else 0,
    mode,
    settings
  ]) -%}
{%- endmacro -%}
