-- indicator: persons_beyond_refund_cap
-- definition: "persons with at least one night beyond the cap in the period (0 with status ok for periods before 2023-10-01, like nights_beyond_refund_cap)"
-- aggregate: count
select p.period, r.municipality_code, '' as breakdown, r.person_no as unit
from refund_cap_nights r
join indicator_periods p on r.first_night <= p.period_end and r.last_night >= p.period_start
