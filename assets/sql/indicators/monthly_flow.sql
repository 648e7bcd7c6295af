-- indicator: monthly_flow
-- definition: "the by-name-list view: persons entering for the first time (730-day rule), returning, leaving to housing, leaving elsewhere, and in shelter on the night of the last day. In every area each person entering in the month counts once, in exactly one of inflow_new / inflow_returning, judged by their first entry of the month among that area's stays (so inflow_new + inflow_returning = distinct persons entering, at every level)"
-- aggregate: count
-- periods: month
-- total: no
-- units: month masks
-- status: case when breakdown in ('flow=inflow_new', 'flow=inflow_returning') and data_start > period_start - 730 then 'insufficient_history' else 'ok' end
-- Entering = starting an episode, in the area of its first stay; leaving follows the exit rule
-- (deceased is not an exit), in the area of the episode's last stay; "in shelter on the night of
-- the last day" = a stay covering that night. A first-time start is the person's first of the
-- month in every area it counts in (person_months), so the months with a start but no first-time
-- start are the returning ones.
select level, area_code, 'flow=inflow_new' as breakdown, month_word, first_time_starts as units from person_months
union all
select level, area_code, 'flow=inflow_returning', month_word, starts & ~first_time_starts from person_months
union all
select level, area_code, 'flow=outflow_housing', month_word, housing_exits from person_months
union all
select level, area_code, 'flow=outflow_other', month_word, other_exits from person_months
union all
select level, area_code, 'flow=active_end', month_word, active_at_end from person_months
