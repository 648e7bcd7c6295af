-- Disclosure control, secondary suppression (indicators.md): "within one (indicator, level,
-- period, breakdown key) group where the parts add up to a published total (a breakdown, or
-- municipalities within a region), if exactly one part is suppressed, also suppress the smallest
-- other part, so the suppressed value cannot be found by subtraction."
-- Only counts and kroner amounts add up (a kroner amount, id ending _dkk, carries the persons
-- behind it as denominator and no numerator; a rate per person has both). The smallest non-zero part is preferred: hiding a zero beside a 1-4 would
-- leave a hidden pair whose sum is itself 1-4.
with members as (
    select id, value, suppressed, breakdown_group as grp from disclosure
    where breakdown_group is not null and numerator is null and (denominator is null or indicator like '%\_dkk' escape '\')
    union all
    select id, value, suppressed, area_group from disclosure
    where area_group is not null and numerator is null and (denominator is null or indicator like '%\_dkk' escape '\')
), single as (
    select grp from members group by grp having count(*) filter (where suppressed) = 1
), smallest as (
    select m.id from members m join single using (grp)
    where not m.suppressed and m.value is not null
    qualify row_number() over (partition by m.grp order by m.value = 0, m.value, m.id) = 1
)
update disclosure set suppressed = true, suppression = 'secondary'
where id in (select id from smallest) and not suppressed
