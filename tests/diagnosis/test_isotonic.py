"""The pool-adjacent-violators fallback (scipy < 1.12) against an exact hand computation
and, where scipy has it, against scipy.optimize.isotonic_regression."""

from __future__ import annotations

import numpy as np
import pytest
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


def test_pool_adjacent_violators_agrees_with_scipy():
    scipy_fit = getattr(optimize, "isotonic_regression", None)
    if scipy_fit is None:
        pytest.skip("scipy < 1.12 has no optimize.isotonic_regression to compare with")
    rng = np.random.default_rng(20140701)
    for size in (1, 2, 3, 5, 8, 21, 100):
        for _ in range(50):
            values = np.sort(rng.uniform(size=size)) + rng.normal(scale=0.2, size=size)
            np.testing.assert_allclose(pool_adjacent_violators(values),
                                       scipy_fit(values).x, rtol=1e-14, atol=1e-15)


def test_isotonic_regression_uses_the_fallback_without_scipys(monkeypatch):
    values = np.array([0.05, 0.5, 0.45, 0.9, 0.85])
    expected = pool_adjacent_violators(values)
    monkeypatch.delattr(isotonic.optimize, "isotonic_regression", raising=False)
    assert isotonic_regression(values).tolist() == expected.tolist()
    np.testing.assert_allclose(expected, [0.05, 0.475, 0.475, 0.875, 0.875], rtol=1e-15)
