-- indicator: ongoing_over_90_days
-- definition: "persons whose episode is still open at the end of the period (no exit, or an exit after the period's last day) and whose first entry is more than 90 days before the period's last day"
-- aggregate: count
-- Attributed to the municipality of the episode's last stay. Breakdown age_group=18-24 (the
-- youth target): age as youth_persons_share has it, year of the episode's first entry - birth_year.
select p.period, e.exit_municipality_code as municipality_code,
       unnest(case when year(e.first_entry) - e.birth_year between 18 and 24 then ['', 'age_group=18-24']
                   else [''] end) as breakdown,
       e.person_no as unit
from episodes e
join indicator_periods p on (e.exit_date is null or e.exit_date > p.period_end)
    and p.period_end - e.first_entry > 90
