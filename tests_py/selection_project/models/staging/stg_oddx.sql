select partner_id from {{ source('raw', 'oddxname') }}
