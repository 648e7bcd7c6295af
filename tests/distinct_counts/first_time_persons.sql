-- indicator: first_time_persons
-- definition: "persons starting an episode in the period with no stay active in the 730 days before that entry; insufficient_history when the data starts less than 730 days before the period start"
-- aggregate: count
-- status: case when data_start > period_start - 730 then 'insufficient_history' else 'ok' end
-- A person with several starts in the period is judged by their first start in the area; the
-- national figure still counts each person once.
select p.period, s.municipality_code, '' as breakdown, s.person_no as unit
from episode_starts s
join indicator_periods p on s.first_entry between p.period_start and p.period_end
where s.first_time
qualify row_number() over (partition by p.period, s.municipality_code, s.person_no order by s.first_entry) = 1
