"""The primary analysis, vectorised over simulated trials.

Every estimator of the primary outcome (regular-work outflow) is a function of the
cell counts, so a whole chunk of simulated trials is analysed with array arithmetic
instead of one model fit per trial. Each function here reproduces the package's own
analysis (:mod:`iedereen_doet_mee.analysis.effects.risk`,
:mod:`~iedereen_doet_mee.analysis.effects.logistic`,
:mod:`~iedereen_doet_mee.analysis.effects.exact`,
:mod:`~iedereen_doet_mee.analysis.target`) to floating-point accuracy; the tests
check that trial by trial, including degenerate trials.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats
from scipy.special import ndtr, ndtri

__all__ = ["FISHER_EXACT_MAX_PARTICIPANTS", "EstimatorDraws", "binomial_rows", "effect_rows",
           "fisher_two_sided", "yates_two_sided"]

#: Participants in a 2 x 2 table up to which simulated trials get Fisher's exact
#: p-value. :func:`fisher_two_sided` evaluates the hypergeometric law over the whole
#: support of every distinct margin, so memory and time grow with the table times the
#: number of distinct margins (minutes, gigabytes at 50,000 per arm); above it the
#: p-value of the chi-square test with Yates' continuity correction, Fisher's test's
#: large-sample equivalent (Yates 1934), stands in. Tables of the planned trial (100)
#: and of the person-level simulation (at most 2,000 participants) stay exact.
FISHER_EXACT_MAX_PARTICIPANTS = 2000

_NO_VARIANCE = ("no variance estimate: no variation in the outcome or an arm of one "
                "person")


@dataclasses.dataclass(frozen=True)
class EstimatorDraws:
    """One estimator's results in every simulated trial of a chunk.

    ``estimate``, ``conf_low`` and ``conf_high`` are NaN for tests without an
    estimate; ``estimable`` is False where the estimator did not answer, with the
    reason in ``reason``.
    """

    key: str
    estimate: np.ndarray
    std_error: np.ndarray
    conf_low: np.ndarray
    conf_high: np.ndarray
    p_value: np.ndarray
    estimable: np.ndarray
    reason: str


def _wald(key: str, estimate: np.ndarray, variance: np.ndarray, z: float,
          reason: str = _NO_VARIANCE) -> EstimatorDraws:
    """Wald interval and two-sided test of 0, as ``analysis.effects_data.wald_row``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(variance)
        ok = np.isfinite(estimate) & np.isfinite(se) & (se > 0)
        se = np.where(ok, se, np.nan)
        p = 2 * ndtr(-np.abs(estimate / se))
    return EstimatorDraws(key, np.where(np.isfinite(estimate), estimate, np.nan), se,
                          estimate - z * se, estimate + z * se, p, ok, reason)


def _arm_variance(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """HC2 variance of an arm's share, ``p(1-p)/(n-1)``; NaN for fewer than two people."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        return np.where(n > 1, p * (1 - p) / (n - 1), np.nan)


def _share(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, x / n, np.nan)


def fisher_two_sided(x1: np.ndarray, n1: np.ndarray, x0: np.ndarray, n0: np.ndarray
                     ) -> np.ndarray:
    """Two-sided p-value of Fisher's exact test for many 2x2 tables at once.

    The same rule as :func:`scipy.stats.fisher_exact`: the probability, under the
    hypergeometric law of the table with its margins fixed, of the tables no more
    likely than the observed one (relative tolerance ``1e-14``); 1 when a margin is 0.
    Each distinct margin is evaluated once.

    Examples
    --------
    >>> from scipy.stats import fisher_exact
    >>> p = fisher_two_sided(np.array([3]), np.array([10]), np.array([8]), np.array([10]))
    >>> bool(np.isclose(p[0], fisher_exact([[3, 7], [8, 2]]).pvalue, rtol=1e-12))
    True
    """
    x1, n1, x0, n0 = (np.asarray(a, dtype=np.int64) for a in (x1, n1, x0, n0))
    m = x1 + x0
    total = n1 + n0
    margins, inverse = np.unique(np.stack([n1.ravel(), total.ravel(), m.ravel()]), axis=1,
                                 return_inverse=True)
    width = int(margins[0].max(initial=0)) + 1
    support = np.arange(width)[None, :]
    n_treated, n_all, events = (margins[k][:, None] for k in range(3))
    pmf = stats.hypergeom.pmf(support, n_all, n_treated, events)
    pmf = np.where(np.isfinite(pmf), pmf, 0.0)
    observed = pmf[inverse.ravel(), x1.ravel()]
    rows = pmf[inverse.ravel()]
    p = np.where(rows <= observed[:, None] * (1 + 1e-14), rows, 0.0).sum(axis=1)
    degenerate = (n1.ravel() == 0) | (n0.ravel() == 0) | (m.ravel() == 0) | \
        (m.ravel() == total.ravel())
    return np.where(degenerate, 1.0, np.minimum(p, 1.0)).reshape(x1.shape)


def yates_two_sided(x1: np.ndarray, n1: np.ndarray, x0: np.ndarray, n0: np.ndarray
                    ) -> np.ndarray:
    """Two-sided p-value of the chi-square test with Yates' correction, many tables at once.

    1 when a margin is 0, as :func:`fisher_two_sided`.

    Examples
    --------
    >>> from scipy.stats import chi2_contingency
    >>> p = yates_two_sided(np.array([300]), np.array([1000]), np.array([250]),
    ...                     np.array([1000]))
    >>> bool(np.isclose(p[0], chi2_contingency([[300, 700], [250, 750]]).pvalue))
    True
    """
    x1, n1, x0, n0 = (np.asarray(a, dtype=float) for a in (x1, n1, x0, n0))
    total, events = n1 + n0, x1 + x0
    cross = np.abs(x1 * (n0 - x0) - x0 * (n1 - x1))
    with np.errstate(invalid="ignore", divide="ignore"):
        statistic = total * np.clip(cross - total / 2, 0, None) ** 2 / (
            n1 * n0 * events * (total - events))
    degenerate = (n1 == 0) | (n0 == 0) | (events == 0) | (events == total)
    return np.where(degenerate, 1.0, stats.chi2.sf(statistic, 1))


def _test(key: str, p: np.ndarray, reason: str = "no p-value") -> EstimatorDraws:
    nan = np.full(p.shape, np.nan)
    return EstimatorDraws(key, nan, nan, nan, nan, p, np.isfinite(p), reason)


def _fisher(key: str, x1: np.ndarray, n1: np.ndarray, x0: np.ndarray, n0: np.ndarray
            ) -> EstimatorDraws:
    """Fisher's test where both arms have participants (as the analysis: else not estimable);
    in tables above FISHER_EXACT_MAX_PARTICIPANTS its normal approximation."""
    large = (n1 + n0) > FISHER_EXACT_MAX_PARTICIPANTS
    p = np.full(np.shape(x1), np.nan)
    if (~large).any():
        p[~large] = fisher_two_sided(x1[~large], n1[~large], x0[~large], n0[~large])
    if large.any():
        p[large] = yates_two_sided(x1[large], n1[large], x0[large], n0[large])
    p = np.where((n1 > 0) & (n0 > 0), p, np.nan)
    return _test(key, p, "no participants in an arm")


def effect_rows(events: np.ndarray, sizes: np.ndarray, *, control: int, treated: int,
                strata: tuple[str, ...], arm_label: str, level: float = 0.95
                ) -> list[EstimatorDraws]:
    """The comparison of two arms in every trial: overall, per band, interaction.

    Parameters
    ----------
    events, sizes : ndarray, shape (trials, strata, arms)
    control, treated : int
        Arm indices.
    strata : tuple of str
        Band labels (for the terms).
    arm_label : str
        The treated arm as logistic-regression terms name it, e.g. ``"instrumentsyes"``.
    level : float
        Confidence level.

    Returns
    -------
    list of EstimatorDraws
        Keys ``"<term>|<estimator>"`` as in the analysis' tidy tables.
    """
    z = float(ndtri(0.5 + level / 2))
    x1, n1 = events[:, :, treated], sizes[:, :, treated]
    x0, n0 = events[:, :, control], sizes[:, :, control]
    out: list[EstimatorDraws] = []
    # block-weighted risk difference over bands with both arms
    usable = (n1 > 0) & (n0 > 0)
    band_n = np.where(usable, n1 + n0, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = band_n / band_n.sum(axis=1, keepdims=True)
        rd_band = _share(x1, n1) - _share(x0, n0)
        var_band = _arm_variance(x1, n1) + _arm_variance(x0, n0)
    estimate = np.where(usable, weight * rd_band, 0.0).sum(axis=1)
    estimate = np.where(usable.any(axis=1), estimate, np.nan)
    variance = np.where(usable, weight**2 * var_band, 0.0)
    variance = np.where(np.isnan(variance).any(axis=1), np.nan, variance.sum(axis=1))
    out.append(_wald("overall|risk_difference_block_weighted", estimate, variance, z))
    # pooled risk difference and Fisher's test
    tx1, tn1, tx0, tn0 = x1.sum(1), n1.sum(1), x0.sum(1), n0.sum(1)
    out.append(_wald("overall|risk_difference_hc2", _share(tx1, tn1) - _share(tx0, tn0),
                     _arm_variance(tx1, tn1) + _arm_variance(tx0, tn0), z))
    out.append(_fisher("pooled|fisher_exact_two_sided", tx1, tn1, tx0, tn0))
    for b, name in enumerate(strata):
        out.append(_wald(f"band={name}|risk_difference_hc2", rd_band[:, b], var_band[:, b], z))
        out.append(_fisher(f"band={name}|fisher_exact_two_sided", x1[:, b], n1[:, b],
                           x0[:, b], n0[:, b]))
    if len(strata) == 2:
        first, second = strata
        out.append(_wald(f"band={second} - band={first}|risk_difference_interaction_hc2",
                         rd_band[:, 1] - rd_band[:, 0], var_band.sum(axis=1), z))
        # saturated logistic model: the interaction is the difference of the bands'
        # log odds ratios, with Wald variance sum(1/x + 1/(n-x)) over the four cells
        cells = np.stack([x1, n1 - x1, x0, n0 - x0], axis=-1)
        separated = (cells == 0).any(axis=(1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            log_or = np.log(x1) - np.log(n1 - x1) - np.log(x0) + np.log(n0 - x0)
            estimate = np.where(separated, np.nan, log_or[:, 1] - log_or[:, 0])
            variance = np.where(separated, np.nan, (1.0 / cells).sum(axis=(1, 2)))
        out.append(_wald(f"{arm_label}:band{second}|logit_coefficient", estimate, variance, z,
                         reason="a cell has no events or only events (separation)"))
    return out


def binomial_rows(events: np.ndarray, sizes: np.ndarray, *, target: float | None,
                  level: float = 0.95) -> list[EstimatorDraws]:
    """Outflow of all cells against the target: Clopper-Pearson share, one-sided tests
    (the share only when ``target`` is None: the design declares no target).

    Examples
    --------
    >>> rows = binomial_rows(np.array([[[20, 25]]]), np.array([[[50, 50]]]), target=0.4)
    >>> [r.key for r in rows][:2]
    ['overall|proportion_clopper_pearson', 'overall|binomial_exact_one_sided_target_met']
    >>> round(float(rows[1].p_value[0]), 4)
    0.1789
    """
    x = events.sum(axis=(1, 2))
    n = sizes.sum(axis=(1, 2))
    alpha = 1 - level
    share = _share(x, n)
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        high = np.where(x < n, stats.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
    ok = n > 0
    nan = np.full(x.shape, np.nan)
    share_row = EstimatorDraws("overall|proportion_clopper_pearson", share,
                               np.sqrt(share * (1 - share) / np.where(ok, n, 1)),
                               np.where(ok, low, np.nan), np.where(ok, high, np.nan), nan,
                               ok, "no participants")
    if target is None:
        return [share_row]
    met = np.where(ok, stats.binom.sf(x - 1, n, target), np.nan)
    missed = np.where(ok, stats.binom.cdf(x, n, target), np.nan)
    return [share_row,
            _test("overall|binomial_exact_one_sided_target_met", met, "no participants"),
            _test("overall|binomial_exact_one_sided_target_missed", missed, "no participants")]
