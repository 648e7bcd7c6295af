-- indicator: shelter_cost_dkk
-- definition: "Σ over the nights in the period of the rate of the night's shelter for the night's calendar year"
-- aggregate: kroner
-- persons: person_months.nights
-- status: case when not exists (select 1 from shelter_rates) then 'no_data' else 'ok' end
-- By acting municipality. A period lies within one calendar year, so its nights share the year's
-- rate; a shelter without a rate for that year leaves the amount NULL (the area and period: no_data).
select p.period, n.municipality_code, '' as breakdown, n.person_no as unit,
       (least(n.last_night, p.period_end) - greatest(n.first_night, p.period_start) + 1) * r.night_rate_dkk as amount
from stay_nights n
join indicator_periods p on n.first_night <= p.period_end and n.last_night >= p.period_start
left join shelter_rates r on r.shelter_id = n.shelter_id and r.year = year(p.period_start)
