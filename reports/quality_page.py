"""Data quality: deliveries, refusals and quarantine per provider, with the same disclosure rule
(row counts from 1 to 4 are shown as "<5")."""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from reports import danish
from reports.page import Section

DATASETS = {"shelter_stays": "Herbergsophold", "interventions": "Housing First-sager",
            "homeless_count": "Hjemløsetællingen"}
# Every rule a row or file can break, in Danish; the rule id stays beside it in grey code style.
RULES = {
    "required": "Et krævet felt er tomt", "type_int": "Ikke et helt tal", "type_number": "Ikke et tal",
    "type_date": "Ikke en gyldig dato", "person_key_format": "Pseudonymet har forkert form", "code": "Ukendt kode",
    "csv_structure": "Linjen kan ikke deles i filens kolonner", "duplicate_stay_id": "Samme ophold to gange i filen",
    "duplicate_case_id": "Samme sag to gange i filen", "overlapping_stay": "Overlapper et andet ophold for samme person",
    "exit_before_entry": "Udflytning før indflytning", "destination_without_exit": "Udflytningssted uden udflytningsdato",
    "exit_without_destination": "Udflytningsdato uden udflytningssted",
    "after_period_end": "Dato efter leverancens periode", "birth_year_range": "Usandsynligt fødselsår",
    "unknown_municipality": "Ukendt kommunekode", "shelter_not_open": "Opholdet ligger uden for herbergets åbningsdatoer",
    "municipality_mismatch": "Kommunekoden passer ikke til filnavnet", "end_before_start": "Sagen slutter før den begynder",
    "reason_without_end": "Slutårsag uden slutdato", "end_without_reason": "Slutdato uden slutårsag",
    "housed_too_early": "Indflytning mere end 90 dage før sagens start", "negative_count": "Negativt antal",
    "count_too_large": "Usandsynligt stort antal",
    "file_name": "Filnavnet følger ikke kontrakten", "not_csv": "Ikke en CSV-fil", "unreadable": "Filen kan ikke læses",
    "missing_columns": "Krævede kolonner mangler", "duplicate_column": "En kolonne står to gange",
    "header_format": "En kolonne i overskriften mangler navn", "unknown_provider": "Ukendt leverandør",
    "cpr_number": "Et CPR-nummer i filen (hele filen afvist, intet gemt)",
    "not_regular_file": "Ikke en almindelig fil (mappe, genvej eller specialfil)",
    "truncated": "Den komprimerede fil er afkortet", "not_gzip": "Ikke en gyldig gzip-fil",
}


def rule_html(rule: str) -> str:
    return f'{escape(RULES.get(rule, rule))} <code>{escape(rule)}</code>'


def html_table(frame: pd.DataFrame) -> str:
    """A table whose cells are already HTML (rule labels with their code-styled ids)."""
    head = "".join(f"<th>{escape(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in frame.itertuples(index=False))
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def refusal_html(reason: str) -> str:
    rule = reason.split(":", 1)[0]
    where = re.search(r"line (\d+), column (\S+?):", reason)
    return rule_html(rule) + (f" (linje {where.group(1)}, kolonne {escape(where.group(2))})" if where else "")

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
        "Datasæt": providers["dataset"].map(DATASETS), "Leverandør": providers["provider"].fillna("–"),
        "Filer indlæst": providers["loaded"].map(danish.number), "Erstattet": providers["superseded"].map(danish.number),
        "Afvist": providers["refused"].map(danish.number), "Rækker læst": providers["rows_read"].map(small),
        "Gyldige": providers["rows_valid"].map(small), "Karantæne": providers["rows_quarantined"].map(small),
        "Seneste periode": providers["latest_period"].fillna("–").map(danish.period_label)})
    rules = conn.execute("select dataset, rule, count(*) as n from quarantine group by all order by 3 desc").df()
    refused = conn.execute("""select source_file, refusal_reason from deliveries where status = 'refused'
                              order by source_file""").df()
    # A file not delivered at all is said once, not as every shelter's every year.
    rates = conn.execute("""select kind, item, name, string_agg(year::varchar, ', ' order by year) as years
                            from missing_rates
                            where (kind = 'shelter' and exists (select 1 from shelter_rates))
                               or (kind = 'method' and exists (select 1 from hf_unit_costs))
                            group by all order by 1, 2""").df()
    missing = conn.execute("""select dataset, provider, string_agg(period, ', ' order by period) as periods,
                                     min(deadline) as first_deadline
                              from missing_deliveries group by all order by 1, 2""").df()
    return [
        Section(id="mangler", heading="Manglende leverancer", definition="",
                explanation="Leverandører, der mangler at levere en periode, hvis frist (30 dage efter kvartalets "
                            "udgang) er overskredet.",
                table=pd.DataFrame({"Datasæt": missing["dataset"].map(DATASETS), "Leverandør": missing["provider"],
                                    "Mangler": missing["periods"],
                                    "Første frist": missing["first_deadline"].map(danish.long_date)})),
        Section(id="takster", heading="Manglende takster", definition="",
                explanation=rates_explanation(conn),
                table=pd.DataFrame({"Hvad": rates["kind"].map({"shelter": "Herberg", "method": "Housing First-metode"}),
                                    "Navn": rates["name"], "Id": rates["item"], "Mangler for år": rates["years"]})),
        Section(id="leverancer", heading="Leverancer pr. leverandør", table=table, definition="",
                explanation="Hvor mange filer hver leverandør har sendt, og hvad der skete med dem."),
        Section(id="karantaene", heading="Karantæne pr. regel", definition="", explanation=RULE_EXPLANATION, table=None,
                html=html_table(pd.DataFrame({"Datasæt": rules["dataset"].map(DATASETS).map(escape),
                                              "Regel": rules["rule"].map(rule_html),
                                              "Problemer": rules["n"].map(small)}))),
        Section(id="afviste", heading="Afviste filer", definition="", table=None,
                explanation="Filer, der ikke kunne læses eller ikke følger kontrakten, afvises hele. Leverandøren får "
                            "den fulde besked (fil, linje, kolonne og regel) med hfmon validate.",
                html=html_table(pd.DataFrame({"Fil": refused["source_file"].map(lambda f: f"<code>{escape(f)}</code>"),
                                              "Årsag": refused["refusal_reason"].map(refusal_html)}))),
    ]


def rates_explanation(conn) -> str:
    """The kroner figures need a rate for every night and case day (indicators.md, Who pays)."""
    delivered = {name: conn.execute(f"select count(*) from {name}").fetchall()[0][0] > 0
                 for name in ("shelter_rates", "hf_unit_costs")}
    absent = [f"reference/{name}.csv" for name, present in delivered.items() if not present]
    return ("Udgifterne i kroner kræver en takst for hvert herberg og hver Housing First-metode i hvert år med "
            "nætter eller sagsdage. Mangler en, vises udgiften for de perioder og områder, den indgår i, som «–»: "
            "vi gætter aldrig en takst."
            + (f" Filen {' og '.join(absent)} er ikke leveret, så de udgifter kan slet ikke beregnes." if absent else ""))
