-- The months in which each person counts, per area they count in (their municipality, its region
-- and DK), as bit masks: a period's distinct persons are then the rows whose mask meets the
-- period's months (`units: month masks` in assets/indicator_units.py), instead of de-duplicating
-- millions of (period, area, person) triples. Regions and DK get their own rows, OR-ed over the
-- person's municipalities, so a person still counts once per area.
-- Months are numbered and packed into words as month_numbers.sql says; the periods table carries
-- each period's word and months the same way (month_word, month_mask, last_month_mask).
-- Each mask says, for the month:
--   active             a stay active in it ("entry_date <= period end and (exit_date empty or
--                      exit_date >= period start)"): months of entry .. exit (open: the cutoff)
--   active_at_end      "in shelter on the night of the last day" (entry <= month end < exit)
--   starts             an episode started in it (in the area of its first stay)
--   first_time_starts  a start with "no stay active in the 730 days before that entry"; such a
--                      start is always the person's first of any period it lies in (an earlier
--                      start in the same year would be a stay within the 730 days), so "judged by
--                      their first entry among that area's stays" needs no ordering here
--   housing_exits, other_exits  an exit (not deceased) to a housing destination or elsewhere, in
--                      the area of the episode's last stay
--   beyond_cap         a night beyond the state refund cap (refund_cap_nights)
--   nights             a night in a shelter (stay_nights: the persons behind shelter kroner)
--   hf_cti, hf_icm, hf_act  a Housing First case of that method active in it ("start_date <=
--                      period end and (end_date empty or end_date >= period start)"), in the
--                      area of the case's municipality
--   youth              person-level, the same in every area: their latest episode started by the
--                      month's end has age 18-24 ("for a person, their latest episode active in
--                      the period"; episodes follow one another, so at a period's end the latest
--                      active one is the last that started by then: read at the period's last month).
--                      It is read only in periods the person is active in, so it ends with the year
--                      of their last night (or the cutoff): a later cutoff changes only the persons
--                      active in the cutoff's year, which keeps a run after a quarter small
--                      (assets/model_changes.py).
create or replace table person_months as
with last_active as (
    select person_no, month_no(make_date(year(max(coalesce(s.exit_date, w.cutoff))), 12, 1)) as last_year_end
    from stays_current s, data_window w
    group by person_no
), spans as (
    select s.person_no, s.municipality_code, 'active' as kind,
           month_no(s.entry_date) as from_month, month_no(coalesce(s.exit_date, w.cutoff)) as to_month
    from stays_current s, data_window w
    union all
    select s.person_no, s.municipality_code, 'active_at_end', month_no(s.entry_date),
           case when s.exit_date is null then month_no(w.cutoff) else month_no(s.exit_date) - 1 end
    from stays_current s, data_window w
    union all
    select person_no, municipality_code, case when first_time then 'first_time_start' else 'start' end,
           month_no(first_entry), month_no(first_entry)
    from episode_starts
    union all
    select person_no, exit_municipality_code,
           case when exit_destination in ('own_housing', 'supported_housing') then 'housing_exit' else 'other_exit' end,
           month_no(exit_date), month_no(exit_date)
    from episodes
    where exit_date is not null and exit_destination <> 'deceased'
    union all
    select person_no, municipality_code, 'beyond_cap', month_no(first_night), month_no(last_night)
    from refund_cap_nights
    union all
    select person_no, municipality_code, 'nights', month_no(first_night), month_no(last_night)
    from stay_nights
    union all
    select c.person_no, c.municipality_code, 'hf_' || lower(c.method), month_no(c.start_date),
           month_no(coalesce(c.end_date, w.cutoff))
    from cases_current c, data_window w
    where c.method in ('CTI', 'ICM', 'ACT')
    union all
    -- Each youth episode from its start's month to the month before the person's next start.
    select person_no, null, 'youth', month_no(first_entry),
           least(coalesce(lead(month_no(first_entry)) over (partition by person_no order by first_entry),
                          (select month_no(cutoff) + 1 from data_window)) - 1, l.last_year_end)
    from episodes join last_active l using (person_no)
    qualify year(first_entry) - birth_year between 18 and 24
), words as (
    -- A span split at the words it reaches (almost always one).
    select person_no, municipality_code, kind, month_word,
           month_bits(greatest(from_month, month_word * 60) - month_word * 60,
                      least(to_month, month_word * 60 + 59) - month_word * 60) as bits
    from (select *, unnest(range(greatest(from_month, 0) // 60, to_month // 60 + 1)) as month_word
          from spans where to_month >= from_month)
), by_municipality as (
    select person_no, municipality_code, m.region_code, month_word,
           bit_or(bits) filter (where kind = 'active') as active,
           bit_or(bits) filter (where kind = 'active_at_end') as active_at_end,
           bit_or(bits) filter (where kind in ('start', 'first_time_start')) as starts,
           bit_or(bits) filter (where kind = 'first_time_start') as first_time_starts,
           bit_or(bits) filter (where kind = 'housing_exit') as housing_exits,
           bit_or(bits) filter (where kind = 'other_exit') as other_exits,
           bit_or(bits) filter (where kind = 'beyond_cap') as beyond_cap,
           bit_or(bits) filter (where kind = 'nights') as nights,
           bit_or(bits) filter (where kind = 'hf_cti') as hf_cti,
           bit_or(bits) filter (where kind = 'hf_icm') as hf_icm,
           bit_or(bits) filter (where kind = 'hf_act') as hf_act
    from words
    join municipalities m using (municipality_code)   -- as the indicator template's roll-up does
    group by person_no, municipality_code, m.region_code, month_word
), by_area as (
    select person_no, 'municipality' as level, municipality_code::varchar as area_code, month_word,
           active, active_at_end, starts, first_time_starts, housing_exits, other_exits, beyond_cap, nights,
           hf_cti, hf_icm, hf_act
    from by_municipality
    union all
    select person_no, 'region', region_code::varchar, month_word, bit_or(active), bit_or(active_at_end), bit_or(starts),
           bit_or(first_time_starts), bit_or(housing_exits), bit_or(other_exits), bit_or(beyond_cap), bit_or(nights),
           bit_or(hf_cti), bit_or(hf_icm), bit_or(hf_act)
    from by_municipality group by person_no, region_code, month_word
    union all
    select person_no, 'national', 'DK', month_word, bit_or(active), bit_or(active_at_end), bit_or(starts),
           bit_or(first_time_starts), bit_or(housing_exits), bit_or(other_exits), bit_or(beyond_cap), bit_or(nights),
           bit_or(hf_cti), bit_or(hf_icm), bit_or(hf_act)
    from by_municipality group by person_no, month_word
), youth as (
    select person_no, month_word, bit_or(bits) as youth from words where kind = 'youth' group by person_no, month_word
)
select a.person_no, a.level, a.area_code, a.month_word, coalesce(a.active, 0) as active,
       coalesce(a.active_at_end, 0) as active_at_end, coalesce(a.starts, 0) as starts,
       coalesce(a.first_time_starts, 0) as first_time_starts, coalesce(a.housing_exits, 0) as housing_exits,
       coalesce(a.other_exits, 0) as other_exits, coalesce(a.beyond_cap, 0) as beyond_cap,
       coalesce(a.nights, 0) as nights, coalesce(a.hf_cti, 0) as hf_cti, coalesce(a.hf_icm, 0) as hf_icm,
       coalesce(a.hf_act, 0) as hf_act, coalesce(y.youth, 0) as youth
from by_area a
left join youth y using (person_no, month_word)
