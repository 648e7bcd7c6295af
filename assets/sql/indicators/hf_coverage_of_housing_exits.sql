-- indicator: hf_coverage_of_housing_exits
-- definition: "of persons with an exit to own_housing in the period, the share with a CTI/ICM/ACT case active on the exit date or starting within 30 days after it"
-- aggregate: share
-- units: once per period
-- status: case when period_end + 30 > cutoff then 'insufficient_follow_up' else 'ok' end
-- A person is judged by their first exit to own_housing in the period, attributed to the
-- municipality they left shelter from. Exits in the last 30 days before the cutoff have not had
-- their 30 days yet.
with first_exit as (
    select p.period, e.person_no, e.exit_date, e.exit_municipality_code as municipality_code
    from episodes e
    join indicator_periods p on e.exit_date between p.period_start and p.period_end
    where e.exit_destination = 'own_housing'
    qualify row_number() over (partition by p.period, e.person_no order by e.exit_date, e.episode_no) = 1
)
select x.period, x.municipality_code, '' as breakdown, x.person_no as unit,
       exists (select 1 from cases_current c
               where c.person_no = x.person_no and c.method in ('CTI', 'ICM', 'ACT')
                 and ((c.start_date <= x.exit_date and (c.end_date is null or c.end_date >= x.exit_date))
                      or (c.start_date > x.exit_date and c.start_date <= x.exit_date + 30))) as hit
from first_exit x
