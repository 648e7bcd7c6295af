-- indicator: persons_beyond_refund_cap
-- definition: "persons with at least one night beyond the cap in the period"
-- aggregate: count
-- status: case when period_end < date '2023-10-01' then 'no_data' else 'ok' end
select p.period, r.municipality_code, '' as breakdown, r.person_no as unit
from refund_cap_nights r
join indicator_periods p on r.first_night <= p.period_end and r.last_night >= p.period_start
