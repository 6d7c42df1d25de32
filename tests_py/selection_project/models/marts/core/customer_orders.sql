select d.customer_id, d.name, count(f.order_id) as orders
from {{ ref('dim_customers') }} as d
left join {{ ref('fct_orders') }} as f on f.customer_id = d.customer_id
group by 1, 2
