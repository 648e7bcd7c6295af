-- indicator: out_of_area_bed_nights_share
-- definition: "(municipality level) bed nights of the municipality's citizens at shelters located in another municipality / all their bed nights"
-- aggregate: ratio
-- levels: municipality
select p.period, n.municipality_code, '' as breakdown,
       case when n.shelter_municipality_code is distinct from n.municipality_code
            then least(n.last_night, p.period_end) - greatest(n.first_night, p.period_start) + 1 else 0 end as amount,
       least(n.last_night, p.period_end) - greatest(n.first_night, p.period_start) + 1 as base
from stay_nights n
join indicator_periods p on n.first_night <= p.period_end and n.last_night >= p.period_start
