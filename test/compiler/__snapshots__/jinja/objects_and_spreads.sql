{%- macro objects_and_spreads(overrides) -%}
  {%- set tsj_object_1 = {} -%}
  {%- do tsj_object_1.update({"retries": 3, "mode": "full", "nested": {"deep": true}}) -%}
  {%- do tsj_object_1.update({"mode": "incremental"}) -%}
  {%- do tsj_object_1.update(overrides) -%}
  {%- set merged = tsj_object_1 -%}
  {%- set computedKey = "dyn" -%}
  {%- set withComputed = {computedKey: 1, "quoted key": 2, "3": "three"} -%}
  {%- set tsj_object_2 = {} -%}
  {%- do tsj_object_2.update(merged) -%}
  {%- set copy = tsj_object_2 -%}
  {%- do copy.update({"mode": "changed"}) -%}
  {%- do copy.update({"retries": 0}) -%}
  {%- do return({"merged": merged, "with_computed": withComputed, "copy": copy, "deep": {"retries": 3, "mode": "full", "nested": {"deep": true}}["nested"]["deep"]}) -%}
{%- endmacro -%}
