-- indicator: first_time_share
-- definition: "first_time_persons / persons starting an episode in the period"
-- aggregate: share
-- status: case when data_start > period_start - 730 then 'insufficient_history' else 'ok' end
select p.period, s.municipality_code, '' as breakdown, s.person_no as unit, s.first_time as hit
from episode_starts s
join indicator_periods p on s.first_entry between p.period_start and p.period_end
qualify row_number() over (partition by p.period, s.municipality_code, s.person_no order by s.first_entry) = 1
