-- "A night or case day whose rate is missing for its shelter (or method) and year makes the figure
-- of every area and period that contains it no_data ... the data-quality page lists the missing
-- rates. Never guess a rate." (indicators.md, Who pays). One row per shelter or method and year
-- with nights or case days in the computed periods but no rate; no persons or counts.
create or replace table missing_rates as
with years as (
    select year(period_start) as year, min(period_start) as year_start, max(period_end) as year_end
    from periods where period_type = 'quarter' group by all
), shelter_years as (
    select distinct n.shelter_id, y.year
    from stay_nights n
    join years y on n.first_night <= y.year_end and n.last_night >= y.year_start
), method_years as (
    select distinct c.method, y.year
    from cases_current c
    join years y on c.start_date <= y.year_end and (c.end_date is null or c.end_date >= y.year_start)
    where c.method in ('CTI', 'ICM', 'ACT')
)
select 'shelter' as kind, n.shelter_id as item, coalesce(s.name, n.shelter_id) as name, n.year
from shelter_years n
left join shelters s using (shelter_id)
anti join shelter_rates r on r.shelter_id = n.shelter_id and r.year = n.year
union all
select 'method', m.method, m.method, m.year
from method_years m
anti join hf_unit_costs u on u.method = m.method and u.year = m.year
order by 1, 2, 4
