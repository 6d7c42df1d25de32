{%- macro objects_and_spreads(overrides) -%}
  {%- set merged = {} -%}
  {%- do merged.update({"retries": 3, "mode": "full", "nested": {"deep": true}}) -%}
  {%- do merged.update({"mode": "incremental"}) -%}
  {%- do merged.update(overrides) -%}
  {%- set computedKey = "dyn" -%}
  {%- set withComputed = {computedKey: 1, "quoted key": 2, "3": "three"} -%}
  {%- set copy = {} -%}
  {%- do copy.update(merged) -%}
  {%- do copy.update({"mode": "changed"}) -%}
  {%- do copy.update({"retries": 0}) -%}
  {%- do return({
    "merged": merged,
    "with_computed": withComputed,
    "copy": copy,
    "deep": {"retries": 3, "mode": "full", "nested": {"deep": true}}["nested"]["deep"]
  }) -%}
{%- endmacro -%}
