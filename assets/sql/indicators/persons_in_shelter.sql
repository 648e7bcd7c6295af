-- persons_in_shelter: "distinct persons with a stay active in the period"
-- Active in period: "entry_date <= period end and (exit_date empty or exit_date >= period start)".
-- Attribution: the stay's acting municipality; a region and DK count each person once
-- (computed from person-level data, never by summing municipalities).
with active as (
    select p.period, s.person_key, s.municipality_code, m.region_code
    from stays_current s
    join periods p on p.period_type in ('year', 'quarter')
        and s.entry_date <= p.period_end and (s.exit_date is null or s.exit_date >= p.period_start)
    join municipalities m using (municipality_code)
), counted as (
    select period,
           case when grouping(region_code) = 1 then 'national'
                when grouping(municipality_code) = 1 then 'region' else 'municipality' end as level,
           case when grouping(region_code) = 1 then 'DK'
                when grouping(municipality_code) = 1 then region_code::varchar
                else municipality_code::varchar end as area_code,
           count(distinct person_key) as persons
    from active
    group by grouping sets ((period), (period, region_code), (period, region_code, municipality_code))
)
select 'persons_in_shelter' as indicator, a.level, a.area_code, p.period, '' as breakdown,
       coalesce(c.persons, 0) as value, null as numerator, null as denominator, 'ok' as status
from areas a
cross join periods p
left join counted c on c.level = a.level and c.area_code = a.area_code and c.period = p.period
where p.period_type in ('year', 'quarter')
