"""The wage-value model's large-trial path: the vectorised REML fit and the batched
small-sample inference, pinned to lme4 (frozen reference), statsmodels and the looped
functions on the reference data.

References: ``tests/reference/wage_value.R`` -> ``wage_value_reference.json`` (lme4
1.1.31: fixed effects, SEs, variance components and the REML log-likelihood) and
``wage_value_small_sample.R`` -> ``wage_value_small_sample_reference.json`` (lmerTest
Satterthwaite df), as in ``test_wage_value.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iedereen_doet_mee.analysis import wage_value
from iedereen_doet_mee.analysis.wage_value import wage_value_mixed_model, wage_value_within
from iedereen_doet_mee.analysis.wage_value.batched import (
    lmm_satterthwaite_batched,
    within_cr2_batched,
)
from iedereen_doet_mee.analysis.wage_value.reml import _profiled, _sums, reml_fit
from iedereen_doet_mee.analysis.wage_value.small_sample import lmm_satterthwaite, within_cr2
from iedereen_doet_mee.design import TrialDesign

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REFERENCE / "wage_value_reference.json").read_text())
SMALL = json.loads((REFERENCE / "wage_value_small_sample_reference.json").read_text())
DESIGN = TrialDesign()
LMM, LMM_T = "lmm_reml", "lmm_reml_satterthwaite"
# Both our fit and lme4's (bobyqa, rhoend 1e-12) stop where the REML deviance is flat
# to rounding: fixed effects agree to about 1e-7, variance components to about 1e-5.
RTOL, VARIANCE_RTOL = 2e-6, 2e-5


def _long(name: str) -> pd.DataFrame:
    long = pd.read_csv(REFERENCE / "data" / name,
                       dtype={"participant_id": str, "band": str, "instruments": str})
    if name != "sleepstudy.csv":
        long["band"] = pd.Categorical(long["band"], categories=list(DESIGN.strata))
        long["instruments"] = pd.Categorical(long["instruments"],
                                             categories=list(DESIGN.arms))
    return long


def _design(long: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cell-means design of the model, as wage_value builds it."""
    d, cells = wage_value._prepare(long, {k: k for k in ("time", "value", "band",
                                                          "instruments")}
                                   | {"participant": "participant_id"}, 0.95, "test")
    inter = np.column_stack([wage_value._in(d, c) for c in cells]).astype(float)
    time = d["time"].to_numpy()
    x = np.hstack([inter, inter * time[:, None]])
    return x, np.column_stack([np.ones(len(d)), time]), d["value"].to_numpy(), \
        d["pid"].to_numpy()


@pytest.mark.parametrize("name, key", [("sleepstudy.csv", "sleepstudy_lmer"),
                                       ("wage_value_long_synthetic.csv", "synthetic_lmer")])
def test_vectorised_reml_reproduces_lme4(name, key):
    ref = R[key]
    fit = reml_fit(*_design(_long(name)))
    assert fit.converged
    # -REMLcrit / 2: logLik(fit) of lme4 (sleepstudy -871.814135979246)
    assert -fit.deviance / 2 == pytest.approx(ref["loglik_reml"], rel=1e-12)
    sd = np.sqrt(np.diag(fit.g))
    np.testing.assert_allclose([*sd, fit.g[0, 1] / sd.prod(), np.sqrt(fit.s2)],
                               [ref["sd_intercept"], ref["sd_time"], ref["cor"],
                                ref["sd_residual"]], rtol=VARIANCE_RTOL)
    if key == "sleepstudy_lmer":  # cell-means form: intercept, slope
        np.testing.assert_allclose(fit.beta, ref["fixef"], rtol=RTOL)
    else:
        np.testing.assert_allclose(fit.beta[4:], ref["growth"]["estimate"], rtol=RTOL)


def test_vectorised_reml_matches_statsmodels():
    x, z, y, groups = _design(_long("wage_value_long_synthetic.csv"))
    g, s2, beta, converged, _ = wage_value._statsmodels_fit(x, z, y, groups)
    fit = reml_fit(x, z, y, groups)
    assert converged and fit.converged
    np.testing.assert_allclose(fit.beta, beta, rtol=1e-5)
    np.testing.assert_allclose(fit.g, g, rtol=1e-4, atol=1e-6 * np.abs(g).max())
    assert fit.s2 == pytest.approx(s2, rel=1e-5)


def test_the_analytic_gradient_equals_finite_differences():
    sums = _sums(*_design(_long("wage_value_long_synthetic.csv")))
    for theta in ([1.0, 0.0, 1.0], [1.5, -0.3, 0.2], [0.7, 0.1, 0.0]):
        theta = np.asarray(theta)
        gradient = _profiled(theta, sums)[3]
        step = 1e-5
        numeric = [(_profiled(theta + step * e, sums)[0] - _profiled(theta - step * e, sums)[0])
                   / (2 * step) for e in np.eye(3)]
        np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["wage_value_long_synthetic.csv",
                                  "wage_value_long_singular.csv"])
def test_batched_small_sample_inference_equals_the_looped_one(name):
    x, z, y, groups = _design(_long(name))
    fit = reml_fit(x, z, y, groups)
    g, s2 = fit.g, fit.s2
    looped, batched = (f(x, z, y, groups, g, s2) for f in (lmm_satterthwaite,
                                                           lmm_satterthwaite_batched))
    np.testing.assert_allclose(batched.beta, looped.beta, rtol=1e-10)
    np.testing.assert_allclose(batched.cov, looped.cov, rtol=1e-10)
    for vec in np.eye(x.shape[1])[4:]:
        assert batched.df(vec) == pytest.approx(looped.df(vec), rel=1e-9)
    repeated = pd.Series(groups).map(pd.Series(groups).value_counts()) > 1
    used = repeated.to_numpy()
    slopes = x[used][:, 4:]
    looped, batched = (f(slopes, y[used], groups[used]) for f in (within_cr2,
                                                                  within_cr2_batched))
    np.testing.assert_allclose(batched.beta, looped.beta, rtol=1e-10)
    np.testing.assert_allclose(batched.cov, looped.cov, rtol=1e-9)
    for vec in np.eye(4):
        assert batched.df(vec) == pytest.approx(looped.df(vec), rel=1e-9)


def test_the_large_trial_path_reproduces_lme4_and_lmertest(monkeypatch):
    # the whole estimator with the vectorised path switched on for the 100 participants
    # of the reference data: the numbers of test_wage_value.py, at tighter tolerance
    long = _long("wage_value_long_synthetic.csv")
    default, looped_within = wage_value_mixed_model(long), wage_value_within(long)
    monkeypatch.setattr(wage_value, "VECTORISED_MIN_PARTICIPANTS", 1)
    result = wage_value_mixed_model(long)
    assert any("vectorised REML" in note for note in result.notes)
    assert not any("vectorised REML" in note for note in default.notes)
    ref, small = R["synthetic_lmer"], SMALL["synthetic_lmer"]
    for estimator in (LMM, LMM_T):
        table = result.table[result.table["estimator"] == estimator].head(9)
        np.testing.assert_allclose(table["estimate"], ref["growth"]["estimate"]
                                   + ref["contrasts"]["estimate"], rtol=RTOL, atol=1e-7)
        np.testing.assert_allclose(table["std_error"], ref["growth"]["std_error"]
                                   + ref["contrasts"]["std_error"], rtol=RTOL)
        old = default.table[default.table["estimator"] == estimator].head(9)
        np.testing.assert_allclose(table["conf_high"], old["conf_high"], rtol=1e-4)
    trajectories = result.extras["trajectories"]
    np.testing.assert_allclose(trajectories["estimate"], ref["trajectories"]["estimate"],
                               rtol=RTOL)
    np.testing.assert_allclose(trajectories["df"], small["trajectories"]["df"], rtol=1e-5)
    pd.testing.assert_frame_equal(wage_value_within(long).table, looped_within.table,
                                  rtol=1e-9)
