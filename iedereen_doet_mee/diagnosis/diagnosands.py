"""Diagnosands and their Monte Carlo standard errors, from running sums.

A chunk of simulated trials is reduced to a few sums per estimator
(:func:`chunk_sums`); sums of chunks add up in chunk order, so the result does not
depend on how the chunks were spread over processes or machines, and memory stays
bounded however many trials are simulated. :func:`diagnosands` turns the totals
into the diagnosands with their Monte Carlo standard errors.

Definitions, over the simulated trials in which the estimator answered (``k``):

============== ======================================== ==============================
diagnosand     definition                               Monte Carlo standard error
============== ======================================== ==============================
mean_estimate  mean of the estimates                    sd / sqrt(k)
mean_estimand  mean of the estimand                     0 (a fixed population value)
bias           mean(estimate - estimand)                sd(error) / sqrt(k)
rmse           sqrt(mean((estimate - estimand)^2))      sd(error^2) / (2 rmse sqrt(k))
power          share with p-value <= alpha              sqrt(power (1 - power) / k)
coverage       share of intervals holding the estimand  sqrt(c (1 - c) / k)
type_s_rate    share of significant estimates with the  sqrt(s (1 - s) / k_significant)
               wrong sign (Gelman & Carlin 2014)
mean_ci_width  mean of conf_high - conf_low             sd / sqrt(k)
============== ======================================== ==============================

The RMSE's standard error is the delta method applied to the mean squared error.
"""

from __future__ import annotations

import math

import numpy as np

from .estimators import EstimatorDraws

__all__ = ["DENOMINATORS", "DIAGNOSANDS", "SUMS", "chunk_sums", "diagnosands"]

#: Running sums kept per estimator, in this order.
SUMS = ("trials", "estimable", "with_estimate", "sum_estimate", "sum_estimate2", "sum_error",
        "sum_error2", "sum_error4", "with_p", "significant", "with_interval", "covered",
        "sum_width", "sum_width2", "significant_signed", "wrong_sign")

DIAGNOSANDS = ("mean_estimate", "mean_estimand", "bias", "rmse", "power", "coverage",
               "type_s_rate", "mean_ci_width")

#: The running sum that counts the simulated trials each diagnosand is taken over
#: (``k`` of the table above; the estimand, a fixed value, over every simulated trial).
DENOMINATORS = {"mean_estimate": "with_estimate", "mean_estimand": "trials",
                "bias": "with_estimate", "rmse": "with_estimate", "power": "with_p",
                "coverage": "with_interval", "type_s_rate": "significant_signed",
                "mean_ci_width": "with_interval"}


def chunk_sums(draws: EstimatorDraws, estimand: float, alpha: float) -> np.ndarray:
    """The running sums of one estimator over one chunk of simulated trials.

    Examples
    --------
    >>> d = EstimatorDraws("x", np.array([0.1, 0.3]), np.array([0.1, 0.1]),
    ...                    np.array([-0.1, 0.1]), np.array([0.3, 0.5]),
    ...                    np.array([0.3, 0.01]), np.array([True, True]), "")
    >>> dict(zip(SUMS, chunk_sums(d, 0.2, 0.05).tolist()))["covered"]
    2.0
    """
    ok = draws.estimable
    est = draws.estimate[ok]
    has_est = np.isfinite(est)
    e = est[has_est]
    err = e - estimand
    p = draws.p_value[ok]
    has_p = np.isfinite(p)
    significant = has_p & (p <= alpha)
    low, high = draws.conf_low[ok], draws.conf_high[ok]
    has_ci = np.isfinite(low) & np.isfinite(high)
    width = (high - low)[has_ci]
    covered = has_ci & (low <= estimand) & (estimand <= high)
    signed = significant & has_est & (estimand != 0)
    wrong = signed & (np.sign(np.where(has_est, est, 0.0)) != np.sign(estimand))
    return np.array([
        ok.size, ok.sum(), has_est.sum(), e.sum(), (e * e).sum(), err.sum(), (err**2).sum(),
        (err**4).sum(), has_p.sum(), significant.sum(), has_ci.sum(), covered.sum(),
        width.sum(), (width * width).sum(), signed.sum(), wrong.sum(),
    ], dtype=float)


def _mean_se(total: float, total2: float, k: float) -> tuple[float, float]:
    if k <= 0:
        return math.nan, math.nan
    mean = total / k
    var = max(total2 / k - mean * mean, 0.0) * k / (k - 1) if k > 1 else math.nan
    return mean, math.sqrt(var / k) if k > 1 else math.nan


def _share_se(x: float, k: float) -> tuple[float, float]:
    if k <= 0:
        return math.nan, math.nan
    share = x / k
    return share, math.sqrt(share * (1 - share) / k)


def diagnosands(sums: np.ndarray, estimand: float) -> dict[str, tuple[float, float]]:
    """Each diagnosand as ``(value, Monte Carlo standard error)``; NaN when undefined.

    Examples
    --------
    >>> d = EstimatorDraws("x", np.array([0.1, 0.3]), np.array([0.1, 0.1]),
    ...                    np.array([-0.1, 0.1]), np.array([0.3, 0.5]),
    ...                    np.array([0.3, 0.01]), np.array([True, True]), "")
    >>> out = diagnosands(chunk_sums(d, 0.2, 0.05), 0.2)
    >>> [round(v, 3) + 0.0 for v in out["bias"]], out["power"][0]
    ([0.0, 0.1], 0.5)
    """
    s = dict(zip(SUMS, sums.tolist(), strict=True))
    k = s["with_estimate"]
    mean, mean_se = _mean_se(s["sum_estimate"], s["sum_estimate2"], k)
    bias, bias_se = _mean_se(s["sum_error"], s["sum_error2"], k)
    mse, mse_se = _mean_se(s["sum_error2"], s["sum_error4"], k)
    rmse = math.sqrt(mse) if k > 0 else math.nan
    rmse_se = mse_se / (2 * rmse) if k > 1 and rmse > 0 else math.nan
    width, width_se = _mean_se(s["sum_width"], s["sum_width2"], s["with_interval"])
    return {
        "mean_estimate": (mean, mean_se),
        "mean_estimand": (estimand, 0.0) if math.isfinite(estimand) else (math.nan, math.nan),
        "bias": (bias, bias_se),
        "rmse": (rmse, rmse_se),
        "power": _share_se(s["significant"], s["with_p"]),
        "coverage": _share_se(s["covered"], s["with_interval"]),
        "type_s_rate": _share_se(s["wrong_sign"], s["significant_signed"]),
        "mean_ci_width": (width, width_se),
    }
