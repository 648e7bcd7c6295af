-- indicator: persons_in_shelter
-- definition: "distinct persons with a stay active in the period"
-- aggregate: count
-- Active in period: "entry_date <= period end and (exit_date empty or exit_date >= period start)".
select p.period, s.municipality_code, '' as breakdown, s.person_no as unit
from stays_current s
join indicator_periods p on s.entry_date <= p.period_end and (s.exit_date is null or s.exit_date >= p.period_start)
