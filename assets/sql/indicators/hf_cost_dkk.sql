-- indicator: hf_cost_dkk
-- definition: "Σ over CTI/ICM/ACT cases of the days the case is active in the period × the method's monthly cost for that year × 12 / 365; breakdown by method"
-- aggregate: kroner
-- persons: hf_persons
-- status: case when not exists (select 1 from hf_unit_costs) then 'no_data' else 'ok' end
-- By the case's municipality. A case is active from start_date to end_date, both days included (an
-- open case: to the period's end); a period lies within one calendar year, so its days share a cost.
-- The persons behind the amounts are hf_persons' (the same cases, periods and breakdowns).
-- Each case's amount is kept to 1/10,000 kr. as a decimal, so sums are exact and the same on every run.
select p.period, c.municipality_code, unnest(['', 'method=' || c.method]) as breakdown, c.person_no as unit,
       cast((least(coalesce(c.end_date, p.period_end), p.period_end) - greatest(c.start_date, p.period_start) + 1)
            * u.monthly_cost_dkk * 12 / 365 as decimal(18, 4)) as amount
from cases_current c
join indicator_periods p on c.start_date <= p.period_end and (c.end_date is null or c.end_date >= p.period_start)
left join hf_unit_costs u on u.method = c.method and u.year = year(p.period_start)
where c.method in ('CTI', 'ICM', 'ACT')
