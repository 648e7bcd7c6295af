-- Progress toward every mission target in every area it covers, from published figures only.
-- baseline: the target's indicator in its baseline period; latest: the latest measurable period
-- of the same kind (year, quarter or month). The path runs in a straight line from the baseline
-- (at the baseline period's end) to the target value (at the deadline).
-- status: reached (the latest value meets the target), on_track (it meets the path where the path
-- is now), off_track, or no_data: a suppressed or missing figure gives no_data, never a guess.
-- Values are compared as the pages show them (shares to a tenth of a percent, other figures to one
-- decimal), so a status never contradicts the rounded figures next to it.
create or replace table target_progress as
with target_areas as (
    select t.*, a.area_code as area, coalesce(t.breakdown, '') as cut,
           case when length(t.baseline_period) = 4 then 'year'
                when t.baseline_period like '%-Q%' then 'quarter' else 'month' end as period_type
    from targets t
    join areas a on a.level = t.level and (t.area_code = '*' or a.area_code = t.area_code)
), baseline as (
    select ta.target_id, ta.area, i.value as baseline_value, p.period_end as baseline_end
    from target_areas ta
    left join periods p on p.period = ta.baseline_period
    left join indicators_published i on i.indicator = ta.indicator and i.level = ta.level
        and i.area_code = ta.area and i.breakdown = ta.cut and i.period = ta.baseline_period
), latest as (
    -- arg_max_null: a hidden latest value stays hidden rather than falling back to an older one.
    select ta.target_id, ta.area, max(i.period) as latest_period,
           arg_max_null(i.value, i.period) as latest_value, max(p.period_end) as latest_end
    from target_areas ta
    join indicators_published i on i.indicator = ta.indicator and i.level = ta.level
        and i.area_code = ta.area and i.breakdown = ta.cut and i.status in ('ok', 'no_data')
    join periods p on p.period = i.period and p.period_type = ta.period_type
    group by all
), valued as (
    select ta.target_id, ta.indicator, ta.level, ta.area as area_code, ta.cut as breakdown, ta.direction,
           ta.target, ta.target_kind, ta.baseline_period, ta.deadline, ta.owner, ta.description,
           b.baseline_value, b.baseline_end, l.latest_period, l.latest_value, l.latest_end,
           case when ta.target_kind = 'value' then ta.target else b.baseline_value * (1 + ta.target) end as target_value
    from target_areas ta
    join baseline b using (target_id, area)
    left join latest l using (target_id, area)
), on_path as (
    select *,
           case when indicator like '%share' or indicator in ('occupancy_rate', 'hf_coverage_of_housing_exits',
                                                              'hf_housing_retention_12m') then 3 else 1 end as digits,
           baseline_value + (target_value - baseline_value)
               * greatest(0, least(1, (latest_end - baseline_end) / nullif(deadline - baseline_end, 0)))
               as path_value
    from valued
)
select target_id, indicator, level, area_code, breakdown, direction, target, target_kind, baseline_period,
       deadline, owner, description, baseline_value, latest_period, latest_value, target_value, path_value,
       case when latest_value is null or target_value is null then 'no_data'
            when direction = 'at_most' and round(latest_value, digits) <= round(target_value, digits) then 'reached'
            when direction = 'at_least' and round(latest_value, digits) >= round(target_value, digits) then 'reached'
            when path_value is null then 'no_data'
            when direction = 'at_most' and round(latest_value, digits) <= round(path_value, digits) then 'on_track'
            when direction = 'at_least' and round(latest_value, digits) >= round(path_value, digits) then 'on_track'
            else 'off_track' end as status
from on_path
order by target_id, level, area_code
