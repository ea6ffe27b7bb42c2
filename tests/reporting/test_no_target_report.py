"""A report on a design without a target: it says there is none and nothing is met.

The design declares no ``target_outflow`` (absent from ``design.toml``). The report
must state that no target was declared, give the outflow achieved with its interval,
and make no "target met / not met" statement anywhere: not in the summary, the
section titles, the limitations, the figures or ``results.json``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.analysis.target import TARGET_TEST_ESTIMATORS
from iedereen_doet_mee.design import TrialDesign, read_design
from iedereen_doet_mee.reporting.build import ReportSettings, build_report, read_results
from iedereen_doet_mee.reporting.document.content import ReportInputs, summary_blocks
from iedereen_doet_mee.reporting.document.texts import text
from iedereen_doet_mee.simulation.directory import simulate_to_directory

FAST = dict(n_draws=100, n_bootstrap=100, diagnosis_sims=200)
#: Words that only a statement about a target uses (Dutch report and figures).
TARGET_WORDS_NL = ("gehaald", "doelstelling", "het doel van", "het doel haalt",
                   "minstens 40%", "Jeffreys")


@pytest.fixture(scope="module")
def report_without_target(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("no_target")
    data = root / "data"
    simulate_to_directory(data, design=TrialDesign(target_outflow=None), seed=20140701)
    (data / "manifest.json").unlink()  # facts about the run, not an input table
    assert "target_outflow" not in (data / "design.toml").read_text(encoding="utf-8")
    assert read_design(data / "design.toml").target_outflow is None
    return build_report(ReportSettings(data=data, out=root / "report", **FAST))


def test_the_summary_states_that_there_is_no_target_and_gives_the_outflow(
        report_without_target):
    html = (report_without_target / "report.html").read_text(encoding="utf-8")
    assert text("no_target", "nl") in html
    assert "deelnemers" in html and "Clopper-Pearson" in html  # the outflow achieved
    for word in TARGET_WORDS_NL:
        assert word not in html, word
    assert "Uitstroom naar regulier werk</h2>" in html or "Uitstroom naar regulier werk<" in html


def test_results_hold_no_row_that_tests_against_a_target(report_without_target):
    _, records = read_results(report_without_target / "results.json")
    assert not records["estimator"].isin(TARGET_TEST_ESTIMATORS).any()
    assert not records["estimator"].str.contains("target_met").any()
    target = records[records["question"] == "target"]
    assert {"proportion_clopper_pearson", "proportion_wilson"} <= set(target["estimator"])
    assert "design_diagnosis" in set(records["question"])  # power is still stated


def test_no_figure_draws_a_target_line(report_without_target):
    for stem in ("outflow_target", "kaplan_meier", "cumulative_incidence"):
        svg = (report_without_target / "figures" / f"{stem}.svg").read_text(encoding="utf-8")
        assert not re.search(r"\bdoel\b", svg), stem
    svg = (report_without_target / "figures" / "outflow_target.svg").read_text(encoding="utf-8")
    assert "Uitstroom naar regulier werk per groep" in svg


def _inputs(lang: str, target: float | None, suppressed: bool = False) -> ReportInputs:
    records = pd.DataFrame({
        "question": ["target"] * 2, "term": ["overall"] * 2,
        "estimator": ["proportion_clopper_pearson", "jeffreys_posterior_prob_target_met"],
        "estimate": [0.25, 0.01], "conf_low": [0.17, float("nan")],
        "conf_high": [0.35, float("nan")], "n": [100, 100], "suppressed": [suppressed] * 2})
    return ReportInputs(name="x", as_of="2016-07-01", interim=False, lang=lang, threshold=10,
                        target=target, allocation="randomised", records=records, skipped={},
                        figures={}, tables={}, limitations=(), provenance=())


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("suppressed", [False, True])
def test_summary_without_target_in_both_languages(lang, suppressed):
    lines = [block.text for block in summary_blocks(_inputs(lang, None, suppressed))]
    assert lines[0] == text("no_target", lang)
    joined = " ".join(lines)
    for key in ("target_met", "target_not_met"):
        assert text(key, lang, target="40%") not in joined
    assert "Jeffreys" not in joined
    with_target = " ".join(b.text for b in summary_blocks(_inputs(lang, 0.4, suppressed)))
    assert text("no_target", lang) not in with_target
