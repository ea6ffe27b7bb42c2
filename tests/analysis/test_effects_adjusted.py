"""Covariate-adjusted effects (g-computation and IPW) against frozen R output.

Reference: tests/reference/effects.R -> effects_reference.json ("gcomp", "ipw"), R 4.2.2 on
tests/reference/data/effects_trial.csv (assigned allocation with selection). g-computation:
glm(regular_work ~ instruments * band + wage_value_estimate + ladder_rung_intake + age +
months_on_benefit, binomial), AMEs by hand with a central-difference delta method. IPW: a
glm propensity model within band, Hajek means and the sandwich A^-1 B A^-T / n of the
stacked estimating equations with A a central-difference Jacobian, all by hand in R.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.effects.adjusted import adjusted_effects

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "effects_reference.json").read_text(encoding="utf-8"))
TRIAL = pd.read_csv(REF / "data" / "effects_trial.csv")
COLUMNS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")
# The reference glm fits are fully converged (epsilon = 1e-14). R's central differences
# (step 1e-6) limit agreement to about 1e-8 for the g-computation delta method (covariates
# such as months_on_benefit reach 300) and 1e-10 for the IPW Jacobian; rtol 1e-6.
RTOL = 1e-6


def _close(row: pd.Series, ref: dict, *, log_scale: bool = False) -> None:
    for column in COLUMNS:
        expected = ref[column]
        if log_scale and column in ("estimate", "conf_low", "conf_high"):
            expected = math.exp(expected)
        assert row[column] == pytest.approx(expected, rel=RTOL, abs=1e-12), column


@pytest.fixture(scope="module")
def result():
    return adjusted_effects(TRIAL)


def test_default_covariates_are_found_and_every_output_is_labelled(result):
    assert result.notes[0].startswith("Non-experimental comparison")
    assert "wage_value_estimate, ladder_rung_intake, age, months_on_benefit" in result.notes[0]
    assert all(e.endswith(("_adjusted", "_ipw")) for e in result.table["estimator"])


@pytest.mark.parametrize("name", ["(Intercept)", "instrumentsyes", "band60-80",
                                  "instrumentsyes:band60-80", "wage_value_estimate",
                                  "ladder_rung_intake", "age", "months_on_benefit"])
def test_outcome_model_coefficients_match_glm(result, name):
    # R: summary(adj)$coefficients and confint.default(adj)
    _close(result.estimate(name, "logit_coefficient_adjusted"), R["gcomp"]["coefficients"][name])


@pytest.mark.parametrize("term", ["overall", "band=40-60", "band=60-80"])
def test_gcomputation_risk_difference_and_ratio_match_r(result, term):
    # R: mean(plogis(X1 b) - plogis(X0 b)) and log(mean(plogis(X1 b)) / mean(plogis(X0 b)))
    #    over the term's rows; numerical gradient; se = sqrt(g' vcov(adj) g)
    _close(result.estimate(term, "risk_difference_gcomputation_adjusted"),
           R["gcomp"]["risk_difference"][term])
    _close(result.estimate(term, "risk_ratio_gcomputation_adjusted"),
           R["gcomp"]["log_risk_ratio"][term], log_scale=True)


def test_interactions_on_both_scales_match_r(result):
    term = "band=60-80 - band=40-60"
    _close(result.estimate(term, "risk_difference_interaction_gcomputation_adjusted"),
           R["gcomp"]["interaction"])
    _close(result.estimate("band=60-80 / band=40-60", "ratio_of_odds_ratios_logit_adjusted"),
           R["gcomp"]["coefficients"]["instrumentsyes:band60-80"], log_scale=True)
    _close(result.estimate(term, "risk_difference_interaction_ipw"), R["ipw"]["interaction"])


@pytest.mark.parametrize("term", ["overall", "band=40-60", "band=60-80"])
def test_ipw_matches_stacked_estimating_equations_in_r(result, term):
    _close(result.estimate(term, "risk_difference_ipw"), R["ipw"][term]["risk_difference"])
    _close(result.estimate(term, "risk_ratio_ipw"), R["ipw"][term]["log_risk_ratio"],
           log_scale=True)


def test_degenerate_data_do_not_crash():
    # a band without instruments, a missing covariate, a constant covariate
    frame = TRIAL.copy()
    frame = frame[~((frame["band"] == "40-60") & (frame["instruments"] == "yes"))].copy()
    frame["constant"] = 1.0
    frame.loc[frame.index[:3], "age"] = np.nan
    result = adjusted_effects(frame, covariates=["age", "wage_value_estimate", "constant"])
    assert result.n == len(frame) - 3
    assert any("constant" in note for note in result.notes)
    assert math.isnan(result.estimate("band=40-60", "risk_difference_ipw")["estimate"])
    assert math.isfinite(result.estimate("band=60-80", "risk_difference_ipw")["estimate"])
    assert math.isfinite(result.estimate("overall",
                                         "risk_difference_gcomputation_adjusted")["estimate"])
    empty = adjusted_effects(TRIAL.iloc[:0])
    assert empty.n == 0 and empty.table["estimate"].isna().all()
    tiny = adjusted_effects(TRIAL.iloc[:3])
    assert tiny.table["estimate"].isna().all() and tiny.not_estimable


def test_text_covariates_become_dummies_and_options_are_checked():
    frame = TRIAL.assign(sex=np.where(np.arange(len(TRIAL)) % 3 == 0, "female", "male"))
    result = adjusted_effects(frame, covariates=["age", "sex"], method="gcomputation")
    assert "sexmale" in set(result.table["term"])
    with pytest.raises(ValueError, match="option method='both ways'"):
        adjusted_effects(frame, method="both ways")
    with pytest.raises(ValueError, match="covariate column\\(s\\) \\['height'\\]"):
        adjusted_effects(frame, covariates=["height"])
