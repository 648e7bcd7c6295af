-- Every area a figure is published for: DK, the five regions, the 98 municipalities.
create or replace table areas as
select 'national' as level, 'DK' as area_code, null::integer as region_code, 'Danmark' as name
union all
select distinct 'region', region_code::varchar, region_code, null from municipalities
union all
select 'municipality', municipality_code::varchar, region_code, name from municipalities
