-- indicator: occupancy_rate
-- definition: "bed nights at shelters located in the area / (beds × nights in the period), shelters open in the period"
-- aggregate: ratio
-- Attributed to where the shelter is located (the one indicator that is). A shelter counts for the
-- nights it was open within the period: from `opened`, up to the day before `closed`.
with capacity as (
    select p.period, s.shelter_id, s.municipality_code,
           s.beds * (least(coalesce(s.closed - 1, p.period_end), p.period_end)
                     - greatest(coalesce(s.opened, p.period_start), p.period_start) + 1) as bed_capacity
    from shelters s
    join indicator_periods p on coalesce(s.opened, p.period_start) <= p.period_end
        and coalesce(s.closed - 1, p.period_end) >= p.period_start
), used as (
    select p.period, n.shelter_id,
           sum(least(n.last_night, p.period_end) - greatest(n.first_night, p.period_start) + 1) as nights
    from stay_nights n
    join indicator_periods p on n.first_night <= p.period_end and n.last_night >= p.period_start
    group by all
)
select c.period, c.municipality_code, '' as breakdown, coalesce(u.nights, 0) as amount, c.bed_capacity as base
from capacity c left join used u using (period, shelter_id)
where c.bed_capacity > 0
