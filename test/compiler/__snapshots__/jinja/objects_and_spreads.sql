{%- macro objects_and_spreads(overrides) -%}
  {%- set tsj_merged = {} -%}
  {%- do tsj_merged.update({"retries": 3, "mode": "full", "nested": {"deep": true}}) -%}
  {%- do tsj_merged.update({"mode": "incremental"}) -%}
  {%- do tsj_merged.update(overrides) -%}
  {%- set merged = tsj_merged -%}
  {%- set computedKey = "dyn" -%}
  {%- set withComputed = {computedKey: 1, "quoted key": 2, "3": "three"} -%}
  {%- set tsj_copy = {} -%}
  {%- do tsj_copy.update(merged) -%}
  {%- set copy = tsj_copy -%}
  {%- do copy.update({"mode": "changed"}) -%}
  {%- do copy.update({"retries": 0}) -%}
  {%- do return({
    "merged": merged,
    "with_computed": withComputed,
    "copy": copy,
    "deep": {"retries": 3, "mode": "full", "nested": {"deep": true}}["nested"]["deep"]
  }) -%}
{%- endmacro -%}
