-- indicator: episodes_over_90_days_share
-- definition: "of episodes with an exit in the period, the share longer than 90 days"
-- aggregate: share
-- units: once per period
select p.period, e.exit_municipality_code as municipality_code, '' as breakdown, e.episode_id as unit,
       e.exit_date - e.first_entry > 90 as hit
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
where e.exit_destination <> 'deceased'
