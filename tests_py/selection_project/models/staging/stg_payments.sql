select order_id, paid from {{ source('raw', 'payments') }}
