select o.order_id, s.customer_id, o.amount * f.rate as amount_eur, p.paid
from {{ ref('int_order_totals') }} as o
join {{ ref('stg_orders') }} as s on s.id = o.order_id
left join {{ ref('stg_payments') }} as p on p.order_id = o.order_id
cross join {{ ref('fx_rates') }} as f
