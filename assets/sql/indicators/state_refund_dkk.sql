-- indicator: state_refund_dkk
-- definition: "50 % of the cost of the nights in the period that are refunded: every night before 2023-10-01 (no cap then), and from 2023-10-01 the nights within the cap (not beyond it)"
-- aggregate: kroner
-- status: case when not exists (select 1 from shelter_rates) then 'no_data' else 'ok' end
-- Refunded nights = a stay's nights minus its nights beyond the cap (runs in refund_cap_nights lie
-- within one stay's nights, same shelter and municipality). Counted per person, shelter and period,
-- so the persons behind the amount are those with at least one refunded night.
with nights as (
    select p.period, n.municipality_code, n.shelter_id, n.person_no,
           least(n.last_night, p.period_end) - greatest(n.first_night, p.period_start) + 1 as nights
    from stay_nights n
    join indicator_periods p on n.first_night <= p.period_end and n.last_night >= p.period_start
    union all
    select p.period, c.municipality_code, c.shelter_id, c.person_no,
           -(least(c.last_night, p.period_end) - greatest(c.first_night, p.period_start) + 1)
    from refund_cap_nights c
    join indicator_periods p on c.first_night <= p.period_end and c.last_night >= p.period_start
), refunded as (
    select period, municipality_code, shelter_id, person_no, sum(nights) as nights
    from nights group by all
)
select f.period, f.municipality_code, '' as breakdown, case when f.nights > 0 then f.person_no end as unit,
       0.5 * f.nights * r.night_rate_dkk as amount
from refunded f
join indicator_periods p using (period)
left join shelter_rates r on r.shelter_id = f.shelter_id and r.year = year(p.period_start)
