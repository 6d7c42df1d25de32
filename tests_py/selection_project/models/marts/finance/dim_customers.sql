select c.customer_id, c.name, k.country_name
from {{ ref('snap_customers') }} as c
left join {{ ref('country_codes') }} as k on k.code = c.country
where c.dbt_valid_to is null
