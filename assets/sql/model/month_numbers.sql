-- Months as numbers, for the month masks of person_months and periods: months are numbered from
-- 2000-01 (the contract bounds periods to 2000-2100), and one BIGINT word holds five calendar
-- years (60 months, bits 0-59), so no year, quarter or month straddles two words.
create or replace temp macro month_no(d) as (year(d) - 2000) * 12 + month(d) - 1;
-- The bits low_bit .. high_bit of a word set.
create or replace temp macro month_bits(low_bit, high_bit) as ((1::bigint << (high_bit - low_bit + 1)) - 1) << low_bit;
