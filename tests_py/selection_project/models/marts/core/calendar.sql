select cast(d as date) as day from (values ('2026-01-01'), ('2026-01-02')) as t(d)
