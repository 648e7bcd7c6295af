-- indicator: cap_change_cost_shift_dkk
-- definition: "the refund municipalities lose because the cap fell from 120 to 90 nights: 50 % of the cost of the nights on or after 2026-04-01 whose running number in their refund year is 91–120; periods ending before 2026-04-01: status no_data"
-- aggregate: kroner
-- status: case when period_end < date '2026-04-01' or not exists (select 1 from shelter_rates) then 'no_data' else 'ok' end
-- Runs beyond the 90-night cap carry the last night still within 120 (old_cap_last_night).
select p.period, c.municipality_code, '' as breakdown, c.person_no as unit,
       0.5 * (least(c.old_cap_last_night, p.period_end) - greatest(c.first_night, p.period_start) + 1)
           * r.night_rate_dkk as amount
from refund_cap_nights c
join indicator_periods p on c.first_night <= p.period_end and least(c.last_night, c.old_cap_last_night) >= p.period_start
    and c.first_night <= c.old_cap_last_night
left join shelter_rates r on r.shelter_id = c.shelter_id and r.year = year(p.period_start)
