-- indicator: action_plan_within_30_days_share
-- definition: "of episodes starting in the period, the share whose first stay has an action_plan_date within 30 days of entry"
-- aggregate: share
-- units: once per period
-- status: case when period_end + 30 > cutoff then 'insufficient_follow_up' else 'ok' end
-- looks ahead: 30 days
-- A plan dated before the entry (made during an earlier contact) counts as within 30 days.
-- Episodes starting in the last 30 days before the cutoff have not had their 30 days yet.
select p.period, s.municipality_code, '' as breakdown, s.episode_id as unit,
       coalesce(s.first_action_plan_date <= s.first_entry + 30, false) as hit
from episode_starts s
join indicator_periods p on s.first_entry between p.period_start and p.period_end
