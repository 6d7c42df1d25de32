-- an embedded query: {{ not_rendered }} {% if x %} stays text
select 1 as "quoted", '\n' as backslash_n
from t   
