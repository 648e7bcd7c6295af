-- indicator: bed_nights
-- definition: "nights in the period covered by stays"
-- aggregate: sum
-- Nights: "entry_date ... exit_date − 1 (an open stay: up to and including the cutoff)" (stay_nights).
select p.period, n.municipality_code, '' as breakdown,
       least(n.last_night, p.period_end) - greatest(n.first_night, p.period_start) + 1 as amount
from stay_nights n
join indicator_periods p on n.first_night <= p.period_end and n.last_night >= p.period_start
