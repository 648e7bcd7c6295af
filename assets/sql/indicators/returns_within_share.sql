-- variants: returns_within_6m_share: 182; returns_within_12m_share: 365; returns_within_24m_share: 730
-- definition: "of persons whose first exit to housing in the period is at date d, the share with a new shelter entry in (d, d + 182/365/730 days]; status insufficient_follow_up when d + horizon can pass the cutoff for any exit of the period"
-- aggregate: share
-- units: once per period
-- status: case when period_end + $variant > cutoff then 'insufficient_follow_up' else 'ok' end
-- Attributed to the municipality the person left shelter from (the episode's last stay).
with first_housing_exit as (
    select p.period, e.person_no, e.exit_date, e.exit_municipality_code as municipality_code
    from episodes e
    join indicator_periods p on e.exit_date between p.period_start and p.period_end
    where e.exit_destination in ('own_housing', 'supported_housing')
    qualify row_number() over (partition by p.period, e.person_no order by e.exit_date, e.episode_no) = 1
)
select x.period, x.municipality_code, '' as breakdown, x.person_no as unit,
       exists (select 1 from stays_current s where s.person_no = x.person_no
               and s.entry_date > x.exit_date and s.entry_date <= x.exit_date + $variant) as hit
from first_housing_exit x
