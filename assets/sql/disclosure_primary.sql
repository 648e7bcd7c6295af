-- Disclosure control, primary suppression (indicators.md):
-- "A count from 1 to 4 is suppressed (value empty, shown as "<5"). Zero is published."
-- "A share, rate or median whose numerator or denominator is from 1 to 4 is suppressed."
-- A row with neither numerator nor denominator is a count; medians carry their n as denominator.
create or replace temp table disclosure as
-- A stable id: when two parts tie for smallest, the same one is suppressed on every run.
select row_number() over (order by indicator, level, area_code, period, breakdown) as id, i.*,
       case when numerator is null and denominator is null then value between 1 and 4
            else coalesce(numerator between 1 and 4, false) or coalesce(denominator between 1 and 4, false)
       end as suppressed,
       case when numerator is null and denominator is null and value between 1 and 4 then 'primary'
            when coalesce(numerator between 1 and 4, false) or coalesce(denominator between 1 and 4, false) then 'primary'
       end as suppression,
       -- The groups whose parts add up to a published total: a breakdown's values within one
       -- area and period (when the indicator has that total: monthly_flow's flows do not), and
       -- municipalities within a region, regions within Denmark.
       case when breakdown <> '' and exists (select 1 from indicators t
                                              where t.indicator = i.indicator and t.level = i.level
                                                and t.area_code = i.area_code and t.period = i.period
                                                and t.breakdown = '')
            then 'breakdown|' || indicator || '|' || level || '|' || area_code || '|' || period || '|'
                 || split_part(breakdown, '=', 1) end as breakdown_group,
       case when level = 'municipality' then 'region|' || indicator || '|' || period || '|' || breakdown || '|'
                                             || (select region_code from municipalities m
                                                 where m.municipality_code = try_cast(i.area_code as integer))
            when level = 'region' then 'nation|' || indicator || '|' || period || '|' || breakdown end as area_group
from indicators i
