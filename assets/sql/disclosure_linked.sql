-- Disclosure control, figures computed from one another: a suppressed figure must not be found
-- from a published one in the same area and period ("so the suppressed value cannot be found by
-- subtraction", indicators.md). A follower is suppressed wherever its source is:
-- - a rate per person or per 10,000 publishes its count as numerator or denominator;
-- - the shelter kroner: refund = (cost − cost beyond the cap) / 2 and net cost = cost − refund, so
--   any two of the four give the others. Refund, net cost and cost beyond the cap (and net cost
--   per person) are hidden together; the gross cost may stay, since one figure gives none of them,
--   but when the gross cost is hidden they are too.
with hidden_together(indicator) as (values
    ('state_refund_dkk'), ('municipal_net_cost_dkk'), ('cost_beyond_refund_cap_dkk'), ('net_cost_per_person_in_shelter_dkk')
), linked(source, follower) as (
    select * from (values ('persons_in_shelter', 'persons_in_shelter_per_10k'),
                          ('homeless_count', 'homeless_count_per_10k'),
                          ('persons_in_shelter', 'net_cost_per_person_in_shelter_dkk'))
    union all
    select s.indicator, f.indicator
    from (select indicator from hidden_together union all select 'shelter_cost_dkk') s
    cross join hidden_together f where s.indicator <> f.indicator
), hidden_followers as (
    select f.id
    from disclosure s
    join linked l on l.source = s.indicator
    join disclosure f on f.indicator = l.follower and f.level = s.level and f.area_code = s.area_code
        and f.period = s.period and f.breakdown = s.breakdown
    where s.suppressed and not f.suppressed
)
update disclosure set suppressed = true, suppression = 'secondary'
where id in (select id from hidden_followers)
