"""Logistic regression with interaction and average marginal effects against frozen R output.

Reference: tests/reference/effects.R -> effects_reference.json ("logistic"), R 4.2.2 glm on
tests/reference/data/effects_trial.csv; AMEs computed in R by hand, delta method with a
central-difference gradient (step 1e-6).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis.effects.logistic import fit_logit, logistic_effects
from iedereen_doet_mee.analysis.effects.risk import stratified_risk_difference

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "effects_reference.json").read_text(encoding="utf-8"))["logistic"]
TRIAL = pd.read_csv(REF / "data" / "effects_trial.csv")
SYNTHETIC = pd.read_csv(REF / "data" / "effects_synthetic.csv")
COLUMNS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")
# The reference glm is fitted with epsilon = 1e-14 (fully converged): coefficients agree to
# about 1e-11; the AMEs' central-difference gradient to about 1e-9.
RTOL = 1e-6


@pytest.mark.parametrize("name", ["(Intercept)", "instrumentsyes", "band60-80",
                                  "instrumentsyes:band60-80"])
def test_coefficients_match_glm(name):
    # R: summary(glm(regular_work ~ instruments * band, family = binomial))$coefficients and
    #    confint.default(fit)
    row = logistic_effects(TRIAL).estimate(name, "logit_coefficient")
    for column in COLUMNS:
        assert row[column] == pytest.approx(R["coefficients"][name][column], rel=RTOL), column


def test_interaction_as_ratio_of_odds_ratios_is_exp_of_the_glm_coefficient():
    # R: exp(coef(fit)["instrumentsyes:band60-80"]) and exp(confint.default(fit)[...])
    ref = R["coefficients"]["instrumentsyes:band60-80"]
    row = logistic_effects(TRIAL).estimate("band=60-80 / band=40-60",
                                           "ratio_of_odds_ratios_logit")
    assert row["estimate"] == pytest.approx(math.exp(ref["estimate"]), rel=RTOL)
    assert row["conf_low"] == pytest.approx(math.exp(ref["conf_low"]), rel=RTOL)
    assert row["conf_high"] == pytest.approx(math.exp(ref["conf_high"]), rel=RTOL)
    assert row["p_value"] == pytest.approx(ref["p_value"], rel=RTOL)


@pytest.mark.parametrize("term", ["overall", "band=40-60", "band=60-80"])
def test_average_marginal_effects_match_r_by_hand(term):
    # R: mean(plogis(X1 %*% b) - plogis(X0 %*% b)) over the term's rows, gradient by central
    #    differences, se = sqrt(g' vcov(fit) g); Wald z test and interval
    row = logistic_effects(TRIAL).estimate(term, "average_marginal_effect_logit")
    for column in COLUMNS:
        assert row[column] == pytest.approx(R["ame"][term][column], rel=RTOL), column


def test_saturated_model_ame_is_the_block_weighted_risk_difference():
    ame = logistic_effects(TRIAL).estimate("overall", "average_marginal_effect_logit")
    block = stratified_risk_difference(TRIAL).estimate("overall",
                                                       "risk_difference_block_weighted")
    assert ame["estimate"] == pytest.approx(block["estimate"], rel=1e-9)


def test_separation_is_not_estimable_and_does_not_crash():
    # the bundled synthetic trial has no events in cell 60-80/no
    result = logistic_effects(SYNTHETIC)
    assert result.table["estimate"].isna().all()
    assert all("separation" in item.reason for item in result.not_estimable)
    fit = fit_logit(np.column_stack([np.ones(4), [0, 0, 1, 1]]), np.array([0, 0, 1, 1.0]),
                    ["a", "b"])
    assert fit.problem and np.isnan(fit.coef).all()


def test_band_without_an_arm_and_tiny_data():
    frame = pd.DataFrame({"band": ["a"] * 6 + ["b"] * 3,
                          "instruments": ["yes", "no"] * 3 + ["no"] * 3,
                          "regular_work": [1, 0, 0, 1, 1, 0, 1, 0, 0]})
    result = logistic_effects(frame)
    assert math.isnan(result.estimate("band=b", "average_marginal_effect_logit")["estimate"])
    assert result.estimate("band=a", "average_marginal_effect_logit")["estimate"] == \
        pytest.approx(2 / 3 - 1 / 3)
    one = logistic_effects(frame.iloc[:1])
    assert one.table["estimate"].isna().all() and one.not_estimable
