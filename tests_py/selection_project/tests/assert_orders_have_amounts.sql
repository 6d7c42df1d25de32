select * from {{ ref('fct_orders') }} where amount_eur is null
