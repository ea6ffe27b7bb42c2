"""Employer survey, pinned to R (tests/reference/employers.R) on psych::bfi."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.employers import (
    ALPHA,
    MEAN,
    MWU,
    WELCH,
    cronbach_alpha,
    employer_views,
)
from iedereen_doet_mee.data import load_trial

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "tests" / "reference"
R = json.loads((REF / "employers_reference.json").read_text())
ITEMS = ["A2", "A3", "A4", "A5"]
COMPARISON = "scale_score:female - male"


def _bfi() -> tuple[pd.DataFrame, pd.DataFrame]:
    wide = pd.read_csv(REF / "data" / "bfi_agreeableness.csv")
    long = wide.melt(id_vars=["id", "gender"], value_vars=ITEMS, var_name="item",
                     value_name="answer").dropna(subset=["answer"])
    survey = pd.DataFrame({"employer_id": "E" + long["id"].astype(str),
                           "participant_id": "P" + long["id"].astype(str),
                           "answered_on": pd.Timestamp("2015-09-01"), "item": long["item"],
                           "answer": long["answer"].astype(int)})
    people = pd.DataFrame({"participant_id": "P" + wide["id"].astype(str),
                           "band": wide["gender"].map({1: "male", 2: "female"})})
    return survey, people


@pytest.fixture(scope="module")
def result():
    survey, people = _bfi()
    return employer_views(survey, people, likert_points=6, bands=["male", "female"])


def test_alpha_matches_psych(result):
    row = result.estimate("scale", ALPHA)
    assert row["n"] == R["n_complete"] == 198
    # R: psych::alpha(complete[, items])$total$raw_alpha
    assert row["estimate"] == pytest.approx(R["raw_alpha"], rel=1e-6)
    # R: psych::alpha(...)$feldt$lower.ci / upper.ci (equal to 1 - (1 - a) * qf(.975 / .025,
    # n - 1, (n - 1) * (k - 1)))
    assert row["conf_low"] == pytest.approx(R["psych_feldt_lower"], rel=1e-6)
    assert row["conf_high"] == pytest.approx(R["psych_feldt_upper"], rel=1e-6)
    assert "2 incomplete response(s) dropped" in " ".join(result.notes)


@pytest.mark.parametrize("item", ITEMS)
def test_item_means_and_distribution_match_r(result, item):
    ref = R["items"][item]
    row = result.estimate(item, MEAN)
    # R: t.test(x)$conf.int on the non-missing answers
    assert row["n"] == ref["n"]
    assert row["estimate"] == pytest.approx(ref["mean"], rel=1e-9)
    assert row["conf_low"] == pytest.approx(ref["low"], rel=1e-6)
    assert row["conf_high"] == pytest.approx(ref["high"], rel=1e-6)
    dist = result.extras["distribution"]
    mine = dist[dist["item"] == item]
    # R: tabulate(x, nbins = 6)
    assert mine["count"].tolist() == ref["counts"]
    assert mine["share"].sum() == pytest.approx(1.0)


def test_band_comparison_matches_r(result):
    welch = result.estimate(COMPARISON, WELCH)
    # R: t.test(female, male, var.equal = FALSE)
    assert welch["estimate"] == pytest.approx(R["welch_diff"], rel=1e-9)
    assert welch["conf_low"] == pytest.approx(R["welch_low"], rel=1e-6)
    assert welch["conf_high"] == pytest.approx(R["welch_high"], rel=1e-6)
    assert welch["statistic"] == pytest.approx(R["welch_t"], rel=1e-6)
    assert welch["p_value"] == pytest.approx(R["welch_p"], rel=1e-6)
    mw = result.estimate(COMPARISON, MWU)
    # R: wilcox.test(female, male, exact = FALSE, correct = TRUE): W = 6570
    assert mw["statistic"] == R["wilcox_w"]
    assert mw["p_value"] == pytest.approx(R["wilcox_p"], rel=1e-6)
    assert mw["estimate"] == pytest.approx(R["wilcox_w"] / (R["n_female"] * R["n_male"]))
    assert result.estimate("scale_score:female", MEAN)["n"] == R["n_female"]


def test_cronbach_alpha_small_matrix_matches_psych():
    m = np.array([[1, 2, 1], [2, 2, 3], [3, 3, 3], [4, 5, 4], [5, 4, 5], [3, 3, 2]])
    # R: psych::alpha(data.frame(a=c(1,2,3,4,5,3), b=c(2,2,3,5,4,3), c=c(1,3,3,4,5,2)))
    #    raw_alpha 0.9317647; Feldt 0.71 .. 0.99 (printed rounded)
    alpha, low, high = cronbach_alpha(m)
    assert alpha == pytest.approx(0.9317647, rel=1e-6)
    assert (round(low, 2), round(high, 2)) == (0.71, 0.99)


def test_survey_with_its_own_band_column_and_synthetic_trial():
    survey, people = _bfi()
    survey = survey.merge(people, on="participant_id")
    result = employer_views(survey, likert_points=6, bands=["male", "female"])
    assert result.estimate(COMPARISON, WELCH)["estimate"] == pytest.approx(R["welch_diff"])
    trial = load_trial(ROOT / "data" / "synthetic")
    synthetic = employer_views(trial.table("employer_survey"), trial.participants,
                               design=trial.design)
    assert synthetic.n == 4
    assert {e.estimator for e in synthetic.not_estimable} >= {WELCH, MWU}  # 1 response in 40-60


def test_absent_table_says_what_is_not_estimable():
    result = employer_views(None)
    assert result.n == 0 and result.table["estimate"].isna().all()
    assert {e.reason for e in result.not_estimable} == {"the employer_survey table is absent"}
    assert {e.estimator for e in result.not_estimable} == {ALPHA, MEAN, WELCH, MWU}


def _small(answers: list[int], items: list[str], people: int) -> pd.DataFrame:
    return pd.DataFrame({"employer_id": "E1",
                         "participant_id": [f"P{i // len(items)}" for i in range(len(answers))],
                         "answered_on": "2015-09-01", "item": items * people,
                         "answer": answers})


def test_degenerate_surveys_do_not_crash():
    bands = pd.DataFrame({"participant_id": ["P0", "P1", "P2", "P3"],
                          "band": ["40-60", "40-60", "60-80", "60-80"]})
    same = employer_views(_small([3] * 8, ["a", "b"], 4), bands)
    reasons = {(e.term, e.estimator): e.reason for e in same.not_estimable}
    assert reasons[("scale", ALPHA)] == "the sum score does not vary"
    assert "equal" in reasons[("scale_score:60-80 - 40-60", WELCH)]
    assert same.estimate("a", MEAN)["estimate"] == 3  # the mean stays, the interval goes
    one_item = employer_views(_small([1, 2, 3], ["a"], 3), bands)
    assert ("scale", ALPHA, "fewer than 2 items") in one_item.not_estimable
    lonely = employer_views(_small([1, 2], ["a", "b"], 1), bands)
    assert any("fewer than 2 complete responses in a band" in e.reason
               for e in lonely.not_estimable)
    empty = employer_views(_small([], ["a"], 0), bands)
    assert empty.n == 0


def test_incomplete_responses_are_dropped_and_bad_input_refused():
    survey = _small([1, 2, 3, 4, 5, 4, 2, 3], ["a", "b"], 4).iloc[:-1]
    result = employer_views(survey)
    assert result.estimate("scale", ALPHA)["n"] == 3
    assert "1 incomplete response(s) dropped" in " ".join(result.notes)
    with pytest.raises(ValueError, match=r"outside 1\.\.5"):
        employer_views(_small([1, 6], ["a", "b"], 1))
    with pytest.raises(ValueError, match="answered twice"):
        employer_views(_small([1, 2], ["a", "a"], 1))
