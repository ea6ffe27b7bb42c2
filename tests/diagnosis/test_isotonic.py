"""The pool-adjacent-violators fallback (scipy < 1.12) against an exact hand computation,
the max-min formula and, where scipy has it, scipy.optimize.isotonic_regression."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from iedereen_doet_mee.diagnosis import isotonic
from iedereen_doet_mee.diagnosis.isotonic import isotonic_regression, pool_adjacent_violators


def test_pool_adjacent_violators_by_hand():
    # 3 > 2 pools to 2.5 (two values); 4 > 0 pools to 2; then 2.5 > 2 pools the four
    # middle values to (3 + 2 + 4 + 0) / 4 = 2.25; all exact in binary floating point
    fitted = pool_adjacent_violators(np.array([1.0, 3.0, 2.0, 4.0, 0.0, 6.0]))
    assert fitted.tolist() == [1.0, 2.25, 2.25, 2.25, 2.25, 6.0]
    assert pool_adjacent_violators(np.array([4.0, 3.0, 2.0, 1.0])).tolist() == [2.5] * 4
    assert pool_adjacent_violators(np.array([0.5])).tolist() == [0.5]
    assert pool_adjacent_violators(np.array([0.1, 0.1, 0.2])).tolist() == [0.1, 0.1, 0.2]


def _max_min(values: np.ndarray) -> np.ndarray:
    """The isotonic fit by its max-min formula (Barlow et al. 1972, theorem 1.4):
    fitted_i = max over j <= i of min over k >= i of mean(values[j..k])."""
    n = len(values)
    return np.array([max(min(values[j:k + 1].mean() for k in range(i, n))
                         for j in range(i + 1)) for i in range(n)])


def test_pool_adjacent_violators_agrees_with_the_max_min_formula_and_scipy():
    # scipy's answer where scipy has it (>= 1.12); the max-min formula everywhere, so
    # the fallback is checked on the lower-bound scipy too
    scipy_fit = getattr(optimize, "isotonic_regression", None)
    rng = np.random.default_rng(20140701)
    for size in (1, 2, 3, 5, 8, 21, 60):
        for _ in range(20):
            values = np.sort(rng.uniform(size=size)) + rng.normal(scale=0.2, size=size)
            fitted = pool_adjacent_violators(values)
            np.testing.assert_allclose(fitted, _max_min(values), rtol=1e-13, atol=1e-15)
            if scipy_fit is not None:
                np.testing.assert_allclose(fitted, scipy_fit(values).x, rtol=1e-14,
                                           atol=1e-15)


def test_isotonic_regression_uses_the_fallback_without_scipys(monkeypatch):
    values = np.array([0.05, 0.5, 0.45, 0.9, 0.85])
    expected = pool_adjacent_violators(values)
    monkeypatch.delattr(isotonic.optimize, "isotonic_regression", raising=False)
    assert isotonic_regression(values).tolist() == expected.tolist()
    np.testing.assert_allclose(expected, [0.05, 0.475, 0.475, 0.875, 0.875], rtol=1e-15)
