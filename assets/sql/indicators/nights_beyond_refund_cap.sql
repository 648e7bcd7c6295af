-- indicator: nights_beyond_refund_cap
-- definition: "nights in the period that are beyond the cap, by acting municipality"
-- aggregate: sum
-- The cap, refund years and running night numbers are in assets/sql/model/refund_cap_nights.sql.
select p.period, r.municipality_code, '' as breakdown,
       least(r.last_night, p.period_end) - greatest(r.first_night, p.period_start) + 1 as amount
from refund_cap_nights r
join indicator_periods p on r.first_night <= p.period_end and r.last_night >= p.period_start
