"""Small helpers shared by the analyses: option checks, exact and Wilson intervals, Holm.

One place for each, so every analysis words its errors alike and computes an exact or
Wilson interval or a Holm adjustment the same way. The exact (Clopper-Pearson) interval
is two beta quantiles; the one-sided limits of the target's binomial tests are the same
quantiles (:func:`beta_quantile`). Both are written out rather than taken from
statsmodels: the Wilson interval of an empty cell is missing without a warning (where
``proportion_confint`` divides by zero and ``scipy.stats.binomtest`` raises), and Holm
leaves missing p-values out of the count (``multipletests`` counts them as tests).
``tests/analysis/test_statistics_libraries.py`` pins both to those functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, get_args

import numpy as np
from scipy import stats
from scipy.special import ndtri

__all__ = ["beta_quantile", "check_level", "check_option", "clopper_pearson_interval",
           "holm_p_values", "wilson_interval", "z_value"]


def check_option(function: str, name: str, value: Any, allowed: Any) -> None:
    """Raise a ValueError unless ``value`` is one of the ``Literal`` type ``allowed``.

    Examples
    --------
    >>> from typing import Literal
    >>> check_option("f", "alternative", "up", Literal["two-sided", "greater"])
    Traceback (most recent call last):
    ...
    ValueError: f: option alternative='up' is not allowed; use one of 'two-sided', 'greater'
    """
    choices = get_args(allowed)
    if value not in choices:
        shown = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{function}: option {name}={value!r} is not allowed; "
                         f"use one of {shown}")


def check_level(function: str, level: float) -> float:
    """The confidence level as a float in (0, 1), or a ValueError naming it."""
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise ValueError(f"{function}: option level={level!r} is not allowed; use a "
                         "confidence level between 0 and 1, e.g. 0.95")
    return float(level)


def z_value(level: float) -> float:
    """The normal quantile of a two-sided interval of ``level``."""
    return float(ndtri(0.5 + level / 2))


def beta_quantile(q: float, a: float, b: float, at_edge: float) -> float:
    """``qbeta(q, a, b)``, or ``at_edge`` when a parameter is 0 (x = 0 or x = n)."""
    return at_edge if a <= 0 or b <= 0 else float(stats.beta.ppf(q, a, b))


def clopper_pearson_interval(x: int, n: int, level: float) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval of ``x`` events out of ``n`` at ``level``.

    Equal to statsmodels' ``proportion_confint(x, n, method="beta")`` and R's
    ``binom.test(x, n)$conf.int`` (pinned in ``tests/analysis/test_statistics_libraries.py``);
    0 and 1 exactly at the edges.

    Examples
    --------
    >>> [round(v, 4) for v in clopper_pearson_interval(11, 100, 0.95)]
    [0.0562, 0.1883]
    >>> clopper_pearson_interval(0, 10, 0.95)[0]
    0.0
    """
    alpha = 1 - level
    return (beta_quantile(alpha / 2, x, n - x + 1, 0.0),
            beta_quantile(1 - alpha / 2, x + 1, n - x, 1.0))


def wilson_interval(x: float, n: int, *, z: float) -> tuple[float, float]:
    r"""Wilson score interval of ``x`` successes out of ``n`` (R ``prop.test(correct=FALSE)``).

    :math:`(\hat p + z^2/2n \pm z\sqrt{\hat p(1-\hat p)/n + z^2/4n^2}) / (1 + z^2/n)`
    (Wilson 1927), clipped to [0, 1]; missing for ``n = 0``. Equal to statsmodels'
    ``proportion_confint(x, n, method="wilson")`` and scipy's
    ``binomtest(x, n).proportion_ci(method="wilson")`` for ``n >= 1`` (to 1e-12,
    ``tests/analysis/test_statistics_libraries.py``); kept as a scalar closed form that
    answers an empty cell quietly.

    Examples
    --------
    >>> [round(v, 4) for v in wilson_interval(56, 70, z=1.959963984540054)]
    [0.6918, 0.877]
    """
    if n <= 0:
        return math.nan, math.nan
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def holm_p_values(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's adjusted p-values; missing values stay missing and are not counted (as R).

    statsmodels' ``multipletests(method="holm")`` gives the same numbers on the known
    p-values but counts a missing one as a test, so it is not called here; pinned to it
    and to R's ``p.adjust`` in ``tests/analysis/test_statistics_libraries.py`` and
    ``tests/analysis/test_missing.py``.

    Examples
    --------
    >>> holm_p_values([0.01, 0.04, float("nan"), 0.03]).round(2).tolist()
    [0.03, 0.06, nan, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    known = np.flatnonzero(~np.isnan(p))
    if known.size:
        order = known[np.argsort(p[known], kind="stable")]
        m = order.size
        stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
        out[order] = np.minimum(stepped, 1.0)
    return out
