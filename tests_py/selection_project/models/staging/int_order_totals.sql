{{ config(materialized='ephemeral') }}
select id as order_id, amount from {{ ref('stg_orders') }}
