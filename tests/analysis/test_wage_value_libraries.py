"""The wage-value within fit against the library that does the job: linearmodels.

The looped CR2 path (:func:`within_cr2`) takes its within fit from linearmodels'
``PanelOLS(entity_effects=True)`` (:func:`within_ols`); the batched path for large trials
keeps its own pandas demeaning for speed (:func:`within_ols_demeaned`). Both are pinned
here to ``PanelOLS`` called directly, on the real ``sleepstudy`` data (lme4; 18
subjects, 10 days each) and on the synthetic reference trial (100 participants of
unequal size in four cells), coefficients and residuals to 1e-10. The CR2 numbers
themselves are pinned to clubSandwich in ``test_wage_value.py``.

The other own implementations next to a library are pinned elsewhere: the vectorised
REML to statsmodels' ``MixedLM`` (``test_wage_value_scale.py``), the pool-adjacent-
violators fallback to ``scipy.optimize.isotonic_regression``
(``tests/diagnosis/test_isotonic.py``) and the vectorised Fisher test to
``scipy.stats.fisher_exact`` (``tests/diagnosis/test_estimators.py``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import PanelOLS

from iedereen_doet_mee.analysis import wage_value
from iedereen_doet_mee.analysis.wage_value.batched import (
    within_cr2_batched,
    within_ols_demeaned,
)
from iedereen_doet_mee.analysis.wage_value.small_sample import within_cr2, within_ols
from iedereen_doet_mee.design import TrialDesign

DATA = Path(__file__).resolve().parents[1] / "reference" / "data"
DESIGN = TrialDesign()


def _slopes(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The within design of ``wage_value_within``: one slope column per cell, only
    participants measured at different times."""
    long = pd.read_csv(DATA / name, dtype={"participant_id": str, "band": str,
                                          "instruments": str})
    if name != "sleepstudy.csv":
        long["band"] = pd.Categorical(long["band"], categories=list(DESIGN.strata))
        long["instruments"] = pd.Categorical(long["instruments"],
                                             categories=list(DESIGN.arms))
    d, cells = wage_value._prepare(long, {k: k for k in ("time", "value", "band",
                                                          "instruments")}
                                   | {"participant": "participant_id"}, 0.95, "test")
    d = d[d.groupby("pid")["time"].transform("nunique") > 1].reset_index(drop=True)
    cells = [c for c in cells if wage_value._in(d, c).any()]
    x = np.column_stack([wage_value._in(d, c) * d["time"] for c in cells]).astype(float)
    return x, d["value"].to_numpy(), d["pid"].to_numpy()


def _panel_ols(x: np.ndarray, y: np.ndarray, groups: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and within residuals of linearmodels, rows in the input order."""
    entity = pd.Series(groups)
    index = pd.MultiIndex.from_arrays([entity, entity.groupby(entity).cumcount()])
    fit = PanelOLS(pd.Series(y, index=index), pd.DataFrame(x, index=index),
                   entity_effects=True).fit()
    return fit.params.to_numpy(), fit.resids.loc[index].to_numpy()


@pytest.mark.parametrize("name", ["sleepstudy.csv", "wage_value_long_synthetic.csv"])
def test_both_within_fits_equal_panel_ols(name):
    x, y, groups = _slopes(name)
    beta, resid = _panel_ols(x, y, groups)
    scale = np.abs(y).max()
    for fit in (within_ols, within_ols_demeaned):
        xd, own_beta, m, own_resid = fit(x, y, groups)
        np.testing.assert_allclose(own_beta, beta, rtol=1e-10)
        np.testing.assert_allclose(own_resid, resid, rtol=0, atol=1e-10 * scale)
        # the demeaned design: column means 0 within each participant, and M its inverse
        # cross product
        np.testing.assert_allclose(pd.DataFrame(xd).groupby(groups).mean(), 0, atol=1e-10)
        np.testing.assert_allclose(m @ (xd.T @ xd), np.eye(x.shape[1]), atol=1e-10)
    # what the analysis reports: the looped and the batched CR2 coefficients
    for cr2 in (within_cr2, within_cr2_batched):
        np.testing.assert_allclose(cr2(x, y, groups).beta, beta, rtol=1e-10)


def test_the_within_fit_keeps_the_row_order_of_its_input():
    x, y, groups = _slopes("wage_value_long_synthetic.csv")
    order = np.random.default_rng(20140701).permutation(len(y))
    xd, beta, _, resid = within_ols(x, y, groups)
    xd2, beta2, _, resid2 = within_ols(x[order], y[order], groups[order])
    np.testing.assert_allclose(beta2, beta, rtol=1e-10)
    np.testing.assert_allclose(xd2, xd[order], atol=1e-10)
    np.testing.assert_allclose(resid2, resid[order], atol=1e-10)
    shuffled, looped = within_cr2(x[order], y[order], groups[order]), within_cr2(x, y, groups)
    np.testing.assert_allclose(shuffled.cov, looped.cov, rtol=1e-9)


def test_collinear_or_absorbed_regressors_raise_linalg_error():
    x, y, groups = _slopes("wage_value_long_synthetic.csv")
    with pytest.raises(np.linalg.LinAlgError, match="rank"):
        within_ols(np.column_stack([x, 2 * x[:, 0]]), y, groups)
    # a participant-level constant is absorbed by the participant effects
    level = pd.Series(groups).rank(method="dense").to_numpy()
    with pytest.raises(np.linalg.LinAlgError, match="absorbed"):
        within_ols(np.column_stack([x, level]), y, groups)


def test_a_within_fit_without_residual_degrees_of_freedom_is_refused_in_every_version():
    """Three participants measured twice, three slopes: 6 rows - 3 groups - 3 slopes = 0
    residual df. The lower-bound linearmodels divided by zero here while newer releases
    return a fit with zero residuals; the package refuses before calling either (found by
    the property test at the lower bounds)."""
    t = np.tile([0.0, 2.2], 3)
    x = np.column_stack([t * (np.arange(6) // 2 == j) for j in range(3)])
    y = np.array([50.0, 57.1, 60.0, 56.9, 45.0, 50.0])
    groups = np.repeat(["a", "b", "c"], 2)
    for fit in (within_ols, within_cr2):
        with pytest.raises(np.linalg.LinAlgError, match="no residual degrees of freedom"):
            fit(x, y, groups)
