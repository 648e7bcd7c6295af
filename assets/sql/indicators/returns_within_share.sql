-- variants: returns_within_6m_share: 182; returns_within_12m_share: 365; returns_within_24m_share: 730
-- definition: "of persons whose first exit to housing in the period is at date d, the share with a new shelter entry (anywhere) in (d, d + 182/365/730 days]; status insufficient_follow_up when d + horizon can pass the cutoff for any exit of the period. Per area, d is the person's first housing exit in the period among that area's exits (a person housed from two municipalities in one period counts in both, once nationally)"
-- aggregate: share
-- units: once per period
-- rollup: per area
-- status: case when period_end + $variant > cutoff then 'insufficient_follow_up' else 'ok' end
-- looks ahead: $variant days
-- An area's exits are those whose episode's last stay is in the area (the exit side of an episode).
with housing_exits as (
    select p.period, e.person_no, e.episode_no, e.exit_date, e.exit_municipality_code as municipality_code,
           exists (select 1 from stays_current s where s.person_no = e.person_no
                   and s.entry_date > e.exit_date and s.entry_date <= e.exit_date + $variant) as returned
    from episodes e
    join indicator_periods p on e.exit_date between p.period_start and p.period_end
    where e.exit_destination in ('own_housing', 'supported_housing')
)
select x.period, a.level, a.area_code, '' as breakdown, x.person_no as unit, x.returned as hit
from housing_exits x
join area_members a using (municipality_code)
qualify row_number() over (partition by x.period, a.level, a.area_code, x.person_no
                           order by x.exit_date, x.episode_no) = 1
