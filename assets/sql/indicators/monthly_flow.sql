-- indicator: monthly_flow
-- definition: "the by-name-list view: persons entering for the first time (730-day rule), returning, leaving to housing, leaving elsewhere, and in shelter on the last day"
-- aggregate: count
-- periods: month
-- total: no
-- status: case when breakdown in ('flow=inflow_new', 'flow=inflow_returning') and data_start > period_start - 730 then 'insufficient_history' else 'ok' end
-- A person is new or returning by their first start in the month; leaving follows the exit rule
-- (deceased is not an exit); "in shelter on the last day" = a stay covering that night.
with first_start as (
    select p.period, s.municipality_code, s.person_no, s.first_time
    from episode_starts s
    join indicator_periods p on s.first_entry between p.period_start and p.period_end
    qualify row_number() over (partition by p.period, s.municipality_code, s.person_no order by s.first_entry) = 1
)
select period, municipality_code,
       case when first_time then 'flow=inflow_new' else 'flow=inflow_returning' end as breakdown, person_no as unit
from first_start
union all
select p.period, e.exit_municipality_code,
       case when e.exit_destination in ('own_housing', 'supported_housing') then 'flow=outflow_housing'
            else 'flow=outflow_other' end, e.person_no
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
where e.exit_destination <> 'deceased'
union all
select p.period, s.municipality_code, 'flow=active_end', s.person_no
from stays_current s
join indicator_periods p on s.entry_date <= p.period_end and (s.exit_date is null or s.exit_date > p.period_end)
