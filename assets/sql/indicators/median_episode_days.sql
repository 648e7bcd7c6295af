-- indicator: median_episode_days
-- definition: "median length of episodes with an exit in the period"
-- aggregate: median
-- Exit: "an episode whose exit date falls in the period, destination not deceased".
-- Length: exit_date − first entry. Median: the mean of the two middle values for an even count.
select p.period, e.exit_municipality_code as municipality_code, '' as breakdown, e.exit_date - e.first_entry as amount
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
where e.exit_destination <> 'deceased'
