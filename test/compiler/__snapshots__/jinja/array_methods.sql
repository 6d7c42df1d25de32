{%- macro array_methods(words, numbers) -%}
  {%- set tsj_ns = namespace() -%}
  {%- set tsj_map_1 = [] -%}
  {%- for word in words -%}
    {%- do tsj_map_1.append(word | upper) -%}
  {%- endfor -%}
  {%- set upper = tsj_map_1 -%}
  {%- set tsj_map_2 = [] -%}
  {%- for word_2 in words -%}
    {%- set index = loop.index0 -%}
    {%- do tsj_map_2.append(index ~ "-" ~ word_2) -%}
  {%- endfor -%}
  {%- set numbered = tsj_map_2 -%}
  {%- set tsj_filter_3 = [] -%}
  {%- for word_3 in words -%}
    {%- if (word_3 | length) > 2 -%}
      {%- do tsj_filter_3.append(word_3) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set long = tsj_filter_3 -%}
  {%- set tsj_ns.tsj_some_4 = false -%}
  {%- for word_4 in words -%}
    {%- if word_4 == "" -%}
      {%- set tsj_ns.tsj_some_4 = true -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set anyEmpty = tsj_ns.tsj_some_4 -%}
  {%- set tsj_ns.tsj_every_5 = true -%}
  {%- for word_5 in words -%}
    {%- if not ((word_5 | length) < 4) -%}
      {%- set tsj_ns.tsj_every_5 = false -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set allShort = tsj_ns.tsj_every_5 -%}
  {%- set tsj_filter_6 = [] -%}
  {%- for n in numbers -%}
    {%- if n > 0 -%}
      {%- do tsj_filter_6.append(n) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set positive = tsj_filter_6 -%}
  {%- set tsj_map_7 = [] -%}
  {%- for n_2 in numbers -%}
    {%- do tsj_map_7.append(n_2 * 2) -%}
  {%- endfor -%}
  {%- set doubled = tsj_map_7 -%}
  {%- do return({"joined": ", ".join(words), "joined_default": ",".join(words), "joined_numbers": numbers | join("+"), "has_b": "b" in words, "has_three": 3 in numbers, "upper": upper, "numbered": numbered, "long": long, "any_empty": anyEmpty, "all_short": allShort, "positive": positive, "doubled": doubled, "concat": words + ["end"], "sliced": words[1:], "max": [1, 5, 3] | max, "min": [4, -2] | min, "abs": (-7) | abs}) -%}
{%- endmacro -%}
