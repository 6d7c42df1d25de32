select id as account_id, owner from {{ source('crm', 'accounts') }}
