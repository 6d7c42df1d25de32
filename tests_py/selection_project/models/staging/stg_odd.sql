select partner_id from {{ source('raw', 'odd*name') }}
