-- indicator: new_episodes
-- definition: "episodes whose first entry is in the period; breakdown by prior_situation of the first stay"
-- aggregate: count
-- units: once per period
select p.period, s.municipality_code, unnest(['', 'prior_situation=' || s.prior_situation]) as breakdown,
       s.episode_id as unit
from episode_starts s
join indicator_periods p on s.first_entry between p.period_start and p.period_end
