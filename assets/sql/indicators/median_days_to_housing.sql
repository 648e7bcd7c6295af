-- indicator: median_days_to_housing
-- definition: "median length of episodes whose exit in the period went to a housing destination"
-- aggregate: median
select p.period, e.exit_municipality_code as municipality_code, '' as breakdown, e.exit_date - e.first_entry as amount
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
where e.exit_destination in ('own_housing', 'supported_housing')
