-- Deliveries expected but missing after their deadline (data contract: shelters report quarterly,
-- within 30 days of the quarter's end). Every shelter open in a quarter, and every municipality,
-- owes a delivery covering each quarter from the data start whose deadline has passed.
create or replace table missing_deliveries as
with quarters as (
    select cast(q as date) as quarter_start, cast(q + interval 3 month - interval 1 day as date) as quarter_end
    from data_window, range(data_start, current_date, interval 3 month) as t(q)
), due as (
    select * from quarters where quarter_end + 30 < current_date
), expected as (
    select 'shelter_stays' as dataset, s.shelter_id as provider, d.*
    from shelters s join due d on coalesce(s.opened, d.quarter_end) <= d.quarter_end
        and (s.closed is null or s.closed > d.quarter_start)
    union all
    select 'interventions', m.municipality_code::varchar, d.* from municipalities m cross join due d
)
select e.dataset, e.provider, strftime(e.quarter_start, '%Y') || '-Q' || quarter(e.quarter_start) as period,
       e.quarter_end + 30 as deadline
from expected e
where not exists (select 1 from deliveries v
                  where v.dataset = e.dataset and v.provider = e.provider and v.status = 'loaded'
                    and v.period_start <= e.quarter_start and v.period_end >= e.quarter_end)
order by dataset, provider, period
