-- indicators_published: the same rows as `indicators`; suppressed rows lose value, numerator and
-- denominator ("numerator and denominator are never published for suppressed rows").
-- `suppression` (primary / secondary / empty) lets reports show "<5" or a marked gap; `cutoff` is
-- the data cutoff the figure was computed to (the run id stays in the warehouse).
create or replace table indicators_published as
select indicator, level, area_code, period, breakdown,
       case when suppressed then null else value end as value,
       case when suppressed then null else numerator end as numerator,
       case when suppressed then null else denominator end as denominator,
       status, coalesce(suppression, '') as suppression, cutoff
from disclosure
order by indicator, level, area_code, period, breakdown
