-- Inhabitants per area and year: a region's and Denmark's are the sum of their municipalities'.
create or replace table area_population as
select a.level, a.area_code, p.year, sum(p.population) as population
from areas a
join municipalities m on a.level = 'national'
    or (a.level = 'region' and a.area_code = m.region_code::varchar)
    or (a.level = 'municipality' and a.area_code = m.municipality_code::varchar)
join population p on p.municipality_code = m.municipality_code
group by a.level, a.area_code, p.year
