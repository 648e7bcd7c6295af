-- indicator: ongoing_over_90_days
-- definition: "persons whose episode is still open at the end of the period (no exit, or an exit after the period's last day) and whose first entry is more than 90 days before the period's last day"
-- aggregate: count
-- Attributed to the municipality of the episode's last stay.
select p.period, e.exit_municipality_code as municipality_code, '' as breakdown, e.person_key as unit
from episodes e
join indicator_periods p on (e.exit_date is null or e.exit_date > p.period_end)
    and p.period_end - e.first_entry > 90
