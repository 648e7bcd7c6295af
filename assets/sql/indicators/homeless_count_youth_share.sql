-- indicator: homeless_count_youth_share
-- definition: "persons aged 18–24 / persons with a known age group"
-- aggregate: ratio
-- periods: count_years
select period, municipality_code, '' as breakdown,
       case when age_group = '18-24' then persons else 0 end as amount,
       case when age_group <> 'unknown' then persons else 0 end as base
from homeless_count
