-- indicator: net_cost_per_person_in_shelter_dkk
-- definition: "municipal_net_cost_dkk / persons_in_shelter"
-- aggregate: final
-- The persons in shelter are its denominator, so disclosure control sees them (and the amount
-- follows municipal_net_cost_dkk's suppression, see assets/sql/disclosure_linked.sql).
select 'net_cost_per_person_in_shelter_dkk' as indicator, c.level, c.area_code, c.period, '' as breakdown,
       case when c.status = 'ok' and p.status = 'ok' and p.value > 0 then c.value / p.value end as value,
       c.value as numerator, p.value as denominator,
       case when c.status <> 'ok' then c.status when p.status <> 'ok' then p.status
            when coalesce(p.value, 0) = 0 then 'no_data' else 'ok' end as status
from indicators c
join indicators p on p.indicator = 'persons_in_shelter' and p.level = c.level and p.area_code = c.area_code
    and p.period = c.period and p.breakdown = ''
where c.indicator = 'municipal_net_cost_dkk' and c.breakdown = ''
