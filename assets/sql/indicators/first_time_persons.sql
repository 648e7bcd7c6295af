-- indicator: first_time_persons
-- definition: "persons starting an episode in the period with no stay active in the 730 days before that entry; insufficient_history when the data starts less than 730 days before the period start"
-- aggregate: count
-- units: month masks
-- status: case when data_start > period_start - 730 then 'insufficient_history' else 'ok' end
-- A person with several starts in the period is judged by their first start in the area; a
-- first-time start is always that first start (person_months), so the months of first-time
-- starts are the units. The national figure still counts each person once.
select level, area_code, '' as breakdown, month_word, first_time_starts as units
from person_months
