-- indicator: hf_coverage_of_housing_exits
-- definition: "of persons with an exit to own_housing in the period (per area: among that area's exits), the share for whom at least one such exit had a CTI/ICM/ACT case (in any municipality) active on the exit date or starting within 30 days after it"
-- aggregate: share
-- status: case when period_end + 30 > cutoff then 'insufficient_follow_up' else 'ok' end
-- looks ahead: 30 days
-- One fact per own-housing exit; the template counts a person once per area, as covered when any
-- of their exits in that area is (count distinct ... filter (where hit)). An area's exits are those
-- whose episode's last stay is in the area. Exits in the last 30 days before the cutoff have not
-- had their 30 days yet.
select p.period, e.exit_municipality_code as municipality_code, '' as breakdown, e.person_no as unit,
       exists (select 1 from cases_current c
               where c.person_no = e.person_no and c.method in ('CTI', 'ICM', 'ACT')
                 and ((c.start_date <= e.exit_date and (c.end_date is null or c.end_date >= e.exit_date))
                      or (c.start_date > e.exit_date and c.start_date <= e.exit_date + 30))) as hit
from episodes e
join indicator_periods p on e.exit_date between p.period_start and p.period_end
where e.exit_destination = 'own_housing'
