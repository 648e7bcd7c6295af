-- variants: persons_in_shelter_per_10k: persons_in_shelter; homeless_count_per_10k: homeless_count
-- definition: "persons_in_shelter / population of the period's year × 10,000"; "homeless_count / population × 10,000"
-- aggregate: final
-- A quarter uses its year's population (inhabitants on 1 January); regions and DK their
-- municipalities' summed (area_population).
select '$variant_per_10k' as indicator, i.level, i.area_code, i.period, i.breakdown,
       case when i.status = 'ok' and ap.population > 0 then i.value / ap.population * 10000 end as value,
       case when ap.population > 0 then i.value end as numerator, ap.population as denominator,
       case when ap.population is null then 'no_data' else i.status end as status
from indicators i
left join area_population ap on ap.level = i.level and ap.area_code = i.area_code
    and ap.year = cast(left(i.period, 4) as integer)
where i.indicator = '$variant' and i.breakdown = ''
