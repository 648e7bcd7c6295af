-- indicator: exits
-- definition: "exits in the period; breakdown by destination"
-- aggregate: count
-- units: once per period
-- Exit: "an episode whose exit date falls in the period, destination not deceased".
select p.period, e.exit_municipality_code as municipality_code,
       unnest(['', 'destination=' || e.exit_destination]) as breakdown, e.episode_id as unit
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
where e.exit_destination <> 'deceased'
