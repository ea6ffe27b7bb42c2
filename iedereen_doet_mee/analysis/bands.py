"""Simultaneous confidence bands for a Kaplan-Meier curve (equal precision, log-log).

Pointwise intervals cover the curve at one time each; a simultaneous band covers the
whole curve between two times with the stated probability. The equal-precision band
of Nair (1984) on the log-log scale (Borgan and Liestol 1990) is

.. math:: S(t)^{\\exp(\\pm c_\\alpha(a_L, a_U)\\, \\sigma(t) / \\log S(t))},
   \\qquad t_L \\le t \\le t_U,

with :math:`\\sigma^2(t)=\\sum_{t_j\\le t} d_j/\\{n_j(n_j-d_j)\\}` (Greenwood, log scale),
:math:`a(t) = n\\sigma^2(t)/\\{1+n\\sigma^2(t)\\}` and :math:`c_\\alpha(a_L, a_U)` the
:math:`1-\\alpha` quantile of :math:`\\sup_{a_L\\le x\\le a_U}|W^0(x)|/\\sqrt{x(1-x)}`
for a Brownian bridge :math:`W^0` (Klein and Moeschberger 2003, section 4.4).

The critical value is computed, not looked up: with :math:`x = 1/(1+e^{-2s})` the
standardised bridge is a stationary Ornstein-Uhlenbeck process with covariance
:math:`e^{-|s-s'|}`; the probability that it stays within :math:`\\pm c` over an
interval of length :math:`L = s_U - s_L` is obtained by propagating its density with
the exact Gaussian transition over small steps, with the Broadie-Glasserman-Kou
continuity correction for discrete monitoring, and :math:`c` by bisection.

No library used here has this band: statsmodels' ``SurvfuncRight.simultaneous_cb``
offers only the Hall-Wellner band (``method="hw"``), scipy none. The critical value is
checked against simulated Brownian bridges and the band's coverage against simulated
curves (``tests/analysis/test_bands.py``), the curve itself against statsmodels and R
(:mod:`.curves`).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = ["equal_precision_band", "equal_precision_critical_value"]

_STEP = 0.01  # largest time step of the OU propagation (in s units)
_MIN_STEPS = 10  # at least this many monitoring steps, however short the interval
_GRID = 0.04  # largest spacing of the state grid (at most 0.4 of a step's SD)
_BGK = 0.5826  # Broadie-Glasserman-Kou constant, -zeta(1/2) / sqrt(2 pi)
_KNOT = 0.05  # spacing of the cached critical values in sqrt(interval length)


def _stay_probability(c: float, length: float) -> float:
    """P(|U(s)| < c for all s in [0, length]) for the stationary OU process."""
    if length < 1e-6:  # one point: the supremum is the value there
        return float(2 * stats.norm.cdf(c) - 1)
    steps = max(_MIN_STEPS, math.ceil(length / _STEP))
    delta = length / steps
    sigma = math.sqrt(-math.expm1(-2 * delta))
    barrier = c - _BGK * math.sqrt(2 * delta)  # discrete monitoring of a continuous barrier
    if barrier <= 0:
        return 0.0
    m = max(50, math.ceil(2 * barrier / min(_GRID, sigma / 2.5)))
    h = 2 * barrier / m
    grid = -barrier + h * (np.arange(m) + 0.5)
    kernel = stats.norm.pdf((grid[None, :] - math.exp(-delta) * grid[:, None]) / sigma) * h / sigma
    start = stats.norm.pdf(grid) * h
    density = start
    for _ in range(steps):  # vector times matrix: m^2 work a step, not m^3 for a power
        density = density @ kernel
    return float(density.sum())


def equal_precision_critical_value(a_low: float, a_high: float, *,
                                   level: float = 0.95) -> float:
    """Critical value :math:`c_\\alpha(a_L, a_U)` of the equal-precision band.

    Parameters
    ----------
    a_low, a_high : float
        The band's range on the bridge scale, ``0 < a_low < a_high < 1``.
    level : float
        Simultaneous coverage, ``1 - alpha``.

    Examples
    --------
    >>> round(equal_precision_critical_value(0.5, 0.5 + 1e-12), 2)  # one point: z
    1.96
    >>> round(equal_precision_critical_value(0.1, 0.9), 2)
    3.05
    """
    if not 0 < a_low <= a_high < 1:
        raise ValueError(f"equal_precision_critical_value: need 0 < a_low <= a_high < 1, got "
                         f"{a_low!r}, {a_high!r}")
    length = 0.5 * (math.log(a_high / (1 - a_high)) - math.log(a_low / (1 - a_low)))
    # c grows smoothly with the square root of the length (like sqrt near 0, where the
    # process is rough): interpolate linearly in sqrt(length) between cached knots
    knot, weight = divmod(math.sqrt(length) / _KNOT, 1.0)
    c0 = _critical_value(round((knot * _KNOT) ** 2, 9), float(level))
    if weight < 1e-9:
        return c0
    c1 = _critical_value(round(((knot + 1) * _KNOT) ** 2, 9), float(level))
    return c0 + weight * (c1 - c0)


@functools.lru_cache(maxsize=1024)
def _critical_value(length: float, level: float) -> float:
    """Root of P(stay within +-c over ``length``) = level, to 1e-4."""
    low = float(stats.norm.ppf(0.5 + level / 2)) - 0.05
    return float(optimize.brentq(lambda c: _stay_probability(c, length) - level,
                                 low, 8.0, xtol=1e-4))


def equal_precision_band(curve: pd.DataFrame, n: int, *, level: float = 0.95,
                         t_low: float | None = None, t_high: float | None = None,
                         min_events: int = 5) -> pd.DataFrame:
    """Add a simultaneous log-log equal-precision band to a Kaplan-Meier curve.

    Parameters
    ----------
    curve : pandas.DataFrame
        A curve from :func:`~iedereen_doet_mee.analysis.curves.kaplan_meier` (columns
        ``time, n_event, survival, std_error_log``).
    n : int
        Number of people the curve starts with.
    level : float
        Simultaneous coverage over ``[t_low, t_high]``.
    t_low, t_high : float, optional
        Range of the band; default from the time of the ``min_events``-th event to
        the last event time at which ``0 < S < 1``.
    min_events : int
        The band starts no earlier than this many events: before a few events the
        large-sample band undercovers (simulated coverage with n = 100-200: 0.86 from
        the first event, 0.93-0.94 from the fifth; ``tests/analysis/test_bands.py``).
        With fewer events there is no band.

    Returns
    -------
    pandas.DataFrame
        The curve with ``band_low`` and ``band_high`` (missing outside the range) and
        the critical value in ``band_critical_value``.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis.curves import kaplan_meier
    >>> rng = np.random.default_rng(1)
    >>> curve = kaplan_meier(rng.exponential(10, 80), rng.random(80) < 0.8)
    >>> banded = equal_precision_band(curve, 80)
    >>> inside = banded["band_low"].notna()
    >>> bool((banded.loc[inside, "band_low"] <= banded.loc[inside, "conf_low"]).all())
    True
    """
    out = curve.copy()
    out["band_low"] = np.nan
    out["band_high"] = np.nan
    out["band_critical_value"] = np.nan
    s = out["survival"].to_numpy()
    var = out["std_error_log"].to_numpy() ** 2
    usable = (out["n_event"].to_numpy() > 0) & (s > 0) & (s < 1) & np.isfinite(var) & (var > 0)
    events = np.cumsum(out["n_event"].to_numpy())
    usable &= events >= min_events
    if t_low is not None:
        usable &= out["time"].to_numpy() >= t_low
    if t_high is not None:
        usable &= out["time"].to_numpy() <= t_high
    if usable.sum() < 1 or n < 2:
        return out
    first, last = np.flatnonzero(usable)[[0, -1]]
    inside = np.zeros(len(out), dtype=bool)
    inside[first:last + 1] = True
    inside &= (s > 0) & (s < 1) & np.isfinite(var) & (var > 0)
    a = n * var / (1 + n * var)
    c = equal_precision_critical_value(float(a[first]), float(a[last]), level=level)
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = c * np.sqrt(var) / np.log(s)
        one = s ** np.exp(shift)
        two = s ** np.exp(-shift)
    out.loc[inside, "band_low"] = np.minimum(one, two)[inside]
    out.loc[inside, "band_high"] = np.maximum(one, two)[inside]
    out["band_critical_value"] = c
    return out
