-- indicator: ongoing_over_90_days
-- definition: "persons whose episode is still open at the end of the period (no exit, or an exit after the period's last day) and whose first entry is more than 90 days before the period's last day; attributed to the municipality of the stay active on the period's last day (a later transfer never changes a past period)"
-- aggregate: count
-- units: once per period
-- Breakdown age_group=18-24 (the youth target): age as youth_persons_share has it, year of the
-- episode's first entry - birth_year. On a transfer day two stays are active on the last day: the
-- one the person sleeps in that night wins (then the latest entry), so each person has one area.
with ongoing as (
    select p.period, s.municipality_code, e.person_no, year(e.first_entry) - e.birth_year as age
    from episodes e
    join indicator_periods p on (e.exit_date is null or e.exit_date > p.period_end)
        and p.period_end - e.first_entry > 90
    join stays_current s on s.person_no = e.person_no
        and s.entry_date <= p.period_end and (s.exit_date is null or s.exit_date >= p.period_end)
    qualify row_number() over (partition by p.period, e.person_no
                               order by (s.exit_date is null or s.exit_date > p.period_end) desc,
                                        s.entry_date desc, s.shelter_id, s.stay_id) = 1
)
select period, municipality_code,
       unnest(case when age between 18 and 24 then ['', 'age_group=18-24'] else [''] end) as breakdown,
       person_no as unit
from ongoing
