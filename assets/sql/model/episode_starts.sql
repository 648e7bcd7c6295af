-- Every episode's start, with the first-time rule (indicators.md, first_time_persons): a start with
-- "no stay active in the 730 days before that entry" (a stay is active in [entry - 730, entry - 1]
-- when it entered before the entry and had not exited 730 days before it).
-- The stays that entered before an episode's first entry are exactly those of the person's earlier
-- episodes, and each episode starts after every earlier stay has ended, so the latest end among
-- them is the previous episode's exit (open: never ended): one window over the episodes, no
-- search through the person's stays.
create or replace table episode_starts as
select person_no, episode_id, first_entry, entry_municipality_code as municipality_code,
       prior_situation, first_action_plan_date,
       coalesce(lag(coalesce(exit_date, date '9999-12-31')) over (partition by person_no order by first_entry)
                < first_entry - 730, true) as first_time
from episodes
