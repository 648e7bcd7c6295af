-- indicator: youth_persons_share
-- definition: "persons aged 18–24 / persons_in_shelter"
-- aggregate: share
-- units: month masks
-- hits: in the last month
-- Age: "year of the first entry of the episode − birth_year (for a person, their latest episode
-- active in the period)". Youth = 18–24. The latest episode active in a period is the last one
-- started by its end, so person_months.youth is read at the period's last month.
select level, area_code, '' as breakdown, month_word, active as units, youth as hits
from person_months
