select count(*) as partners from {{ ref('stg_oddx') }}
