-- indicator: state_refund_dkk
-- definition: "50 % of the cost of the nights in the period that are refunded: every night before 2023-10-01 (no cap then), and from 2023-10-01 the nights within the cap (not beyond it)"
-- aggregate: final
-- The refunded nights are every night but those beyond the cap, so the amount is half of
-- shelter_cost_dkk − cost_beyond_refund_cap_dkk, taken in decimals (both are sums of whole øre):
-- exactly the sum night by night, without a second pass over the nights.
-- The persons behind it are those with at least one refunded night: everyone with a night
-- (shelter_cost_dkk's denominator) but those whose every night in the area and period lies beyond
-- the cap. Only persons with a night beyond the cap in the period can be such; they are few, so
-- only their nights are looked at, area by area (a person refunded in one municipality of a
-- region counts in the region).
with beyond_runs as (
    select c.person_no, c.shelter_id, c.stay_id, p.period, p.period_start, p.period_end,
           least(c.last_night, p.period_end) - greatest(c.first_night, p.period_start) + 1 as nights
    from refund_cap_nights c
    join indicator_periods p on c.first_night <= p.period_end and c.last_night >= p.period_start
), beyond_stays as (
    select shelter_id, stay_id, period, sum(nights) as nights from beyond_runs group by all
), candidates as (
    select distinct person_no, period, period_start, period_end from beyond_runs
), candidate_nights as (
    select k.period, n.municipality_code, n.person_no,
           least(n.last_night, k.period_end) - greatest(n.first_night, k.period_start) + 1
               - coalesce(b.nights, 0) as refunded
    from stay_nights n
    join candidates k on k.person_no = n.person_no and n.first_night <= k.period_end and n.last_night >= k.period_start
    left join beyond_stays b on b.shelter_id = n.shelter_id and b.stay_id = n.stay_id and b.period = k.period
), by_area as (
    select c.period, a.level, a.area_code, c.person_no, sum(c.refunded) as refunded
    from candidate_nights c
    join (select municipality_code, 'municipality' as level, municipality_code::varchar as area_code from municipalities
          union all select municipality_code, 'region', region_code::varchar from municipalities
          union all select municipality_code, 'national', 'DK' from municipalities) a using (municipality_code)
    group by all
), unrefunded as (
    select period, level, area_code, count(*) as persons from by_area where refunded = 0 group by all
)
select 'state_refund_dkk' as indicator, c.level, c.area_code, c.period, '' as breakdown,
       case when c.status = 'ok' and b.status = 'ok'
            then (0.5 * (c.value::decimal(20, 4) - b.value::decimal(20, 4)))::double end as value,
       null::double as numerator, c.denominator - coalesce(u.persons, 0) as denominator,
       case when c.status <> 'ok' then c.status else b.status end as status
from indicators c
join indicators b on b.indicator = 'cost_beyond_refund_cap_dkk' and b.level = c.level and b.area_code = c.area_code
    and b.period = c.period and b.breakdown = c.breakdown
left join unrefunded u on u.level = c.level and u.area_code = c.area_code and u.period = c.period
where c.indicator = 'shelter_cost_dkk'
