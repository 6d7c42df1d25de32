select a.account_id, a.owner, count(c.email) as contacts
from {{ ref('stg_accounts') }} as a
left join {{ ref('stg_contacts') }} as c on c.account_id = a.account_id
group by 1, 2
