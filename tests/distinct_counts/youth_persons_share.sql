-- indicator: youth_persons_share
-- definition: "persons aged 18–24 / persons_in_shelter"
-- aggregate: share
-- Age: "year of the first entry of the episode − birth_year (for a person, their latest episode
-- active in the period)". Youth = 18–24.
with age_in_period as (
    select p.period, e.person_no, arg_max(year(e.first_entry) - e.birth_year, e.first_entry) as age
    from episodes e
    join indicator_periods p on e.first_entry <= p.period_end and (e.exit_date is null or e.exit_date >= p.period_start)
    group by p.period, e.person_no
)
select p.period, s.municipality_code, '' as breakdown, s.person_no as unit, a.age between 18 and 24 as hit
from stays_current s
join indicator_periods p on s.entry_date <= p.period_end and (s.exit_date is null or s.exit_date >= p.period_start)
join age_in_period a on a.period = p.period and a.person_no = s.person_no
