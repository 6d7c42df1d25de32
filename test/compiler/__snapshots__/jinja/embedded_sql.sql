{%- macro embedded_sql() -%}
  {%- set sql -%}{% raw %}-- an embedded query: {{ not_rendered }} {% if x %} stays text
select 1 as "quoted", '\n' as backslash_n
from t   
{% endraw %}{%- endset -%}
  {%- do run_query(sql) -%}
  {%- do return(sql ~ "unused") -%}
{%- endmacro -%}
