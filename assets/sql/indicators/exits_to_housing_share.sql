-- indicator: exits_to_housing_share
-- definition: "exits to a housing destination / all exits (unknown stays in the denominator)"
-- aggregate: share
-- units: once per period
-- Housing destinations: own_housing, supported_housing (data contract).
select p.period, e.exit_municipality_code as municipality_code, '' as breakdown, e.episode_id as unit,
       e.exit_destination in ('own_housing', 'supported_housing') as hit
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
where e.exit_destination <> 'deceased'
