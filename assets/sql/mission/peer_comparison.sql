-- For each municipality, the median of the key indicators over the *other* municipalities of its
-- peer group (a municipality is not its own peer: København's peer is Frederiksberg), for the latest
-- year each indicator can be measured in. Only published figures are used: a suppressed
-- municipality is left out of the median, and `peers_with_value` says how many it rests on.
-- The key indicators are rates and shares (never raw counts, which only say how big a place is).
create or replace table peer_comparison as
with peer_indicators(indicator) as (
    values ('persons_in_shelter_per_10k'), ('exits_to_housing_share'), ('episodes_over_90_days_share'),
           ('action_plan_within_30_days_share'), ('returns_within_12m_share'), ('hf_coverage_of_housing_exits')
), latest as (
    select indicator, max(period) as period
    from indicators_published
    where level = 'national' and length(period) = 4 and breakdown = '' and status = 'ok'
      and indicator in (select indicator from peer_indicators)
    group by indicator
), municipal as (
    select p.indicator, p.period, p.area_code::integer as municipality_code, p.value
    from indicators_published p
    join latest l using (indicator, period)
    where p.level = 'municipality' and p.breakdown = ''
)
select own.municipality_code, own.peer_group, m.indicator, m.period, median(m.value) as peer_median,
       count(m.value) as peers_with_value, count(*) as peers
from peer_groups own
join peer_groups g on g.peer_group = own.peer_group and g.municipality_code <> own.municipality_code
join municipal m on m.municipality_code = g.municipality_code
group by all
