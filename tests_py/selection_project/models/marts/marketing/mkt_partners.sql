select t.partner_id, t.partner from {{ ref('stg_third_party') }} as t
union all
select partner_id, 'odd' from {{ ref('stg_odd') }}
