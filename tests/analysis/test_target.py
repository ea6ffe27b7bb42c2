"""Outflow against the target, pinned to R 4.2.2 (stats, survival 3.5.3) and enumeration.

Reference numbers come from tests/reference/target.R, frozen in
tests/reference/target_reference.json; its input is
tests/reference/data/survival_synthetic_outcomes.csv (the bundled synthetic trial).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from iedereen_doet_mee.analysis.results import TIDY_COLUMNS
from iedereen_doet_mee.analysis.target import outflow_against_target

from .frames import random_small_outcome_frame

REF_DIR = Path(__file__).resolve().parents[1] / "reference"
REF = json.loads((REF_DIR / "target_reference.json").read_text(encoding="utf-8"))
RTOL = 1e-6
SYNTHETIC = pd.read_csv(REF_DIR / "data" / "survival_synthetic_outcomes.csv")


def _frame(x: int, n: int) -> pd.DataFrame:
    """n participants in one cell, the first x of whom reached regular work."""
    return pd.DataFrame({"band": ["40-60"] * n, "instruments": ["yes"] * n,
                         "event": ["regular_work"] * x + ["censored"] * (n - x),
                         "time_days": np.linspace(30, 700, n) if n else []})


def _check_binomial(result, term: str, ref: dict) -> None:
    row = result.estimate(term, "proportion_clopper_pearson")
    assert row["estimate"] == ref["x"] / ref["n"] and row["n"] == ref["n"]
    # binom.test(x, n, p = target, conf.level = conf)$conf.int
    assert [row["conf_low"], row["conf_high"]] == pytest.approx(
        [ref["cp_low"], ref["cp_high"]], rel=RTOL, abs=1e-12)
    # prop.test(x, n, p = target, correct = FALSE, conf.level = conf)$conf.int
    row = result.estimate(term, "proportion_wilson")
    assert [row["conf_low"], row["conf_high"]] == pytest.approx(
        [ref["wilson_low"], ref["wilson_high"]], rel=RTOL, abs=1e-12)
    # binom.test(x, n, p = target, alternative = "greater"): p.value and conf.int[1]
    row = result.estimate(term, "binomial_exact_one_sided_target_met")
    assert row["p_value"] == pytest.approx(ref["p_greater"], rel=RTOL)
    assert row["conf_low"] == pytest.approx(ref["greater_low"], rel=RTOL, abs=1e-12)
    assert row["conf_high"] == 1.0 and row["statistic"] == ref["x"]
    # binom.test(x, n, p = target, alternative = "less"): p.value and conf.int[2]
    row = result.estimate(term, "binomial_exact_one_sided_target_missed")
    assert row["p_value"] == pytest.approx(ref["p_less"], rel=RTOL)
    assert row["conf_high"] == pytest.approx(ref["less_high"], rel=RTOL)
    # pbeta(target, x + 0.5, n - x + 0.5, lower.tail = FALSE)
    row = result.estimate(term, "jeffreys_posterior_prob_target_met")
    assert row["estimate"] == pytest.approx(ref["jeffreys"], rel=RTOL)


@pytest.mark.parametrize("ref", REF["cases"], ids=lambda r: f"x{r['x']}n{r['n']}p{r['target']}"
                         f"c{r['conf']}")
def test_binomial_rows_match_r_binom_test_prop_test_and_pbeta(ref):
    result = outflow_against_target(_frame(ref["x"], ref["n"]), target=ref["target"],
                                    level=ref["conf"], horizon_months=12)
    _check_binomial(result, "overall", ref)


@pytest.fixture(scope="module")
def synthetic():
    return outflow_against_target(SYNTHETIC)


@pytest.mark.parametrize("ref", REF["synthetic"], ids=lambda r: r["term"])
def test_every_group_of_the_synthetic_trial_matches_r(synthetic, ref):
    _check_binomial(synthetic, ref["term"], ref)
    # the 24-month horizon lies beyond the longest follow-up (about 23.7 months)
    assert np.isnan(synthetic.estimate(ref["term"], "kaplan_meier_outflow")["estimate"])
    reasons = {i.reason for i in synthetic.not_estimable
               if i.term == ref["term"] and i.estimator == "kaplan_meier_outflow"}
    assert len(reasons) == 1 and "beyond the longest follow-up" in reasons.pop()
    horizons = synthetic.extras["km_horizons"].set_index("term")
    assert horizons.loc[ref["term"], "longest_follow_up_months"] == pytest.approx(
        ref["longest_months"], rel=1e-12)
    # 1 - summary(survfit(Surv(time_days, status) ~ 1, conf.type = "log-log"),
    #             times = floor(longest) * 30.436875)$surv, std.err, 1 - upper, 1 - lower
    km = ref["km_longest"]
    assert horizons.loc[ref["term"], "km_horizon_months"] == km["months"]
    row = synthetic.estimate(ref["term"], "kaplan_meier_outflow_longest_estimable")
    assert row["estimate"] == pytest.approx(km["outflow"], rel=RTOL, abs=1e-12)
    assert row["std_error"] == pytest.approx(km["std_error"], rel=RTOL, abs=1e-12)
    expected = [np.nan if km["low"] is None else km["low"],
                np.nan if km["high"] is None else km["high"]]
    np.testing.assert_allclose([row["conf_low"], row["conf_high"]], expected, rtol=RTOL)


def test_kaplan_meier_outflow_within_follow_up_matches_survfit():
    # summary(survfit(Surv(time_days, status) ~ 1, data = syn, conf.type = "log-log"),
    #         times = 12 * 30.436875): 1 - surv 0.116989649388721
    result = outflow_against_target(SYNTHETIC, horizon_months=12)
    ref = REF["synthetic_overall_12_months"]
    row = result.estimate("overall", "kaplan_meier_outflow")
    assert row["estimate"] == pytest.approx(ref["outflow"], rel=RTOL)
    assert row["std_error"] == pytest.approx(ref["std_error"], rel=RTOL)
    assert [row["conf_low"], row["conf_high"]] == pytest.approx([ref["low"], ref["high"]],
                                                                 rel=RTOL)
    assert "kaplan_meier_outflow_longest_estimable" not in set(result.table["estimator"])


def test_result_shape_terms_and_notes(synthetic):
    assert tuple(synthetic.table.columns) == TIDY_COLUMNS and synthetic.question == "target"
    assert list(dict.fromkeys(synthetic.table["term"])) == [
        "overall", "band=40-60", "band=60-80", "band=40-60:instruments=no",
        "band=40-60:instruments=yes", "band=60-80:instruments=no", "band=60-80:instruments=yes"]
    text = " ".join(synthetic.notes)
    assert "biased downward" in text and "treated as censored" in text
    assert "Aalen-Johansen" in text and "longest whole-month horizon" in text
    pd.testing.assert_frame_equal(synthetic.table, outflow_against_target(SYNTHETIC).table)


@pytest.mark.parametrize("n", [1, 7, 30])
def test_clopper_pearson_is_exact_by_enumeration(n):
    # The interval inverts the two one-sided exact tests: at its bounds the tail
    # probabilities are exactly alpha / 2, and its coverage is at least 95% for every p
    # (the sum over all x of the binomial probabilities of the x whose interval covers p).
    rows = [outflow_against_target(_frame(x, n), horizon_months=1).estimate(
        "overall", "proportion_clopper_pearson") for x in range(n + 1)]
    low, high = np.array([r["conf_low"] for r in rows]), np.array([r["conf_high"] for r in rows])
    x = np.arange(n + 1)
    np.testing.assert_allclose(stats.binom.sf(x[1:] - 1, n, low[1:]), 0.025, rtol=1e-8)
    np.testing.assert_allclose(stats.binom.cdf(x[:-1], n, high[:-1]), 0.025, rtol=1e-8)
    for p in np.linspace(0.005, 0.995, 199):
        covered = (low <= p) & (p <= high)
        assert stats.binom.pmf(x, n, p)[covered].sum() >= 0.95 - 1e-12


def test_empty_frame_and_empty_cells_keep_their_rows_with_reasons():
    empty = outflow_against_target(_frame(0, 0))
    assert list(empty.table["term"].unique()) == ["overall"]
    assert empty.table["estimate"].isna().all() and len(empty.not_estimable) == 6
    # a band without instruments: its yes-cell is kept, with n = 0 and reasons
    frame = pd.concat([_frame(2, 5), _frame(1, 3).assign(band="60-80", instruments="no")])
    result = outflow_against_target(frame, horizon_months=6)
    cell = result.table[result.table["term"] == "band=60-80:instruments=yes"]
    assert len(cell) == 6 and (cell["n"] == 0).all() and cell["estimate"].isna().all()
    assert {i.reason for i in result.not_estimable
            if i.term == "band=60-80:instruments=yes"} == {"no participants"}


@pytest.mark.parametrize(("x", "n"), [(0, 6), (6, 6), (1, 1), (0, 1)])
def test_no_events_only_events_and_one_person_still_answer(x, n):
    result = outflow_against_target(_frame(x, n), horizon_months=0.5)
    row = result.estimate("overall", "proportion_clopper_pearson")
    assert row["estimate"] == x / n and 0 <= row["conf_low"] <= row["conf_high"] <= 1
    assert not np.isnan(result.estimate("overall", "binomial_exact_one_sided_target_met")
                        ["p_value"])
    # by 0.5 months (15.2 days) nobody has left: Kaplan-Meier outflow 0, no interval
    km = result.estimate("overall", "kaplan_meier_outflow")
    assert km["estimate"] == 0 and np.isnan(km["conf_low"])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match=r"target=1\.2"):
        outflow_against_target(SYNTHETIC, target=1.2)
    with pytest.raises(ValueError, match="horizon_months=0"):
        outflow_against_target(SYNTHETIC, horizon_months=0)
    with pytest.raises(ValueError, match="'wage_band'"):
        outflow_against_target(SYNTHETIC, band="wage_band")
    with pytest.raises(ValueError, match="missing value"):
        outflow_against_target(SYNTHETIC.assign(event=None))


def test_random_small_trials_never_crash_or_warn():
    rng = np.random.default_rng(11)
    for _ in range(40):
        frame = random_small_outcome_frame(rng, 10)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = outflow_against_target(frame, horizon_months=float(rng.uniform(1, 30)))
        missing = result.table[result.table["estimate"].isna()]
        flagged = {(i.term, i.estimator) for i in result.not_estimable}
        assert {(r.term, r.estimator) for r in missing.itertuples()} == flagged


# -- the target decision, made once (target_met) ------------------------------------------

def test_target_met_exactly_at_the_target_counts_as_met():
    from iedereen_doet_mee.analysis.target import target_met

    assert target_met(40, 100, 0.4) is True
    assert target_met(39, 100, 0.4) is False
    assert target_met(12, 30, 0.4) is True and target_met(11, 30, 0.4) is False
    assert target_met(0, 0, 0.4) is True  # no one counted: 0 >= 0 (the report never asks)


@pytest.mark.parametrize(("x", "n", "target"), [(3, 30, 0.1), (7, 100, 0.07), (14, 50, 0.28),
                                                 (21, 150, 0.14), (1, 3, 1 / 3)])
def test_target_met_absorbs_the_float_noise_of_target_times_n(x, n, target):
    from iedereen_doet_mee.analysis.target import target_met

    # x / n equals the target exactly in decimals; target * n may round above x
    assert target_met(x, n, target) is True
    assert target_met(x - 1, n, target) is False


def test_target_met_agrees_with_exact_fractions_on_a_grid():
    from fractions import Fraction

    from iedereen_doet_mee.analysis.target import target_met

    for percent in range(1, 101):
        target = percent / 100
        for n in range(1, 120):
            x = np.arange(n + 1)
            exact = np.array([Fraction(int(k), n) >= Fraction(percent, 100) for k in x])
            assert (target_met(x, n, target) == exact).all(), (percent, n)


def test_target_met_is_vectorised_and_checks_its_input():
    from iedereen_doet_mee.analysis.target import target_met

    met = target_met(np.array([[11, 12], [40, 39]]), np.array([[30, 30], [100, 100]]), 0.4)
    assert met.dtype == bool and met.tolist() == [[False, True], [True, False]]
    for bad in (dict(events=5, n=4, target=0.4), dict(events=-1, n=4, target=0.4),
                dict(events=1, n=4, target=0.0), dict(events=1, n=4, target=1.5)):
        with pytest.raises(ValueError, match="target_met"):
            target_met(**bad)


def test_without_a_target_the_shares_stand_and_no_row_tests_against_one():
    """A design without target_outflow: the shares, intervals and Kaplan-Meier rows of
    the target question are those of the same data with a target; the rows that test
    against a target are left out, not given as missing."""
    from iedereen_doet_mee.analysis import analyse_trial
    from iedereen_doet_mee.analysis.target import (
        SHARE_ESTIMATORS,
        TARGET_TEST_ESTIMATORS,
    )
    from iedereen_doet_mee.design import TrialDesign
    from iedereen_doet_mee.simulation import simulate_trial

    runs = {target: analyse_trial(simulate_trial(TrialDesign(target_outflow=target), seed=3),
                                  n_draws=50, n_bootstrap=50)
            for target in (None, 0.4)}
    without, with_target = (runs[t].results["target"] for t in (None, 0.4))
    assert not without.table["estimator"].isin(TARGET_TEST_ESTIMATORS).any()
    assert with_target.table["estimator"].isin(TARGET_TEST_ESTIMATORS).any()
    kept = with_target.table[~with_target.table["estimator"].isin(TARGET_TEST_ESTIMATORS)]
    pd.testing.assert_frame_equal(without.table.reset_index(drop=True),
                                  kept.reset_index(drop=True))
    assert set(SHARE_ESTIMATORS) | {"kaplan_meier_outflow"} <= set(without.table["estimator"])
    assert "no target" in without.title and "%" not in without.title
    assert not any("Target tests" in note for note in without.notes)
    # the other questions do not depend on the target
    for key in set(runs[None].results) - {"target"}:
        pd.testing.assert_frame_equal(runs[None].results[key].table,
                                      runs[0.4].results[key].table)


def test_without_a_target_a_frame_gets_only_the_share_and_kaplan_meier_rows():
    result = outflow_against_target(_frame(3, 10), target=None, horizon_months=12)
    assert result.estimate("overall", "proportion_clopper_pearson")["estimate"] == 0.3
    assert set(result.table["estimator"]) <= {"proportion_clopper_pearson", "proportion_wilson",
                                               "kaplan_meier_outflow",
                                               "kaplan_meier_outflow_longest_estimable"}
