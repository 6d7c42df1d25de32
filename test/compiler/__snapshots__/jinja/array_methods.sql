{%- macro array_methods(words, numbers) -%}
  {%- set tsj_ns = namespace() -%}
  {%- set tsj_upper = [] -%}
  {%- for word in words -%}
    {%- do tsj_upper.append(word | upper) -%}
  {%- endfor -%}
  {%- set upper = tsj_upper -%}
  {%- set tsj_numbered = [] -%}
  {%- for word_2 in words -%}
    {%- set index = loop.index0 -%}
    {%- do tsj_numbered.append(index ~ "-" ~ word_2) -%}
  {%- endfor -%}
  {%- set numbered = tsj_numbered -%}
  {%- set tsj_long = [] -%}
  {%- for word_3 in words -%}
    {%- if (word_3 | length) > 2 -%}
      {%- do tsj_long.append(word_3) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set long = tsj_long -%}
  {%- set tsj_ns.tsj_anyEmpty = false -%}
  {%- for word_4 in words -%}
    {%- if word_4 == "" -%}
      {%- set tsj_ns.tsj_anyEmpty = true -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set anyEmpty = tsj_ns.tsj_anyEmpty -%}
  {%- set tsj_ns.tsj_allShort = true -%}
  {%- for word_5 in words -%}
    {%- if not ((word_5 | length) < 4) -%}
      {%- set tsj_ns.tsj_allShort = false -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set allShort = tsj_ns.tsj_allShort -%}
  {%- set tsj_positive = [] -%}
  {%- for n in numbers -%}
    {%- if n > 0 -%}
      {%- do tsj_positive.append(n) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set positive = tsj_positive -%}
  {%- set tsj_doubled = [] -%}
  {%- for n_2 in numbers -%}
    {%- do tsj_doubled.append(
      (n_2 * 2)
        if (((n_2 * 2) | abs) <= 9007199254740992)
        else exceptions.raise_compiler_error(
          "test/corpus/collections.ts:16:38: 'n * 2' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
        )
    ) -%}
  {%- endfor -%}
  {%- set doubled = tsj_doubled -%}
  {%- do return({
    "joined": ", ".join(words),
    "joined_default": ",".join(words),
    "joined_numbers": (numbers | join("+"))
      if ((((numbers | select("float")) | list) | length) == 0)
      else exceptions.raise_compiler_error(
        "test/corpus/collections.ts:20:21: 'numbers.join(\"+\")' joins numbers that Jinja holds as floats ('3.0'); map them to text first: xs.map((x) => String(x)).join(sep)"
      ),
    "has_b": "b" in words,
    "has_three": 3 in numbers,
    "upper": upper,
    "numbered": numbered,
    "long": long,
    "any_empty": anyEmpty,
    "all_short": allShort,
    "positive": positive,
    "doubled": doubled,
    "concat": words + ["end"],
    "sliced": words[1:],
    "max": [1, 5, 3] | max,
    "min": [4, -2] | min,
    "abs": (-7) | abs
  }) -%}
{%- endmacro -%}
