select customer_id, name, country from {{ source('raw', 'customers') }}
