-- indicator: hf_housing_retention_12m
-- definition: "of persons with a housed_date in the period in a CTI/ICM/ACT case, the share with no shelter entry within 365 days after it (insufficient_follow_up as above)"
-- aggregate: share
-- units: once per period
-- status: case when period_end + 365 > cutoff then 'insufficient_follow_up' else 'ok' end
-- looks ahead: 365 days
-- A person is judged from their first housed_date in the period, in the case's municipality.
with housed as (
    select p.period, c.person_no, c.housed_date, c.municipality_code
    from cases_current c
    join indicator_periods p on c.housed_date between p.period_start and p.period_end
    where c.method in ('CTI', 'ICM', 'ACT')
    qualify row_number() over (partition by p.period, c.person_no order by c.housed_date, c.case_id) = 1
)
select h.period, h.municipality_code, '' as breakdown, h.person_no as unit,
       not exists (select 1 from stays_current s where s.person_no = h.person_no
                   and s.entry_date > h.housed_date and s.entry_date <= h.housed_date + 365) as hit
from housed h
