-- indicator: municipal_net_cost_dkk
-- definition: "shelter_cost_dkk − state_refund_dkk"
-- aggregate: kroner
-- status: case when not exists (select 1 from shelter_rates) then 'no_data' else 'ok' end
-- The state refunds half of every night not beyond the cap, so the municipality pays half of every
-- night plus the other half of the nights beyond it: cost − refund = ½ cost + ½ cost beyond the cap.
-- The persons behind it are everyone with a night (those beyond the cap had one too).
with half_of_every_night as (
    select p.period, n.municipality_code, n.person_no as unit,
           0.5 * (least(n.last_night, p.period_end) - greatest(n.first_night, p.period_start) + 1)
               * r.night_rate_dkk as amount
    from stay_nights n
    join indicator_periods p on n.first_night <= p.period_end and n.last_night >= p.period_start
    left join shelter_rates r on r.shelter_id = n.shelter_id and r.year = year(p.period_start)
), other_half_beyond_cap as (
    select p.period, c.municipality_code, c.person_no as unit,
           0.5 * (least(c.last_night, p.period_end) - greatest(c.first_night, p.period_start) + 1)
               * r.night_rate_dkk as amount
    from refund_cap_nights c
    join indicator_periods p on c.first_night <= p.period_end and c.last_night >= p.period_start
    left join shelter_rates r on r.shelter_id = c.shelter_id and r.year = year(p.period_start)
)
select period, municipality_code, '' as breakdown, unit, amount from half_of_every_night
union all
select period, municipality_code, '' as breakdown, unit, amount from other_half_beyond_cap
