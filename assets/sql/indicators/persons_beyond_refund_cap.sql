-- indicator: persons_beyond_refund_cap
-- definition: "persons with at least one night beyond the cap in the period (0 with status ok for periods before 2023-10-01, like nights_beyond_refund_cap)"
-- aggregate: count
-- units: month masks
-- person_months.beyond_cap holds the months of each run of nights beyond the cap (refund_cap_nights);
-- before 2023-10-01 there are none, so those periods are 0 and ok.
select level, area_code, '' as breakdown, month_word, beyond_cap as units
from person_months
