{%- macro replace_first_vs_all(text) -%}
  {%- do return([(text.split("a")[0] ~ "_" ~ (text.split("a")[1:] | join("a"))) if ("a" in text) else text, text | replace("a", "_"), (text.split("zz")[0] ~ "_" ~ (text.split("zz")[1:] | join("zz"))) if ("zz" in text) else text, (text.split("an")[0] ~ "" ~ (text.split("an")[1:] | join("an"))) if ("an" in text) else text]) -%}
{%- endmacro -%}
