-- Nights (indicators.md): "a stay covers the nights entry_date ... exit_date - 1 (an open stay: up
-- to and including the cutoff)". A person sleeps in one bed a night: where two of their stays
-- overlap (the contract tolerates one day), the shared night is counted once, for the earlier stay.
-- One row per stay with at least one night: the first and last night it alone covers.
create or replace table stay_nights as
with nights as (
    select s.person_no, s.shelter_id, s.stay_id, s.municipality_code, sh.municipality_code as shelter_municipality_code,
           s.entry_date as first_night, coalesce(s.exit_date, w.cutoff + 1) - 1 as last_night
    from stays_current s
    cross join data_window w
    left join shelters sh using (shelter_id)
    where coalesce(s.exit_date, w.cutoff + 1) > s.entry_date
), after_earlier as (
    select *, max(last_night) over (partition by person_no order by first_night, last_night, shelter_id, stay_id
                                    rows between unbounded preceding and 1 preceding) as earlier_last_night
    from nights
)
select person_no, shelter_id, stay_id, municipality_code, shelter_municipality_code,
       greatest(first_night, coalesce(earlier_last_night + 1, first_night)) as first_night, last_night
from after_earlier
where greatest(first_night, coalesce(earlier_last_night + 1, first_night)) <= last_night
