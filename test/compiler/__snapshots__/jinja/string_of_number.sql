{%- macro string_of_number(half) -%}
  {%- set whole = (half + half)
    if (((half + half) | abs) <= 9007199254740992)
    else exceptions.raise_compiler_error(
      "test/corpus/differences.ts:45:17: 'half + half' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
    ) -%}
  {%- set scaled = (half * 4)
    if (((half * 4) | abs) <= 9007199254740992)
    else exceptions.raise_compiler_error(
      "test/corpus/differences.ts:46:18: 'half * 4' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
    ) -%}
  {%- do return([
    (((whole | int) if ((whole | int) == whole) else whole)
      if (((whole | abs) <= 9007199254740992)
        and (((whole | abs) >= 0.0001) or (whole == 0))
        and (((whole | int) == whole)
          or (((whole * 4194304) % 1) != 0)
          or ((whole | round(15 - ((((whole | abs) | int) | string) | length))) == whole)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:18: 'whole' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
      )) | string,
    (((scaled | int) if ((scaled | int) == scaled) else scaled)
      if (((scaled | abs) <= 9007199254740992)
        and (((scaled | abs) >= 0.0001) or (scaled == 0))
        and (((scaled | int) == scaled)
          or (((scaled * 4194304) % 1) != 0)
          or ((scaled | round(15 - ((((scaled | abs) | int) | string) | length))) == scaled)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:29: 'scaled' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
      )) | string,
    (((half | int) if ((half | int) == half) else half)
      if (((half | abs) <= 9007199254740992)
        and (((half | abs) >= 0.0001) or (half == 0))
        and (((half | int) == half)
          or (((half * 4194304) % 1) != 0)
          or ((half | round(15 - ((((half | abs) | int) | string) | length))) == half)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:46: 'half' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
      )) | string,
    "n="
      ~ (((whole | int) if ((whole | int) == whole) else whole)
        if (((whole | abs) <= 9007199254740992)
          and (((whole | abs) >= 0.0001) or (whole == 0))
          and (((whole | int) == whole)
            or (((whole * 4194304) % 1) != 0)
            or ((whole | round(15 - ((((whole | abs) | int) | string) | length))) == whole)))
        else exceptions.raise_compiler_error(
          "test/corpus/differences.ts:47:60: 'whole' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
        )),
    ((((whole - 0.25) | int) if (((whole - 0.25) | int) == (whole - 0.25)) else (whole - 0.25))
      if ((((whole - 0.25) | abs) <= 9007199254740992)
        and ((((whole - 0.25) | abs) >= 0.0001) or ((whole - 0.25) == 0))
        and ((((whole - 0.25) | int) == (whole - 0.25))
          or ((((whole - 0.25) * 4194304) % 1) != 0)
          or (((whole - 0.25) | round(15 - (((((whole - 0.25) | abs) | int) | string) | length))) == (whole - 0.25))))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:74: 'whole - 0.25' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
      )) | string,
    (((whole | int) if ((whole | int) == whole) else whole)
      if (((whole | abs) <= 9007199254740992)
        and (((whole | abs) >= 0.0001) or (whole == 0))
        and (((whole | int) == whole)
          or (((whole * 4194304) % 1) != 0)
          or ((whole | round(15 - ((((whole | abs) | int) | string) | length))) == whole)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:89: 'whole' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
      )) | string,
    ([half] | length) | string
  ]) -%}
{%- endmacro -%}
