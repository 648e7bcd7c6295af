-- Complete periods between the data start and the cutoff: years (2024), quarters (2024-Q3) and
-- months (2024-07). "Periods that end after the cutoff are not computed."
create or replace table periods as
with months as (
    select cast(m as date) as month_start
    from data_window, range(date_trunc('year', data_start), cutoff, interval 1 month) as t(m)
), candidates as (
    select distinct 'year' as period_type, strftime(month_start, '%Y') as period,
           date_trunc('year', month_start) as period_start,
           cast(date_trunc('year', month_start) + interval 1 year - interval 1 day as date) as period_end
    from months
    union all
    select distinct 'quarter', strftime(month_start, '%Y') || '-Q' || quarter(month_start),
           date_trunc('quarter', month_start),
           cast(date_trunc('quarter', month_start) + interval 3 month - interval 1 day as date)
    from months
    union all
    select 'month', strftime(month_start, '%Y-%m'), month_start,
           cast(month_start + interval 1 month - interval 1 day as date)
    from months
)
select period_type, period, cast(period_start as date) as period_start, period_end,
       -- The period's months as person_months numbers them (month_numbers.sql): its word, its months,
       -- and its last month alone.
       month_no(period_start) // 60 as month_word,
       month_bits(month_no(period_start) % 60, month_no(period_end) % 60) as month_mask,
       month_bits(month_no(period_end) % 60, month_no(period_end) % 60) as last_month_mask
from candidates, data_window
where period_start >= data_start and period_end <= cutoff
order by period_start, period_end desc
