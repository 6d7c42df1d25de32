{%- macro remainder_sign(a, b) -%}
  {%- do return([
    (((a | abs) % (b | abs)) if (a >= 0) else (-((a | abs) % (b | abs))))
      if (b != 0)
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:63:11: 'a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
      ),
    ((((-a) | abs) % (b | abs)) if ((-a) >= 0) else (-(((-a) | abs) % (b | abs))))
      if (b != 0)
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:63:18: '-a % b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
      ),
    (((a | abs) % ((-b) | abs)) if (a >= 0) else (-((a | abs) % ((-b) | abs))))
      if ((-b) != 0)
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:63:26: 'a % -b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
      ),
    ((((-a) | abs) % ((-b) | abs)) if ((-a) >= 0) else (-(((-a) | abs) % ((-b) | abs))))
      if ((-b) != 0)
      else exceptions.raise_compiler_error(
        "test/corpus/differences.ts:63:34: '-a % -b' divides by zero, which is Infinity or NaN in JavaScript and an error in dbt"
      )
  ]) -%}
{%- endmacro -%}
