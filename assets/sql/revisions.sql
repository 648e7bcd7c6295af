-- Revisions: late and corrected deliveries change figures that were already published. Each run
-- compares its published figures with the previous publication's and keeps what changed (old -> new),
-- with the deliveries whose content is new since then. The same input again changes nothing.
create table if not exists published_previous as
select indicator, level, area_code, period, breakdown, value, status, suppression from indicators_published limit 0;
create table if not exists deliveries_previous as select source_file, sha256 from deliveries limit 0;
create table if not exists revisions (
    run_id varchar, published_at timestamp, cutoff date, indicator varchar, level varchar, area_code varchar,
    period varchar, breakdown varchar, old_value double, new_value double, old_status varchar, new_status varchar,
    old_suppression varchar, new_suppression varchar, changed_deliveries varchar);
create table if not exists publications (run_id varchar, published_at timestamp);
insert into publications select $run_id, now();
insert into revisions
with changed_deliveries as (
    select string_agg(source_file, ', ' order by source_file) as files
    from deliveries d
    where d.status = 'loaded' and (select count(*) from deliveries_previous) > 0
      and not exists (select 1 from deliveries_previous p where p.source_file = d.source_file and p.sha256 = d.sha256)
)
select $run_id, now(), n.cutoff, n.indicator, n.level, n.area_code, n.period, n.breakdown, o.value, n.value,
       o.status, n.status, o.suppression, n.suppression, c.files
from indicators_published n
join published_previous o using (indicator, level, area_code, period, breakdown)
cross join changed_deliveries c
where (n.value, n.status, n.suppression) is distinct from (o.value, o.status, o.suppression);
create or replace table published_previous as
select indicator, level, area_code, period, breakdown, value, status, suppression from indicators_published;
create or replace table deliveries_previous as select source_file, sha256 from deliveries where status = 'loaded';
