-- indicator: hf_persons
-- definition: "distinct persons with a CTI, ICM or ACT case active in the period (by the case's municipality); breakdown by method"
-- aggregate: count
select p.period, c.municipality_code, unnest(['', 'method=' || c.method]) as breakdown, c.person_no as unit
from cases_current c
join indicator_periods p on c.start_date <= p.period_end and (c.end_date is null or c.end_date >= p.period_start)
where c.method in ('CTI', 'ICM', 'ACT')
