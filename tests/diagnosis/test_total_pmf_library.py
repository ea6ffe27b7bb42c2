"""The exact power's law of the total outflow against scipy's Poisson binomial distribution.

:func:`~iedereen_doet_mee.diagnosis.design_grid.closed_form_power` convolves the cells'
binomial laws (by FFT from 2,000 participants); scipy has the same law as
``scipy.stats.poisson_binom`` (one success probability per participant) only in
versions newer than the package's lower bound, so the test is skipped where it is absent.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from iedereen_doet_mee.diagnosis.design_grid import FFT_CONVOLUTION_MIN_PARTICIPANTS, _total_pmf

SHARES = np.array([[0.10, 0.20], [0.30, 0.45]])


@pytest.mark.skipif(not hasattr(stats, "poisson_binom"), reason="scipy without poisson_binom")
@pytest.mark.parametrize("per_cell", [25, 7, FFT_CONVOLUTION_MIN_PARTICIPANTS // 4 + 100])
def test_total_pmf_equals_scipy_poisson_binom(per_cell):
    sizes = np.array([[per_cell, per_cell + 3], [per_cell - 2, per_cell]])
    ours = _total_pmf(sizes, SHARES)
    probabilities = np.repeat(SHARES.ravel(), sizes.ravel())
    theirs = stats.poisson_binom.pmf(np.arange(sizes.sum() + 1), probabilities)
    assert ours.size == sizes.sum() + 1
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-15)
