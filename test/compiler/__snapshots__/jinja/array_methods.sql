{%- macro array_methods(words, numbers) -%}
  {%- set tsj_ns = namespace() -%}
  {%- set upper = [] -%}
  {%- for word in words -%}
    {%- do upper.append(word | upper) -%}
  {%- endfor -%}
  {%- set numbered = [] -%}
  {%- for word in words -%}
    {%- set index = loop.index0 -%}
    {%- do numbered.append(index ~ "-" ~ word) -%}
  {%- endfor -%}
  {%- set long = [] -%}
  {%- for word in words -%}
    {%- if (word | length) > 2 -%}
      {%- do long.append(word) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set tsj_ns.tsj_anyEmpty = false -%}
  {%- for word in words -%}
    {%- if word == "" -%}
      {%- set tsj_ns.tsj_anyEmpty = true -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set anyEmpty = tsj_ns.tsj_anyEmpty -%}
  {%- set tsj_ns.tsj_allShort = true -%}
  {%- for word in words -%}
    {%- if not ((word | length) < 4) -%}
      {%- set tsj_ns.tsj_allShort = false -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set allShort = tsj_ns.tsj_allShort -%}
  {%- set positive = [] -%}
  {%- for n in numbers -%}
    {%- if n > 0 -%}
      {%- do positive.append(n) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set doubled = [] -%}
  {%- for n in numbers -%}
    {%- do doubled.append(
      (n * 2)
        if (((n * 2) | abs) <= 9007199254740992)
        else exceptions.raise_compiler_error(
          "test/corpus/collections.ts:16:38: 'n * 2' is beyond ±2^53, where JavaScript rounds integers and dbt does not"
        )
    ) -%}
  {%- endfor -%}
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
