select partner_id, partner from {{ source('raw', '3rd_party') }}
