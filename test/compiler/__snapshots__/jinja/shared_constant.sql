{%- macro shared_constant(separator) -%}
  {%- set letter_pairs = [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"], ["i", "j"]] -%}
  {%- set tsj_ns = namespace() -%}
  {%- set tsj_value_mapped = [] -%}
  {%- for pair in letter_pairs[0:2] -%}
    {%- do tsj_value_mapped.append("".join(pair)) -%}
  {%- endfor -%}
  {%- set first = separator.join(tsj_value_mapped) -%}
  {%- set tsj_value_mapped_2 = [] -%}
  {%- for pair in letter_pairs[3:] -%}
    {%- do tsj_value_mapped_2.append("".join(pair)) -%}
  {%- endfor -%}
  {%- set rest = separator.join(tsj_value_mapped_2) -%}
  {%- set tsj_ns.count = 0 -%}
  {%- for pair in letter_pairs -%}
    {%- set tsj_ns.count = (tsj_ns.count + (pair | length))
      if (((tsj_ns.count + (pair | length)) | abs) <= 9007199254740992)
      else exceptions.raise_compiler_error(
        "test/corpus/control.ts:145:36: 'count += pair.length' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
      ) -%}
  {%- endfor -%}
  {%- do return(first
    ~ "|"
    ~ rest
    ~ "|"
    ~ (((tsj_ns.count | int) if ((tsj_ns.count | int) == tsj_ns.count) else tsj_ns.count)
      if (((tsj_ns.count | abs) <= 9007199254740992)
        and (((tsj_ns.count | abs) >= 0.0001) or (tsj_ns.count == 0))
        and (((tsj_ns.count | int) == tsj_ns.count)
          or (((tsj_ns.count * 4194304) % 1) != 0)
          or ((tsj_ns.count | round(15 - ((((tsj_ns.count | abs) | int) | string) | length))) == tsj_ns.count)))
      else exceptions.raise_compiler_error(
        "test/corpus/control.ts:146:30: 'count' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
      ))) -%}
{%- endmacro -%}
