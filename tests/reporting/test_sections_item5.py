"""Issue 13 item 5: the missing-data bounds, Holm's table and (interim) the steering
forecast in the report; units and horizons stated; one wage-value table."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from iedereen_doet_mee.analysis import steering_forecast
from iedereen_doet_mee.analysis.estimators import disclosure_classes
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.disclosure import suppress_results
from iedereen_doet_mee.reporting.document.content import result_rows
from iedereen_doet_mee.reporting.document.extra_tables import (
    merged_table,
    missing_section,
    raw_estimator,
)
from iedereen_doet_mee.reporting.document.texts import fmt_number, fmt_percent, text
from iedereen_doet_mee.reporting.document.withheld_rows import ids_of
from iedereen_doet_mee.simulation import simulate_trial

BUDGET = {"n_draws": 100, "n_bootstrap": 100, "diagnosis_sims": 50}
INTERIM = "2016-01-01"
CASES = [("public", "nl"), ("public", "en"), ("internal", "nl"), ("internal", "en")]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[tuple[str, str, str], Path]:
    root = tmp_path_factory.mktemp("item5")
    out = {}
    for audience, lang in CASES:
        out[("final", audience, lang)] = build_report(ReportSettings(
            out=root / f"final-{audience}-{lang}", lang=lang, audience=audience, **BUDGET))
    for audience, lang in (("internal", "en"), ("public", "nl")):
        out[("interim", audience, lang)] = build_report(ReportSettings(
            out=root / f"interim-{audience}-{lang}", lang=lang, audience=audience,
            as_of=INTERIM, **BUDGET))
    return out


def _section(folder: Path, key: str) -> str | None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    start = page.find(f'id="{key}"')
    if start < 0:
        return None
    end = page.find("<h2", start + 10)
    return page[start:end if end > 0 else len(page)]


def _tables(section: str, ids: bool = False) -> list[tuple[str, list[list[str]]]]:
    """Caption and body rows (cell texts) of each table of a section's HTML, without the
    first column of record IDs (R001, or a folded range R002–R008:
    tests/reporting/test_record_ids.py checks them) unless ``ids``."""
    out = []
    for table in re.findall(r"<table>(.*?)</table>", section, flags=re.S):
        caption = html.unescape(re.search(r"<caption>(.*?)</caption>", table).group(1))
        body = table.split("</thead>")[-1]
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)) for c in
                 re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
                for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]
        if not ids and rows and all(re.fullmatch(r"R\d{3,}(–R\d{3,})?", r[0])
                                    for r in rows):
            rows = [r[1:] for r in rows]
        out.append((caption, rows))
    return out


def _plain(section: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", section)))


@pytest.mark.parametrize(("audience", "lang"), CASES)
def test_the_missing_bounds_table_shows_the_records(reports, audience, lang):
    folder = reports[("final", audience, lang)]
    _, records = read_results(folder / "results.json")
    part = records[records["question"] == "missing"].reset_index(drop=True)
    section = _section(folder, "missing")
    assert section is not None
    assert ("slechtste geval" if lang == "nl" else "worst case") in _plain(section)
    (caption, rows), = _tables(section, ids=True)
    assert caption == text("missing_section", lang)
    # a group's withheld rows are folded into one line with their ID range
    assert sum(len(ids_of(row[0])) for row in rows) == len(part)
    by_id = part.set_index("id")
    for row in rows:
        if len(ids_of(row[0])) > 1:
            assert by_id.loc[ids_of(row[0]), "suppressed"].all()
            assert row[3:] == [text("suppressed", lang)] * 4
            continue
        record = by_id.loc[row[0]]
        if record["suppressed"]:
            assert row[3:] == [text("suppressed", lang)] * 4
        else:
            assert row[3] == fmt_number(record["estimate"], lang, 3)
            assert row[6] == str(int(record["n"]))
    if audience == "internal":
        assert not part["suppressed"].any()


def test_the_public_report_hides_a_small_number_lost(reports):
    # the synthetic trial loses fewer than 10 people: the public report shows only the
    # bound that counts them as failures, the internal one all
    _, internal = read_results(reports[("final", "internal", "nl")] / "results.json")
    overall = internal[(internal["question"] == "missing") & (internal["term"] == "overall")]
    n = overall.set_index("estimator")["n"]
    assert 0 < n["share_lost_as_failures"] - n["share_complete_cases"] < 10
    _, public = read_results(reports[("final", "public", "nl")] / "results.json")
    shown = public[(public["question"] == "missing") & ~public["suppressed"]]
    assert set(shown["estimator"]) <= {"share_lost_as_failures"} | {
        e for e in shown["estimator"] if e.startswith("risk_difference_lost_unfavourable")}
    rows = _tables(_section(reports[("final", "public", "nl")], "missing"))[0][1]
    assert not any("volledig gevolgden" in r[1] and r[2] != "afgeschermd" for r in rows)


@pytest.mark.parametrize("lost", [3, 12])
def test_the_missing_section_keeps_what_disclosure_control_hid(lost):
    n, events = 100, 30
    rows = [("share_lost_as_failures", events / n, n),
            ("share_lost_as_successes", (events + lost) / n, n),
            ("share_complete_cases", events / (n - lost), n - lost)]
    frame = pd.DataFrame([{"question": "missing", "outcome": "regular_work", "term": "overall",
                           "estimator": e, "estimate": x, "std_error": np.nan,
                           "statistic": np.nan, "p_value": np.nan, "conf_low": x - 0.05,
                           "conf_high": x + 0.05, "n": k} for e, x, k in rows])
    out = suppress_results(frame, threshold=10, **disclosure_classes(frame["estimator"]))
    section = missing_section(out, "en", lambda q: result_rows(out, q, "en"), "note")
    table = section.blocks[1].frame
    assert table.iloc[0, 2] == "0.300"
    hidden = table.iloc[1:, 2].tolist()
    shown = [f"{(events + lost) / n:.3f}", f"{events / (n - lost):.3f}"]
    assert hidden == (["withheld"] * 2 if lost < 10 else shown)


@pytest.mark.parametrize(("audience", "lang"), CASES)
def test_the_holm_table_adjusts_the_raw_p_values(reports, audience, lang):
    folder = reports[("final", audience, lang)]
    _, records = read_results(folder / "results.json")
    family = records[records["question"] == "multiplicity"].reset_index(drop=True)
    raw = []
    for _, row in family.iterrows():
        question, _, term = row["term"].partition(": ")
        hit = records[(records["question"] == question) & (records["term"] == term)
                      & (records["estimator"] == raw_estimator(row["estimator"]))]
        raw.append(float(hit["p_value"].iloc[0]))
    adjusted = multipletests(raw, method="holm")[1]
    np.testing.assert_allclose(family["p_value"].to_numpy(float), adjusted, rtol=1e-12)
    section = _section(folder, "multiplicity")
    assert section is not None and "Holm" in _plain(section)
    (_, rows), = _tables(section)
    assert len(rows) == len(family) >= 2
    for row, p, q in zip(rows, raw, adjusted, strict=True):
        assert row[3:] == [fmt_number(p, lang, 3), fmt_number(q, lang, 3)]


def test_the_forecast_is_in_an_interim_report_only(reports):
    for audience, lang in CASES:
        assert _section(reports[("final", audience, lang)], "steering") is None
        _, records = read_results(reports[("final", audience, lang)] / "results.json")
        assert "steering" not in set(records["question"])
    folder = reports[("interim", "internal", "en")]
    section = _plain(_section(folder, "steering"))
    assert "Assumptions" in section and "20% regular work" in section
    _, records = read_results(folder / "results.json")
    forecast = steering_forecast(simulate_trial(seed=20140701), INTERIM, seed=20140701)
    rows = records[records["question"] == "steering"].set_index("estimator")
    assert rows.loc["predictive_probability_target_met", "estimate"] == forecast.probability
    assert rows.loc["predictive_final_share", "estimate"] == pytest.approx(forecast.share_mean)
    assert rows.loc["target_count", "estimate"] == forecast.target_count
    assert fmt_percent(forecast.share_mean, "en") in section
    # public: the observed count is below 10, so the forecast is withheld, not shown
    public = _section(reports[("interim", "public", "nl")], "steering")
    _, shown = read_results(reports[("interim", "public", "nl")] / "results.json")
    steering = shown[shown["question"] == "steering"].set_index("estimator")
    assert forecast.counts["observed"] < 10
    assert steering.loc["observed_count_as_of", "suppressed"]
    assert steering.loc["predictive_probability_target_met", "suppressed"]
    assert "afgeschermd" in _plain(public)


@pytest.mark.parametrize(("audience", "lang"), CASES)
def test_units_and_horizons_are_stated(reports, audience, lang):
    folder = reports[("final", audience, lang)]
    words = {"nl": {"survival": ("binnen 12 maanden", "tot 12 maanden"),
                    "wage_value": ("procentpunt loonwaarde per maand",),
                    "ladder": ("log-odds (positief = hoger op de ladder",)},
             "en": {"survival": ("within 12 months", "up to 12 months"),
                    "wage_value": ("percentage points of wage value per month",),
                    "ladder": ("log-odds (positive = higher on the ladder",)}}[lang]
    for key, phrases in words.items():
        section = _section(folder, key)
        if "<table" not in section:  # every number withheld: one sentence, no units
            assert audience == "public" and key == "survival", key
            assert re.search(r"(alle|all) \d+ (schattingen|estimates)", _plain(section))
            continue
        plain = _plain(section)
        for phrase in phrases:
            assert phrase in plain, (key, phrase)


@pytest.mark.parametrize(("audience", "lang"), CASES)
def test_one_wage_value_table_keeps_every_row(reports, audience, lang):
    folder = reports[("final", audience, lang)]
    tables = _tables(_section(folder, "wage_value"))
    assert len(tables) == 1
    (caption, rows), = tables
    assert caption == text("wage_value_table", lang)
    _, records = read_results(folder / "results.json")
    shown = records[records["question"].isin(["wage_value", "wage_value_within"])
                    & ~records["estimator"].str.contains("variance_component")]
    assert len(rows) == len(shown)
    assert sorted(r[2] for r in rows) == sorted(
        fmt_number(v, lang, 3) for v in shown["estimate"])


def test_merged_table_keeps_rows_and_groups_terms():
    a = pd.DataFrame({"term": ["x", "y", "z"], "value": ["1", "2", "3"]})
    b = pd.DataFrame({"term": ["y", "x"], "value": ["4", "5"]})
    out = merged_table([a, b])
    assert out["term"].tolist() == ["x", "x", "y", "y", "z"]
    assert out["value"].tolist() == ["1", "5", "2", "4", "3"]
