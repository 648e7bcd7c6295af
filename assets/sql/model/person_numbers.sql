-- Every person once, numbered: the model and the indicators work on this integer rather than the
-- 64-character pseudonym, because counting distinct persons over millions of rows is several times
-- cheaper on integers. The same person has the same number in stays and Housing First cases (the
-- pseudonym links them, data contract). The numbers never leave the warehouse.
create or replace table person_numbers as
select person_key, row_number() over (order by person_key)::integer as person_no
from (select person_key from shelter_stays union select person_key from interventions)
