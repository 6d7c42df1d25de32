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
      if (((whole | abs) <= 9007199254740992) and (((whole | abs) >= 0.0001) or (whole == 0)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:18: 'whole' prints differently in JavaScript and dbt (beyond ±2^53, or below 0.0001)"
      )) | string,
    (((scaled | int) if ((scaled | int) == scaled) else scaled)
      if (((scaled | abs) <= 9007199254740992) and (((scaled | abs) >= 0.0001) or (scaled == 0)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:29: 'scaled' prints differently in JavaScript and dbt (beyond ±2^53, or below 0.0001)"
      )) | string,
    (((half | int) if ((half | int) == half) else half)
      if (((half | abs) <= 9007199254740992) and (((half | abs) >= 0.0001) or (half == 0)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:46: 'half' prints differently in JavaScript and dbt (beyond ±2^53, or below 0.0001)"
      )) | string,
    "n="
      ~ (((whole | int) if ((whole | int) == whole) else whole)
        if (((whole | abs) <= 9007199254740992) and (((whole | abs) >= 0.0001) or (whole == 0)))
        else exceptions.raise_compiler_error(
          "test/corpus/differences.ts:47:60: 'whole' prints differently in JavaScript and dbt (beyond ±2^53, or below 0.0001)"
        )),
    ((((whole - 0.25) | int) if (((whole - 0.25) | int) == (whole - 0.25)) else (whole - 0.25))
      if ((((whole - 0.25) | abs) <= 9007199254740992)
        and ((((whole - 0.25) | abs) >= 0.0001) or ((whole - 0.25) == 0)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:74: 'whole - 0.25' prints differently in JavaScript and dbt (beyond ±2^53, or below 0.0001)"
      )) | string,
    (((whole | int) if ((whole | int) == whole) else whole)
      if (((whole | abs) <= 9007199254740992) and (((whole | abs) >= 0.0001) or (whole == 0)))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:47:89: 'whole' prints differently in JavaScript and dbt (beyond ±2^53, or below 0.0001)"
      )) | string,
    ([half] | length) | string
  ]) -%}
{%- endmacro -%}
