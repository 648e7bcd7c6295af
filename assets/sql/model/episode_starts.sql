-- Every episode's start, with the first-time rule (indicators.md, first_time_persons): a start with
-- "no stay active in the 730 days before that entry" (a stay is active in [entry - 730, entry - 1]
-- when it entered before the entry and had not exited 730 days before it).
create or replace table episode_starts as
select e.person_no, e.episode_id, e.first_entry, e.entry_municipality_code as municipality_code,
       e.prior_situation, e.first_action_plan_date,
       not exists (select 1 from stays_current s
                   where s.person_no = e.person_no and s.entry_date < e.first_entry
                     and (s.exit_date is null or s.exit_date >= e.first_entry - 730)) as first_time
from episodes e
