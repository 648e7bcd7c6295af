-- indicator: first_time_share
-- definition: "first_time_persons / persons starting an episode in the period"
-- aggregate: share
-- units: month masks
-- status: case when data_start > period_start - 730 then 'insufficient_history' else 'ok' end
select level, area_code, '' as breakdown, month_word, starts as units, first_time_starts as hits
from person_months
