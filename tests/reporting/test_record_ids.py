"""Issue 13 item 4: every number of the report has an ID that finds it in
``results.json`` and the workbook.

A result's number (tables, page 1) carries the ID of its record (``R001``, ...), which
``results.json`` and the workbook's results sheet hold too; the descriptive tables
(CONSORT flow, baseline) are in the workbook as printed, a count found by its table,
row and column; the ESF indicators by their code. The checks read the written files
only, as a reader would.
"""

from __future__ import annotations

import html
import re

import openpyxl
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.estimators import estimator_info
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.term_words import term_words
from iedereen_doet_mee.reporting.document.texts import fmt_number, fmt_p_value
from iedereen_doet_mee.reporting.document.texts import text as words_of
from iedereen_doet_mee.reporting.document.withheld_rows import DASH, ids_of
from iedereen_doet_mee.reporting.figures.style import label
from iedereen_doet_mee.reporting.records import record_ids

BUDGET = {"n_draws": 100, "n_bootstrap": 100, "diagnosis_sims": 50}
_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
_REF = re.compile(r"\[(R\d{3,}(?:; R\d{3,})*)\]")


def _tables(page: str) -> list[tuple[str, list[list[str]]]]:
    """(caption, rows of cell texts, header first) of every table of the HTML."""
    out = []
    for body in _TABLE.findall(page):
        caption = _CAPTION.search(body)
        rows = [[html.unescape(c) for c in _CELL.findall(row)] for row in _ROW.findall(body)]
        out.append((html.unescape(caption.group(1)) if caption else "", rows))
    return out


@pytest.fixture(scope="module", params=["nl", "en"])
def report(request, tmp_path_factory):
    lang = request.param
    folder = build_report(ReportSettings(out=tmp_path_factory.mktemp(f"ids-{lang}"),
                                         lang=lang, **BUDGET))
    _header, records = read_results(folder / "results.json")
    page = (folder / "report.html").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(folder / "indicators.xlsx")
    return lang, records, page, book


def test_record_ids_count_up():
    assert record_ids(0) == []
    assert record_ids(12)[::11] == ["R001", "R012"]


def test_every_record_has_one_id_in_results_json_and_the_workbook(report):
    _lang, records, _, book = report
    assert records["id"].tolist() == record_ids(len(records))
    sheet = book["results"]
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert next(c.value for c in sheet[1]) == "ID"
    assert ids == records["id"].tolist()
    # the sheet's row of an ID is the record of that ID
    estimates = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    for (_, record), shown in zip(records.iterrows(), estimates, strict=True):
        if not record["suppressed"] and pd.notna(record["estimate"]):
            assert shown == pytest.approx(record["estimate"], rel=1e-12, abs=1e-12)


def test_every_result_row_of_the_report_shows_the_number_of_its_record(report):
    lang, records, page, _ = report
    by_id = records.set_index("id")
    checked = folds = 0

    def words(term: str) -> str:
        return term_words(term, lang)
    for caption, rows in _tables(page):
        if not rows or rows[0][0] != "ID":
            continue
        head = rows[0]
        for row in rows[1:]:
            if DASH in row[0]:  # a group's withheld rows folded into one line
                folded = by_id.loc[ids_of(row[0])]  # a KeyError fails: an unknown ID
                assert folded["suppressed"].all(), (caption, row)
                assert row[2] == words_of("estimates_folded", lang, k=len(folded)), row
                assert set(row[3:]) == {words_of("suppressed", lang)}, row
                assert len({words(t) for t in folded["term"]}) == 1, (caption, row)
                folds += 1
                continue
            record = by_id.loc[row[0]]  # a KeyError fails: an ID not in results.json
            if "estimate" in head[3].lower() or head[3] in ("schatting", "estimate"):
                info = estimator_info(record["estimator"])
                if record["suppressed"]:
                    assert not re.search(r"\d", row[3]), (caption, row)
                elif pd.isna(record["estimate"]):  # a test's row keeps "-"
                    assert row[3] == ("-" if pd.notna(record["p_value"]) else
                                      label("not_estimable", lang)), (caption, row)
                elif info.scale == "probability":
                    assert row[3] == fmt_p_value(record["estimate"], lang, info.digits)
                else:
                    assert row[3] == fmt_number(record["estimate"], lang, info.digits), (
                        caption, row, record["estimate"])
                checked += 1
    assert checked > 40
    # the public default withholds most rows of the cells: folded, a line per group
    assert folds >= 4


def test_every_number_on_page_one_names_its_records(report):
    _lang, records, page, _ = report
    start = page.index('id="summary"')
    summary = page[start:page.index("<h2", start + 10)]
    paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", p))
                  for p in re.findall(r"<p[^>]*>(.*?)</p>", summary, re.S)]
    ids = set(records["id"])
    referred = 0
    for text in paragraphs:
        refs = [r for group in _REF.findall(text) for r in group.split("; ")]
        assert set(refs) <= ids
        referred += len(refs)
        # a sentence with a number from a record names the record: only the box's
        # follow-up line and the notice lines carry numbers without one
        numbers = re.sub(_REF, "", text)
        if re.search(r"95%[- ](BI|CI)|betrouwbaarheidsinterval|confidence interval", numbers):
            assert refs, text
    assert referred >= 4
    # the target line: its counts are those of the record it names
    line = next(t for t in paragraphs if ("stroomden uit naar" in t
                                          or "left for regular work" in t) and "[R" in t)
    record = records.set_index("id").loc[_REF.search(line).group(1).split("; ")[0]]
    n = int(record["n"])
    assert f"{round(record['estimate'] * n)} " in line and f" {n} " in line


def test_the_descriptive_tables_are_in_the_workbook_as_printed(report):
    lang, _, page, book = report
    printed = {caption: rows for caption, rows in _tables(page)}
    for sheet_name, caption in (("consort", {"nl": "Deelnemersstroom",
                                             "en": "Participant flow"}[lang]),
                                ("baseline", {"nl": "Kenmerken bij de start",
                                              "en": "Characteristics at entry"}[lang])):
        rows = printed[caption]
        sheet = [list(r) for r in book[sheet_name].iter_rows(min_row=2, values_only=True)]
        assert len(sheet) == len(rows) - 1
        for cells, written in zip(rows[1:], sheet, strict=True):
            assert [c.strip() for c in cells] == ["" if v is None else str(v).strip()
                                                  for v in written], sheet_name
