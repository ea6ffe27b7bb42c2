"""Curve estimators for time-to-event data: Kaplan-Meier and Aalen-Johansen.

Shared by the time-to-work analysis (:mod:`.survival`) and the target analysis
(:mod:`.target`), with the input preparation and grouping both use. Times are in
days; :data:`DAYS_PER_MONTH` converts to months.

Both curves are written out because statsmodels lacks what the reports show:
``SurvfuncRight`` gives the Kaplan-Meier curve and its Greenwood standard error at the
event times only, without pointwise (log-log) intervals or rows at censoring times, and
``CumIncidenceRight`` has another variance than Gray's (R ``cmprsk``; up to 16% apart
on ``mgus2``). Their estimates and standard errors are pinned to those two functions
in ``tests/analysis/test_statistics_libraries.py`` (the cumulative incidence's
estimate only) and everything to R in ``tests/analysis/test_survival.py``.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..dates import DAYS_PER_MONTH
from .common import check_option

__all__ = ["DAYS_PER_MONTH", "ConfType", "cumulative_incidence", "groups", "kaplan_meier",
           "median_time", "prepare", "survival_at"]

ConfType = Literal["log-log", "plain"]


def prepare(data: pd.DataFrame, columns: dict[str, str], caller: str) -> pd.DataFrame:
    """Standard frame with ``band, arm, event`` (str) and ``time`` (float days)."""
    absent = [c for c in columns.values() if c not in data.columns]
    if absent:
        raise ValueError(f"{caller}: column(s) {absent} not in the data; it has "
                         f"{list(data.columns)}")
    frame = pd.DataFrame({key: data[col].to_numpy() for key, col in columns.items()})
    for key, col in columns.items():
        if frame[key].isna().any():
            raise ValueError(f"{caller}: column {col!r} has {int(frame[key].isna().sum())} "
                             "missing value(s); every row needs a value")
    for key in ("band", "arm", "event"):
        frame[key] = frame[key].astype(str)
    frame["time"] = pd.to_numeric(frame["time"], errors="raise").astype(float)
    if (frame["time"] < 0).any() or not np.isfinite(frame["time"]).all():
        raise ValueError(f"{caller}: column {columns['time']!r} must hold finite times >= 0")
    return frame


def groups(frame: pd.DataFrame, band: str, arm: str, *, arms: bool) -> list[tuple[str, np.ndarray]]:
    """``overall``, each band, (each arm), each band x arm cell, as (term, mask)."""
    bands, levels = sorted(frame["band"].unique()), sorted(frame["arm"].unique())
    out = [("overall", np.ones(len(frame), dtype=bool))]
    out += [(f"{band}={b}", (frame["band"] == b).to_numpy()) for b in bands]
    if arms:
        out += [(f"{arm}={a}", (frame["arm"] == a).to_numpy()) for a in levels]
    out += [(f"{band}={b}:{arm}={a}", ((frame["band"] == b) & (frame["arm"] == a)).to_numpy())
            for b in bands for a in levels]
    return out


def _loglog(p: np.ndarray, se_log: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """R's log-log interval ``p ** exp(+-z se / log p)``; missing when p is 0 or 1."""
    with np.errstate(all="ignore"):
        log_p = np.log(p)
        shift = z * se_log / log_p
        a = np.exp(-np.exp(np.log(-log_p) + shift))
        b = np.exp(-np.exp(np.log(-log_p) - shift))
    inside = (p > 0) & (p < 1) & np.isfinite(se_log)
    return np.where(inside, np.minimum(a, b), np.nan), np.where(inside, np.maximum(a, b), np.nan)


def kaplan_meier(time: np.ndarray, event: np.ndarray, *, level: float = 0.95,
                 conf_type: ConfType = "log-log") -> pd.DataFrame:
    """Kaplan-Meier survival curve with Greenwood standard errors, as R's ``survfit``.

    Parameters
    ----------
    time : array of float
        Time to event or censoring.
    event : array of bool
        True for the event of interest, False for censoring (competing exits too).
    level : float
        Level of the pointwise intervals.
    conf_type : {"log-log", "plain"}
        Interval type, as ``conf.type`` in R's ``survfit``.

    Returns
    -------
    pandas.DataFrame
        One row per distinct time: ``time, n_risk, n_event, n_censor, survival,
        std_error`` (of S), ``std_error_log`` (of log S, R's ``std.err``),
        ``conf_low, conf_high``.

    Notes
    -----
    :math:`S(t)=\\prod_{t_j\\le t}(1-d_j/n_j)`; Greenwood:
    :math:`\\mathrm{se}\\{\\log S(t)\\}^2=\\sum_{t_j\\le t} d_j/\\{n_j(n_j-d_j)\\}`.
    Log-log interval :math:`S^{\\exp(\\pm z\\,\\mathrm{se}/\\log S)}` (Kalbfleisch and
    Prentice 2002, sec. 1.3), missing where S is 0 or 1, as in R.

    Examples
    --------
    >>> kaplan_meier([1, 2, 2, 3], [True, True, False, False])["survival"].round(3).tolist()
    [0.75, 0.5, 0.5]
    """
    check_option("kaplan_meier", "conf_type", conf_type, ConfType)
    time, event = np.asarray(time, dtype=float), np.asarray(event, dtype=bool)
    times, inverse = np.unique(time, return_inverse=True)
    n_event = np.bincount(inverse, weights=event, minlength=len(times))
    n_all = np.bincount(inverse, minlength=len(times)).astype(float)
    n_risk = n_all[::-1].cumsum()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - n_event / n_risk)
        greenwood = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event)), 0.0)
        se_log = np.where(surv > 0, np.sqrt(np.cumsum(greenwood)), np.nan)
        se = surv * se_log
    z = stats.norm.ppf(0.5 + level / 2)
    if conf_type == "log-log":
        low, high = _loglog(surv, se_log, z)
    else:
        low = np.where(np.isfinite(se), np.maximum(surv - z * se, 0.0), np.nan)
        high = np.where(np.isfinite(se), np.minimum(surv + z * se, 1.0), np.nan)
    return pd.DataFrame({"time": times, "n_risk": n_risk.astype(np.int64),
                         "n_event": n_event.astype(np.int64),
                         "n_censor": (n_all - n_event).astype(np.int64), "survival": surv,
                         "std_error": se, "std_error_log": se_log, "conf_low": low,
                         "conf_high": high})


def survival_at(curve: pd.DataFrame, t: float) -> dict[str, float]:
    """The row of a :func:`kaplan_meier` curve in force at time ``t`` (right-continuous)."""
    i = int(np.searchsorted(curve["time"].to_numpy(), t, side="right")) - 1
    if i < 0:
        return {"survival": 1.0, "std_error": 0.0, "conf_low": math.nan, "conf_high": math.nan}
    row = curve.iloc[i]
    return {k: float(row[k]) for k in ("survival", "std_error", "conf_low", "conf_high")}


def median_time(curve: pd.DataFrame) -> tuple[float, float, float]:
    """Median of a :func:`kaplan_meier` curve and the limits of its interval.

    The median is the first time the curve is at or below 0.5; the interval's limits are
    the first times its lower and its upper pointwise band are (Brookmeyer and Crowley
    1982, with the band of the curve), as lifelines' ``median_survival_time_`` and
    ``median_survival_times(confidence_interval_)`` (pinned in
    ``tests/analysis/test_chain.py``). Missing (NaN) where that never happens within
    follow-up: the median or the upper limit is "not reached". R's ``survfit`` differs
    only when the curve is exactly 0.5 over an interval (it takes the midpoint).

    Examples
    --------
    >>> median_time(kaplan_meier([5, 5, 5, 10, 10], [True, True, True, True, False]))
    (5.0, 5.0, nan)
    """
    times = curve["time"].to_numpy(dtype=float)
    survival = curve["survival"].to_numpy(dtype=float)
    # the band is missing where the curve is 1 or 0: there it is the curve itself
    low = np.where(np.isnan(curve["conf_low"]), survival, curve["conf_low"])
    high = np.where(np.isnan(curve["conf_high"]), survival, curve["conf_high"])

    def first(values: np.ndarray) -> float:
        below = np.flatnonzero(values <= 0.5)
        return float(times[below[0]]) if below.size else math.nan

    return first(survival), first(low), first(high)


def cumulative_incidence(time: np.ndarray, cause: np.ndarray, *,
                         level: float = 0.95) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of cause 1 with Gray's variance (R ``cmprsk``).

    Parameters
    ----------
    time : array of float
    cause : array of int
        1 the event of interest, 2 a competing event, 0 censored.
    level : float

    Returns
    -------
    pandas.DataFrame
        One row per distinct time: ``time, n_risk, n_event, n_competing, n_censor,
        estimate, std_error, conf_low, conf_high``.

    Notes
    -----
    :math:`F(t)=\\sum_{t_j\\le t}\\hat S(t_j-)\\,d_{1j}/n_j` with :math:`\\hat S` the
    Kaplan-Meier curve of any exit. The variance is the one of ``cmprsk::cuminc``
    (Gray's Fortran routine ``cinc``, after Aalen 1978), updated at cause-1 times.
    Interval: log-log transform of F, as for Kaplan-Meier.

    Examples
    --------
    >>> cif = cumulative_incidence([1, 2, 3, 4], [1, 2, 1, 0])
    >>> cif["estimate"].round(3).tolist()
    [0.25, 0.25, 0.5, 0.5]
    """
    time, cause = np.asarray(time, dtype=float), np.asarray(cause, dtype=int)
    times, inverse = np.unique(time, return_inverse=True)
    d1 = np.bincount(inverse, weights=cause == 1, minlength=len(times))
    d2 = np.bincount(inverse, weights=cause == 2, minlength=len(times))
    n_all = np.bincount(inverse, minlength=len(times)).astype(float)
    n_risk = n_all[::-1].cumsum()[::-1]
    est, var = np.zeros(len(times)), np.zeros(len(times))
    fk, f, v1, v2, v3, v = 1.0, 0.0, 0.0, 0.0, 0.0, 0.0
    for j, (rs, n1, n2) in enumerate(zip(n_risk, d1, d2, strict=True)):
        if n1 + n2 > 0:
            fkn = fk * (rs - n1 - n2) / rs
            f += fk * n1 / rs
            for nd, competing in ((n2, True), (n1, False)):
                if nd <= 0 or (competing and fkn <= 0):
                    continue
                t6 = fk * fk * (1 - (nd - 1) / (rs - 1) if nd > 1 else 1.0) * nd / rs**2
                t3 = 1 / fkn if fkn > 0 else 0.0
                t4 = f * t3 if competing else 1 + t3 * f
                v1, v2, v3 = v1 + t4 * t4 * t6, v2 + t3 * t4 * t6, v3 + t3 * t3 * t6
            if n1 > 0:
                v = v1 + f * f * v3 - 2 * f * v2
            fk = fkn
        est[j], var[j] = f, v
    se = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = _loglog(est, se / est, stats.norm.ppf(0.5 + level / 2))
    return pd.DataFrame({"time": times, "n_risk": n_risk.astype(np.int64),
                         "n_event": d1.astype(np.int64), "n_competing": d2.astype(np.int64),
                         "n_censor": (n_all - d1 - d2).astype(np.int64), "estimate": est,
                         "std_error": se, "conf_low": low, "conf_high": high})
