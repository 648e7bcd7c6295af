-- indicator: monthly_flow
-- definition: "the by-name-list view: persons entering for the first time (730-day rule), returning, leaving to housing, leaving elsewhere, and in shelter on the night of the last day. In every area each person entering in the month counts once, in exactly one of inflow_new / inflow_returning, judged by their first entry of the month among that area's stays (so inflow_new + inflow_returning = distinct persons entering, at every level)"
-- aggregate: count
-- periods: month
-- total: no
-- rollup: per area
-- status: case when breakdown in ('flow=inflow_new', 'flow=inflow_returning') and data_start > period_start - 730 then 'insufficient_history' else 'ok' end
-- Entering = starting an episode, in the area of its first stay; leaving follows the exit rule
-- (deceased is not an exit), in the area of the episode's last stay; "in shelter on the night of
-- the last day" = a stay covering that night.
with first_entry_in_area as (
    select p.period, a.level, a.area_code, s.person_no, s.first_time
    from episode_starts s
    join indicator_periods p on s.first_entry between p.period_start and p.period_end
    join area_members a using (municipality_code)
    qualify row_number() over (partition by p.period, a.level, a.area_code, s.person_no order by s.first_entry) = 1
)
select period, level, area_code,
       case when first_time then 'flow=inflow_new' else 'flow=inflow_returning' end as breakdown, person_no as unit
from first_entry_in_area
union all
select p.period, a.level, a.area_code,
       case when e.exit_destination in ('own_housing', 'supported_housing') then 'flow=outflow_housing'
            else 'flow=outflow_other' end, e.person_no
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
join area_members a on a.municipality_code = e.exit_municipality_code
where e.exit_destination <> 'deceased'
union all
select p.period, a.level, a.area_code, 'flow=active_end', s.person_no
from stays_current s
join indicator_periods p on s.entry_date <= p.period_end and (s.exit_date is null or s.exit_date > p.period_end)
join area_members a using (municipality_code)
