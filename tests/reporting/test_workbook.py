"""``indicators.xlsx`` as an analyst opens it: headers in the report's language, frozen
header rows, filters, number formats over full-precision values, withheld cells marked,
provenance and a map of labels to code names (issue 13, item 7)."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from iedereen_doet_mee.analysis.estimators import SCALES
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.workbook import write_workbook
from iedereen_doet_mee.reporting.document.workbook_sheets import (
    COLUMN_LABELS,
    DESIGN_SCALES,
    SCALE_FORMATS,
    WITHHELD,
    workbook_sheets,
)
from iedereen_doet_mee.reporting.records import DESIGN_ESTIMATORS, RECORD_FIELDS

FAST = dict(n_draws=100, n_bootstrap=100, diagnosis_sims=200)
ESF_COLUMNS = ["code", "indicator", "men", "women", "sex_other_or_unknown", "total",
               "available", "reason"]
RESULT_COLUMNS = ["id", *RECORD_FIELDS, "suppressed", "label", "unit"]
HEADERS = {
    "nl": {"esf_indicators": ["code", "indicator", "mannen", "vrouwen", "anders of onbekend",
                              "totaal",
                              "beschikbaar", "reden niet beschikbaar"],
           "results": ["ID", "onderzoeksvraag", "uitkomst", "onderdeel", "schatting",
                       "standaardfout", "toetsgrootheid of aantal", "p-waarde",
                       "ondergrens interval", "bovengrens interval", "schatter (codenaam)",
                       "n", "afgeschermd", "schatter", "eenheid"]},
    "en": {"esf_indicators": ["code", "indicator", "men", "women", "other or unknown",
                              "total", "available", "reason not available"],
           "results": ["ID", "research question", "outcome", "term", "estimate", "standard error",
                       "statistic or count", "p-value", "interval, lower bound",
                       "interval, upper bound", "estimator (code name)", "n", "withheld",
                       "estimator", "unit"]},
}


@pytest.fixture(scope="module", params=["nl", "en"])
def report(request, tmp_path_factory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp(f"workbook_{request.param}") / "report"
    build_report(ReportSettings(out=out, lang=request.param, **FAST))
    return request.param, out


def _book(out: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(out / "indicators.xlsx")


def _header(sheet) -> list[str]:
    return [c.value for c in sheet[1]]


def test_workbook_sheets_and_headers_follow_the_language(report):
    lang, out = report
    book = _book(out)
    assert book.sheetnames == ["esf_indicators", "results", "consort", "baseline",
                               "provenance", "labels"]
    for name, headers in HEADERS[lang].items():
        assert _header(book[name]) == headers, name
    assert _header(book["provenance"]) == (["onderdeel", "codenaam", "waarde"] if lang == "nl"
                                           else ["item", "code name", "value"])


def test_workbook_every_sheet_has_a_frozen_header_and_a_filter_over_its_table(report):
    book = _book(report[1])
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        last = get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", sheet.title
        assert all(c.font.bold for c in sheet[1]), sheet.title


def _rows(sheet) -> list[dict[str, openpyxl.cell.Cell]]:
    return [dict(zip(RESULT_COLUMNS, row, strict=True))
            for row in sheet.iter_rows(min_row=2)]


def test_workbook_number_formats_over_full_precision_values(report):
    lang, out = report
    _, records = read_results(out / "results.json")
    rows = _rows(_book(out)["results"])
    assert len(rows) == len(records)
    for row, (_, record) in zip(rows, records.iterrows(), strict=True):
        assert row["estimator"].value == record["estimator"]
        if record["suppressed"]:
            continue
        for column in ("estimate", "std_error", "conf_low", "conf_high", "p_value"):
            value = record[column]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                assert row[column].value is None
            else:  # the value unrounded, only its format rounds (openpyxl writes 16
                # significant digits; Excel computes with 15)
                assert row[column].value == pytest.approx(value, rel=1e-15, abs=1e-300), \
                    (record["estimator"], column)

    def cell(estimator: str, term: str, column: str):
        found = [r[column] for r in rows if r["estimator"].value == estimator
                 and r["term"].value == term and r["suppressed"].value is False]
        assert found, (estimator, term)
        return found[0]

    share = cell("proportion_clopper_pearson", "overall", "estimate")
    assert share.number_format == "0.0%" and share.value == pytest.approx(0.11)
    assert cell("proportion_clopper_pearson", "overall", "conf_low").number_format == "0.0%"
    euros = cell("total_benefit_savings_eur", "overall", "estimate")
    assert euros.number_format == "#,##0" and euros.value != round(euros.value)
    count = cell("proportion_clopper_pearson", "overall", "n")
    assert count.number_format == "#,##0" and count.value == 100
    p = cell("binomial_exact_one_sided_target_met", "overall", "p_value")
    assert p.number_format == "0.000"
    events = cell("binomial_exact_one_sided_target_met", "overall", "statistic")
    assert events.number_format == "#,##0" and events.value == 11
    months = [r["estimate"] for r in rows if r["estimator"].value in (
        "rmst_kaplan_meier", "mean_benefit_months_saved")
        and isinstance(r["estimate"].value, float)]
    assert months and {c.number_format for c in months} == {"0.00"}
    unit = cell("total_benefit_savings_eur", "overall", "unit").value
    assert unit == SCALES["eur"][0 if lang == "nl" else 1]


def test_workbook_marks_every_withheld_cell(report):
    lang, out = report
    marker = WITHHELD[0 if lang == "nl" else 1]
    book = _book(out)
    rows = _rows(book["results"])
    withheld = [r for r in rows if r["suppressed"].value is True]
    assert withheld and len(withheld) < len(rows)
    for row in withheld:
        assert row["estimate"].value == marker and row["n"].value == marker
        assert row["estimate"].data_type == "s"
        assert all(row[c].value is None for c in ("std_error", "conf_low", "conf_high"))
    assert not any(r["estimate"].value == marker for r in rows if not r["suppressed"].value)
    esf = list(book["esf_indicators"].iter_rows(min_row=2, values_only=True))
    marked = 0
    for code, _, *counts, available, reason in esf:
        if available:  # an available count is a number or says it is withheld
            assert all(isinstance(v, int) or v == marker for v in counts), code
            marked += sum(v == marker for v in counts)
        else:  # not available: no count and a reason
            assert all(v is None for v in counts) and reason, code
    assert marked > 0


def test_workbook_provenance_is_the_provenance_of_results_json(report):
    lang, out = report
    header, _ = read_results(out / "results.json")
    rows = list(_book(out)["provenance"].iter_rows(min_row=2, values_only=True))
    assert {key: value for _, key, value in rows} == header["provenance"]
    items = {key: item for item, key, _ in rows}
    assert items["as_of"] == ("peildatum" if lang == "nl" else "as-of date")
    assert items["sha256 participants.csv"] == ("SHA-256 van participants.csv" if lang == "nl"
                                                else "SHA-256 of participants.csv")
    for key in ("package", "design", "as_of", "seed", "version numpy", "version openpyxl"):
        assert key in items, key


def test_workbook_labels_sheet_maps_every_label_shown_to_its_code_name(report):
    lang, out = report
    book = _book(out)
    labels = list(book["labels"].iter_rows(min_row=2, values_only=True))
    pairs = {(sheet, shown, code) for sheet, _, shown, code in labels}
    for name in ("esf_indicators", "results", "provenance"):
        sheet = book[name]
        codes = {"esf_indicators": ESF_COLUMNS, "results": RESULT_COLUMNS,
                 "provenance": ["item", "key", "value"]}[name]
        for code, header in zip(codes, _header(sheet), strict=True):
            assert header == COLUMN_LABELS[code][0 if lang == "nl" else 1]
            assert (name, header, code) in pairs, (name, header)
    for row in _rows(book["results"]):
        assert ("results", row["label"].value, row["estimator"].value) in pairs
    for code, indicator, *_ in book["esf_indicators"].iter_rows(min_row=2, values_only=True):
        assert ("esf_indicators", indicator, code) in pairs
    assert len(labels) == len(set(labels))


def test_workbook_sheets_of_a_small_frame_without_esf(tmp_path):
    records = pd.DataFrame({
        "question": ["costs", "costs", "target"], "outcome": ["costs_and_savings"] * 2
        + ["regular_work"], "term": ["overall", "arm:no", "overall"],
        "estimate": [1234.5678, None, 12.4], "std_error": [None] * 3,
        "statistic": [None] * 3, "p_value": [None] * 3, "conf_low": [None] * 3,
        "conf_high": [None] * 3,
        "estimator": ["total_benefit_savings_eur", "total_benefit_savings_eur",
                      "predictive_final_count"],
        "n": pd.array([100, None, 100], dtype="Int64"), "suppressed": [False, True, False]})
    sheets = workbook_sheets(records, None, [("seed", "1"), ("added_later", "x")], "nl")
    assert list(sheets) == ["results", "provenance", "labels"]
    path = write_workbook(tmp_path / "w.xlsx", sheets)
    book = openpyxl.load_workbook(path)
    results = book["results"]
    assert (results["D2"].value, results["D2"].number_format) == (1234.5678, "#,##0")
    assert results["D3"].value == "afgeschermd" and results["K3"].value == "afgeschermd"
    assert results["D4"].number_format == "#,##0.0"  # a predicted number: one decimal
    # an item the provenance gains later shows its code name rather than failing
    assert [c.value for c in book["provenance"]["A"]] == ["onderdeel", "startwaarde van de "
                                                          "toevalsgenerator", "added_later"]


def test_every_scale_and_design_estimator_has_a_number_format():
    assert set(SCALE_FORMATS) == set(SCALES)
    assert set(DESIGN_SCALES) == set(DESIGN_ESTIMATORS)
    assert set(DESIGN_SCALES.values()) <= set(SCALES)
