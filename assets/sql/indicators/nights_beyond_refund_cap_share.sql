-- indicator: nights_beyond_refund_cap_share
-- definition: "nights_beyond_refund_cap / bed_nights counted from 2023-10-01 (periods ending before 2023-10-01: status no_data)"
-- aggregate: ratio
-- status: case when period_end < date '2023-10-01' then 'no_data' else 'ok' end
-- A period ending before the cap began has no base (not a negative one).
select p.period, r.municipality_code, '' as breakdown,
       least(r.last_night, p.period_end) - greatest(r.first_night, p.period_start) + 1 as amount, 0 as base
from refund_cap_nights r
join indicator_periods p on r.first_night <= p.period_end and r.last_night >= p.period_start
union all
select p.period, n.municipality_code, '' as breakdown, 0 as amount,
       least(n.last_night, p.period_end) - greatest(n.first_night, p.period_start, date '2023-10-01') + 1 as base
from stay_nights n
join indicator_periods p on n.first_night <= p.period_end and n.last_night >= greatest(p.period_start, date '2023-10-01')
    and p.period_end >= date '2023-10-01'
