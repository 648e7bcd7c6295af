"""Data quality: deliveries, refusals and quarantine per provider, with the same disclosure rule
(row counts from 1 to 4 are shown as "<5")."""

from __future__ import annotations

import pandas as pd

from reports import danish
from reports.page import Section

RULE_EXPLANATION = ("Rækker, der bryder datakontrakten, lægges i karantæne med fil, linje, kolonne og regel, så "
                    "leverandøren kan rette dem. Intet går tabt: læste rækker = gyldige + karantæne.")


def small(value) -> str:
    return danish.SUPPRESSED if 1 <= value <= 4 else danish.number(value)


def quality_sections(conn) -> list[Section]:
    providers = conn.execute("""
        select dataset, provider, count(*) filter (where status = 'loaded') as loaded,
               count(*) filter (where status = 'superseded') as superseded,
               count(*) filter (where status = 'refused') as refused, sum(rows_read) as rows_read,
               sum(rows_valid) as rows_valid, sum(rows_quarantined) as rows_quarantined,
               max(period) filter (where status = 'loaded') as latest_period
        from deliveries group by all order by dataset, provider""").df()
    table = pd.DataFrame({
        "Datasæt": providers["dataset"], "Leverandør": providers["provider"].fillna("–"),
        "Filer indlæst": providers["loaded"].map(danish.number), "Erstattet": providers["superseded"].map(danish.number),
        "Afvist": providers["refused"].map(danish.number), "Rækker læst": providers["rows_read"].map(small),
        "Gyldige": providers["rows_valid"].map(small), "Karantæne": providers["rows_quarantined"].map(small),
        "Seneste periode": providers["latest_period"].fillna("–").map(danish.period_label)})
    rules = conn.execute("select dataset, rule, count(*) as n from quarantine group by all order by 3 desc").df()
    refused = conn.execute("""select source_file, refusal_reason from deliveries where status = 'refused'
                              order by source_file""").df()
    missing = conn.execute("""select dataset, provider, string_agg(period, ', ' order by period) as periods,
                                     min(deadline) as first_deadline
                              from missing_deliveries group by all order by 1, 2""").df()
    return [
        Section(id="mangler", heading="Manglende leverancer", definition="",
                explanation="Leverandører, der mangler at levere en periode, hvis frist (30 dage efter kvartalets "
                            "udgang) er overskredet.",
                table=pd.DataFrame({"Datasæt": missing["dataset"], "Leverandør": missing["provider"],
                                    "Mangler": missing["periods"],
                                    "Første frist": missing["first_deadline"].map(danish.long_date)})),
        Section(id="leverancer", heading="Leverancer pr. leverandør", table=table, definition="",
                explanation="Hvor mange filer hver leverandør har sendt, og hvad der skete med dem."),
        Section(id="karantaene", heading="Karantæne pr. regel", definition="", explanation=RULE_EXPLANATION,
                table=pd.DataFrame({"Datasæt": rules["dataset"], "Regel": rules["rule"],
                                    "Problemer": rules["n"].map(small)})),
        Section(id="afviste", heading="Afviste filer", definition="",
                explanation="Filer, der ikke kunne læses eller ikke følger kontrakten, afvises hele.",
                table=pd.DataFrame({"Fil": refused["source_file"], "Årsag": refused["refusal_reason"]})),
    ]
