-- indicator: cost_beyond_refund_cap_dkk
-- definition: "the cost of the nights in the period that are beyond the cap (the municipality pays them in full)"
-- aggregate: kroner
-- persons: persons_beyond_refund_cap
-- status: case when not exists (select 1 from shelter_rates) then 'no_data' else 'ok' end
-- The runs of nights beyond the cap are in assets/sql/model/refund_cap_nights.sql.
select p.period, c.municipality_code, '' as breakdown, c.person_no as unit,
       (least(c.last_night, p.period_end) - greatest(c.first_night, p.period_start) + 1) * r.night_rate_dkk as amount
from refund_cap_nights c
join indicator_periods p on c.first_night <= p.period_end and c.last_night >= p.period_start
left join shelter_rates r on r.shelter_id = c.shelter_id and r.year = year(p.period_start)
