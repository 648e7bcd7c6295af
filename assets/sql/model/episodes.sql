-- Episode (indicators.md, Conventions): "consecutive stays of one person, at any shelters, where the
-- next entry_date is at most one day after the previous exit_date, form one episode (transfers
-- between shelters do not restart the clock). The episode's exit date and destination are those of
-- its last stay. An episode ending in other_shelter with no following stay within one day is an
-- ordinary exit."
-- Attribution choice (the spec attributes stays, not episodes): an episode's entry side (new
-- episodes, first-time persons, action plans) belongs to the municipality of its first stay; its
-- exit side (exits, durations, returns) to the municipality of its last stay.
create or replace table episodes as
with stays as (
    -- An open stay runs through the cutoff, so for ordering it ends the day after.
    select s.*, coalesce(s.exit_date, w.cutoff + 1) as ends
    from stays_current s, data_window w
), marked as (
    select *,
           case when entry_date <= max(ends) over (partition by person_key order by entry_date, ends, shelter_id, stay_id
                                                   rows between unbounded preceding and 1 preceding) + 1
                then 0 else 1 end as starts_episode
    from stays
), numbered as (
    select *, sum(starts_episode) over (partition by person_key order by entry_date, ends, shelter_id, stay_id
                                        rows unbounded preceding) as episode_no
    from marked
)
select person_key, episode_no::integer as episode_no,
       person_key || '#' || episode_no as episode_id,
       min(entry_date) as first_entry,
       case when bool_or(exit_date is null) then null else max(exit_date) end as exit_date,
       case when bool_or(exit_date is null) then null
            else (list(exit_destination order by ends desc, entry_date desc, stay_id desc))[1] end as exit_destination,
       (list(municipality_code order by entry_date, ends, stay_id))[1] as entry_municipality_code,
       (list(municipality_code order by ends desc, entry_date desc, stay_id desc))[1] as exit_municipality_code,
       (list(prior_situation order by entry_date, ends, stay_id))[1] as prior_situation,
       (list(action_plan_date order by entry_date, ends, stay_id))[1] as first_action_plan_date,
       (list(birth_year order by entry_date, ends, stay_id))[1] as birth_year,
       count(*) as stays
from numbered
group by person_key, episode_no
