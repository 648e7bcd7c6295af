-- The state refund cap (indicators.md): "A person's first refund year starts at the first night on
-- or after 2023-10-01 that they spend in a shelter and lasts 365 days; the next one starts at their
-- first shelter night after it ends. Within a refund year, nights are counted in date order across
-- all shelters; a night on date d is beyond the cap when its running number in the refund year
-- exceeds the cap in force on d (120 before 2026-04-01, 90 from then on)."
-- Without a row per night: within a refund year, a run of nights a..b that starts after n earlier
-- nights has running numbers n+1 ... n+1+(b-a); the night d is beyond cap K when
-- n + (d - a) + 1 > K, i.e. d >= a + K - n. Each run is split at 2026-04-01 where K changes.
-- One row per run of beyond-cap nights, with its stay, the stay's shelter and acting municipality (what the
-- nights cost, "Who pays"). Under the 90-night cap, `old_cap_last_night` is the last night whose
-- running number is still within 120: the nights the cap change moved from the state to the
-- municipality (cap_change_cost_shift_dkk) are first_night .. old_cap_last_night.
create or replace table refund_cap_nights as
with runs as (
    select n.person_no, n.shelter_id, n.stay_id, n.municipality_code, y.year_start,
           greatest(n.first_night, y.year_start) as a, least(n.last_night, y.year_start + 364) as b
    from stay_nights n
    join refund_years y on y.person_no = n.person_no
        and n.last_night >= y.year_start and n.first_night <= y.year_start + 364
), counted as (
    select *, coalesce(sum(b - a + 1) over (partition by person_no, year_start order by a
                                            rows between unbounded preceding and 1 preceding), 0) as nights_before
    from runs
), by_cap as (
    select *, a as run_from, least(b, date '2026-03-31') as run_to, 120 as cap from counted where a < date '2026-04-01'
    union all
    select *, greatest(a, date '2026-04-01'), b, 90 from counted where b >= date '2026-04-01'
)
select person_no, shelter_id, stay_id, municipality_code, year_start,
       greatest(run_from, a + (cap - nights_before)::integer) as first_night, run_to as last_night,
       case when cap = 90 then a + (120 - nights_before - 1)::integer end as old_cap_last_night
from by_cap
where greatest(run_from, a + (cap - nights_before)::integer) <= run_to
