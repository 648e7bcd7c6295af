-- indicator: persons_in_shelter
-- definition: "distinct persons with a stay active in the period"
-- aggregate: count
-- units: month masks
-- Active in period: "entry_date <= period end and (exit_date empty or exit_date >= period start)";
-- person_months.active holds the months from each stay's entry to its exit (open: the cutoff).
select level, area_code, '' as breakdown, month_word, active as units
from person_months
