-- Housing First cases, each once, as the latest delivery reports it ("As with stays, a case appears
-- in every delivery whose period it is active in; the row from the latest period wins").
create or replace table cases_current as
select provider as delivering_municipality, case_id, person_no, municipality_code, method, start_date, end_date,
       housed_date, end_reason, period as reported_in
from interventions
join person_numbers using (person_key)
qualify row_number() over (partition by provider, case_id
                           order by period_end desc, period_start desc, source_file desc, line desc) = 1
