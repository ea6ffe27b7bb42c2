"""The vectorised primary analysis equals the package's own analysis, trial by trial.

For many small trials (random cell sizes and event counts, including empty arms,
cells of one person, no events and only events), the per-trial functions of
``iedereen_doet_mee.analysis`` are run on a frame with one row per participant and
compared with :mod:`iedereen_doet_mee.diagnosis.estimators` run on the cell counts.
Fisher's test is also checked against scipy on every table up to 10 per arm.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from iedereen_doet_mee.analysis.effects.exact import exact_tests
from iedereen_doet_mee.analysis.effects.logistic import logistic_effects
from iedereen_doet_mee.analysis.effects.risk import risk_effects, stratified_risk_difference
from iedereen_doet_mee.analysis.target import outflow_against_target
from iedereen_doet_mee.diagnosis.estimators import binomial_rows, effect_rows, fisher_two_sided

STRATA = ("40-60", "60-80")
RTOL = 1e-9


def _frame(events: np.ndarray, sizes: np.ndarray) -> pd.DataFrame:
    """One row per participant of one trial with the given counts (strata x arms no/yes)."""
    rows = []
    for b, band in enumerate(STRATA):
        for a, arm in enumerate(("no", "yes")):
            n, x = int(sizes[b, a]), int(events[b, a])
            rows += [(band, arm, k < x) for k in range(n)]
    frame = pd.DataFrame(rows, columns=["band", "instruments", "regular_work"])
    frame["time_days"] = 100
    frame["event"] = np.where(frame["regular_work"], "regular_work", "censored")
    return frame


def _trials(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 9, size=(count, 2, 2))
    sizes[: count // 2] += 4  # half of them without tiny cells
    events = rng.binomial(sizes, rng.uniform(0, 1, size=(count, 2, 2)))
    return events, sizes


def _same(vector_value: float, table_value: float) -> bool:
    if math.isnan(table_value):
        return math.isnan(vector_value)
    return math.isclose(vector_value, table_value, rel_tol=RTOL, abs_tol=1e-12)


def _check(draws, index: int, table: pd.DataFrame, term: str, estimator: str) -> None:
    row = table[(table["term"] == term) & (table["estimator"] == estimator)]
    assert len(row) == 1, (term, estimator, table[["term", "estimator"]])
    row = row.iloc[0]
    got = {"estimate": draws.estimate[index], "std_error": draws.std_error[index],
           "p_value": draws.p_value[index], "conf_low": draws.conf_low[index],
           "conf_high": draws.conf_high[index]}
    if estimator.startswith("fisher") or estimator.startswith("binomial"):
        got = {"p_value": got["p_value"]}
    if not draws.estimable[index]:  # the analysis keeps the row with missing numbers
        assert math.isnan(row["p_value"]), row
        return
    for name, value in got.items():
        assert _same(value, float(row[name])), (term, estimator, name, value, row[name])


@pytest.mark.parametrize("seed", [1, 2])
def test_effect_estimators_equal_the_analysis_functions(seed):
    events, sizes = _trials(seed, 40)
    draws = {d.key: d for d in effect_rows(events, sizes, control=0, treated=1, strata=STRATA,
                                           arm_label="instrumentsyes")}
    checked = 0
    for i in range(events.shape[0]):
        frame = _frame(events[i], sizes[i])
        if frame["instruments"].nunique() < 2:
            continue
        tables = pd.concat([
            risk_effects(frame).table, stratified_risk_difference(frame).table,
            logistic_effects(frame).table, exact_tests(frame, boschloo_points=8).table])
        for key, d in draws.items():
            term, estimator = key.split("|")
            if ((tables["term"] == term) & (tables["estimator"] == estimator)).sum() == 0:
                # the analysis leaves out a band without participants
                assert not d.estimable[i] or "band=" in term, (i, key)
                continue
            _check(d, i, tables, term, estimator)
            checked += 1
    assert checked > 300


def test_not_estimable_where_the_analysis_is_not():
    # an arm of one person and a band without events: no variance estimate
    events = np.array([[[0, 0], [3, 1]]])
    sizes = np.array([[[5, 5], [6, 1]]])
    draws = {d.key: d for d in effect_rows(events, sizes, control=0, treated=1, strata=STRATA,
                                           arm_label="instrumentsyes")}
    assert not draws["band=40-60|risk_difference_hc2"].estimable[0]
    assert not draws["band=60-80|risk_difference_hc2"].estimable[0]
    assert not draws["instrumentsyes:band60-80|logit_coefficient"].estimable[0]
    assert draws["pooled|fisher_exact_two_sided"].estimable[0]
    frame = _frame(events[0], sizes[0])
    table = risk_effects(frame).table
    row = table[(table["term"] == "band=60-80") & (table["estimator"] == "risk_difference_hc2")]
    assert row["std_error"].isna().all()


def test_binomial_rows_equal_outflow_against_target():
    events, sizes = _trials(3, 30)
    draws = {d.key: d for d in binomial_rows(events, sizes, target=0.4)}
    for i in range(events.shape[0]):
        frame = _frame(events[i], sizes[i])
        if frame.empty:
            assert not draws["overall|proportion_clopper_pearson"].estimable[i]
            continue
        table = outflow_against_target(frame).table
        for key, d in draws.items():
            term, estimator = key.split("|")
            _check(d, i, table, term, estimator)


def test_fisher_two_sided_equals_scipy_on_every_small_table():
    grid = [(x1, n1, x0, n0) for n1 in range(0, 11) for n0 in range(0, 11)
            for x1 in range(n1 + 1) for x0 in range(n0 + 1)]
    x1, n1, x0, n0 = (np.array(v) for v in zip(*grid, strict=True))
    ours = fisher_two_sided(x1, n1, x0, n0)
    theirs = np.array([stats.fisher_exact([[a, n - a], [c, m - c]]).pvalue
                       for a, n, c, m in grid])
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)
    assert len(grid) > 4000


def test_fisher_two_sided_equals_scipy_at_trial_size():
    rng = np.random.default_rng(9)
    n1, n0 = rng.integers(40, 60, 300), rng.integers(40, 60, 300)
    x1, x0 = rng.binomial(n1, 0.2), rng.binomial(n0, 0.3)
    theirs = [stats.fisher_exact([[a, n - a], [c, m - c]]).pvalue
              for a, n, c, m in zip(x1, n1, x0, n0, strict=True)]
    np.testing.assert_allclose(fisher_two_sided(x1, n1, x0, n0), theirs, rtol=1e-10)
