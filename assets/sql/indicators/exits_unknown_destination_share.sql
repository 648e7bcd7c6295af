-- indicator: exits_unknown_destination_share
-- definition: "exits with destination unknown / all exits (a data-quality figure)"
-- aggregate: share
-- units: once per period
select p.period, e.exit_municipality_code as municipality_code, '' as breakdown, e.episode_id as unit,
       e.exit_destination = 'unknown' as hit
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
where e.exit_destination <> 'deceased'
