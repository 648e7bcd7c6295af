-- indicator: hf_persons
-- definition: "distinct persons with a CTI, ICM or ACT case active in the period (by the case's municipality); breakdown by method"
-- aggregate: count
-- units: month masks
-- person_months.hf_<method> holds the months from each case's start to its end (open: the cutoff).
select level, area_code, '' as breakdown, month_word, hf_cti | hf_icm | hf_act as units from person_months
union all
select level, area_code, 'method=CTI', month_word, hf_cti from person_months
union all
select level, area_code, 'method=ICM', month_word, hf_icm from person_months
union all
select level, area_code, 'method=ACT', month_word, hf_act from person_months
