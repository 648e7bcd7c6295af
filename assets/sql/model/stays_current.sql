-- Each stay once, as the latest delivery reports it (data contract: "the row from the latest
-- period wins"); ties go to the later file and line.
create or replace table stays_current as
select provider as shelter_id, stay_id, person_no, municipality_code, entry_date, exit_date,
       exit_destination, prior_situation, action_plan_date, birth_year, sex,
       period as reported_in
from shelter_stays
join person_numbers using (person_key)
qualify row_number() over (partition by provider, stay_id
                           order by period_end desc, period_start desc, source_file desc, line desc) = 1
