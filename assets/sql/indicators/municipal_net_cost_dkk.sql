-- indicator: municipal_net_cost_dkk
-- definition: "shelter_cost_dkk − state_refund_dkk"
-- aggregate: final
-- Exactly the definition, from the amounts already computed: the refund is half the cost of the
-- nights not beyond the cap, so cost − refund = cost − ½ (shelter_cost_dkk − cost_beyond_refund_cap_dkk),
-- taken in decimals (sums of whole øre): the same amount as summing it night by night. The
-- persons behind it are everyone with a night, as for shelter_cost_dkk (its denominator).
select 'municipal_net_cost_dkk' as indicator, c.level, c.area_code, c.period, '' as breakdown,
       case when c.status = 'ok' and b.status = 'ok'
            then (c.value::decimal(20, 4) - 0.5 * (c.value::decimal(20, 4) - b.value::decimal(20, 4)))::double
       end as value,
       null::double as numerator, c.denominator,
       case when c.status <> 'ok' then c.status else b.status end as status
from indicators c
join indicators b on b.indicator = 'cost_beyond_refund_cap_dkk' and b.level = c.level and b.area_code = c.area_code
    and b.period = c.period and b.breakdown = c.breakdown
where c.indicator = 'shelter_cost_dkk'
