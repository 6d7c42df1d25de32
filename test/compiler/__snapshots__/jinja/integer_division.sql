{%- macro integer_division(a, b) -%}
  {%- do return((((((a / b)
    if (b != 0)
    else exceptions.raise_compiler_error(
      "test/corpus/differences.ts:40:24: 'a / b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
    )) | int)
    - (1
      if (((((a / b)
        if (b != 0)
        else exceptions.raise_compiler_error(
          "test/corpus/differences.ts:40:24: 'a / b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
        )) | int)
        - ((a / b)
          if (b != 0)
          else exceptions.raise_compiler_error(
            "test/corpus/differences.ts:40:24: 'a / b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
          )))
        > 0)
      else 0))
    if ((((((a / b)
      if (b != 0)
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:40:24: 'a / b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
      )) | int)
      - (1
        if (((((a / b)
          if (b != 0)
          else exceptions.raise_compiler_error(
            "test/corpus/differences.ts:40:24: 'a / b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
          )) | int)
          - ((a / b)
            if (b != 0)
            else exceptions.raise_compiler_error(
              "test/corpus/differences.ts:40:24: 'a / b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
            )))
          > 0)
        else 0)) | abs)
      <= 9007199254740992)
    else exceptions.raise_compiler_error(
      "test/corpus/differences.ts:40:13: 'Math.floor(a / b)' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
    ))
    ~ " r "
    ~ (((((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
      if (b != 0)
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
      )) | int)
      if ((((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
        if (b != 0)
        else exceptions.raise_compiler_error(
          "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
        )) | int)
        == ((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
          if (b != 0)
          else exceptions.raise_compiler_error(
            "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
          )))
      else ((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
        if (b != 0)
        else exceptions.raise_compiler_error(
          "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
        )))
      if (((((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
        if (b != 0)
        else exceptions.raise_compiler_error(
          "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
        )) | abs)
        <= 9007199254740992)
        and (((((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
          if (b != 0)
          else exceptions.raise_compiler_error(
            "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
          )) | abs)
          >= 0.0001)
          or (((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
            if (b != 0)
            else exceptions.raise_compiler_error(
              "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
            ))
            == 0))
        and (((((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
          if (b != 0)
          else exceptions.raise_compiler_error(
            "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
          )) | int)
          == ((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
            if (b != 0)
            else exceptions.raise_compiler_error(
              "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
            )))
          or (((((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
            if (b != 0)
            else exceptions.raise_compiler_error(
              "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
            ))
            * 4194304)
            % 1)
            != 0)
          or ((((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
            if (b != 0)
            else exceptions.raise_compiler_error(
              "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
            )) | round(15 - ((((((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs)))) if (b != 0) else exceptions.raise_compiler_error("test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt")) | abs) | int) | string) | length)))
            == ((((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
              if (b != 0)
              else exceptions.raise_compiler_error(
                "test/corpus/differences.ts:40:36: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
              )))))
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:40:36: 'a % b' prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)"
      ))) -%}
{%- endmacro -%}
