-- indicator: homeless_count
-- definition: "persons counted; breakdowns by situation, age_group, sex"
-- aggregate: sum
-- periods: count_years
-- The count is aggregated at source, so regions and DK are sums of municipalities.
select period, municipality_code,
       unnest(['', 'situation=' || situation, 'age_group=' || age_group, 'sex=' || sex]) as breakdown,
       persons as amount
from homeless_count
