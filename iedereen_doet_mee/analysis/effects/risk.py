"""Risk difference, risk ratio and odds ratio of instruments, overall and within band.

Three estimators of the unadjusted effect of instruments on a binary outcome
(``regular_work`` by default), each DataFrame in, :class:`AnalysisResult` out:

* :func:`risk_effects`: risk difference (linear probability model) and risk ratio
  (log-link Poisson model), overall and within every band, with HC2 standard errors,
  and the band interaction on the risk-difference scale;
* :func:`stratified_risk_difference`: the block-weighted (band-size weighted) risk
  difference and its variance;
* :func:`mantel_haenszel`: the Mantel-Haenszel common odds ratio over bands with the
  Robins-Breslow-Greenland interval and the Mantel-Haenszel test.

They are comparisons of arms: causal only when instruments were randomised within
band. :func:`~iedereen_doet_mee.analysis.effects.instrument_effects` picks the
right set for the trial's allocation.

The arithmetic is the package's own, pinned to R (``tests/analysis/test_effects_risk.py``)
and to statsmodels (``tests/analysis/test_effects_libraries.py``): the risk-difference
fits use :func:`~.data.ols_hc2` (see there why not statsmodels' OLS); the risk ratio's
HC2 sandwich is written out because statsmodels' ``GLM`` accepts ``cov_type="HC2"`` but
returns the HC0 sandwich; the block-weighted risk difference is summed band by band
(so that a band lacking an arm drops out and the parts go to ``extras``) and equals
Lin's regression fitted by statsmodels; and the Mantel-Haenszel numbers equal
statsmodels' ``StratifiedTable``, which is not called because one band of one person
makes its test NaN (a division by ``n - 1 = 0``; such bands are left out here, as R
refuses them) and a 0 or infinite common odds ratio comes with division warnings
instead of a stated reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..common import check_level
from ..common import z_value as _z
from ..results import AnalysisResult, NotEstimable, not_estimable_row, tidy_row, tidy_table
from .data import UNADJUSTED_NOTE, BinaryEffectData, binary_effect_data, ols_hc2, wald_row

__all__ = ["mantel_haenszel", "risk_effects", "stratified_risk_difference"]

RD = "risk_difference_hc2"
RR = "risk_ratio_poisson_hc2"
RD_INTERACTION = "risk_difference_interaction_hc2"
BLOCK = "risk_difference_block_weighted"
MH = "odds_ratio_mantel_haenszel"


def _poisson_hc2(x: np.ndarray, y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """HC2 covariance of a log-link Poisson fit with fitted means ``mu`` (as sandwich::vcovHC).

    Bread ``(X'WX)^-1`` with working weights ``W = diag(mu)``, leverages
    ``h_i = mu_i x_i'(X'WX)^-1 x_i``, meat ``sum (y_i - mu_i)^2 / (1 - h_i) x_i x_i'``.
    """
    bread = np.linalg.inv((x * mu[:, None]).T @ x)
    hat = mu * np.einsum("ij,jk,ik->i", x, bread, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        omega = np.where(hat < 1 - 1e-10, (y - mu) ** 2 / (1 - hat), np.nan)
    if np.isnan(omega).any():
        return np.full_like(bread, np.nan)
    return bread @ ((x * omega[:, None]).T @ x) @ bread


def _rd_rr(d: BinaryEffectData, mask: np.ndarray, term: str, level: float,
           log: list[NotEstimable]) -> list[dict[str, Any]]:
    """Risk difference and risk ratio of treated versus control among ``mask``."""
    x1, n1, x0, n0 = d.counts(mask)
    n = n1 + n0
    if n1 == 0 or n0 == 0:
        arm = d.treated if n1 == 0 else d.control
        why = f"no participants in arm {arm!r}"
        return [not_estimable_row(term, estimator=e, n=n, reason=why, log=log) for e in (RD, RR)]
    y, t = d.y[mask], d.t[mask].astype(float)
    x = np.column_stack([np.ones(n), t])
    beta, v = ols_hc2(x, y)
    rows = [wald_row(term, beta[1], math.sqrt(v[1, 1]), estimator=RD, n=n, level=level,
                     log=log)]
    if x1 == 0 or x0 == 0:
        arm = d.treated if x1 == 0 else d.control
        rows.append(not_estimable_row(term, estimator=RR, n=n, log=log, reason=(
            f"no events in arm {arm!r}: the risk ratio is 0 or infinite")))
        return rows
    # the log-link model y ~ t is saturated: its fitted means are the arm shares
    p1, p0 = x1 / n1, x0 / n0
    vr = _poisson_hc2(x, y, np.where(t == 1, p1, p0))
    rows.append(wald_row(term, math.log(p1 / p0), math.sqrt(vr[1, 1]), estimator=RR, n=n,
                         level=level, log=log, exponentiate=True))
    return rows


def _interaction_rd(d: BinaryEffectData, level: float,
                    log: list[NotEstimable]) -> list[dict[str, Any]]:
    """Interaction coefficients of ``y ~ t * band`` (linear probability model, HC2)."""
    both = [k for k in range(len(d.levels)) if d.arms_in_band(k)]
    rows = []
    for k in range(len(d.levels)):
        if k not in both and len(d.levels) > 1:
            term = f"{d.band_term(k)} - {d.band_term(both[0]) if both else 'reference'}"
            rows.append(not_estimable_row(term, estimator=RD_INTERACTION,
                                          n=int((d.band == k).sum()), log=log,
                                          reason=f"band {d.levels[k]!r} lacks an arm"))
    if len(both) < 2:
        return rows
    ref, others = both[0], both[1:]
    mask = np.isin(d.band, both)
    t, band = d.t[mask].astype(float), d.band[mask]
    dummies = [(band == k).astype(float) for k in others]
    x = np.column_stack([np.ones(mask.sum()), t, *dummies, *[t * b for b in dummies]])
    beta, v = ols_hc2(x, d.y[mask])
    for j, k in enumerate(others):
        col = 2 + len(others) + j
        rows.append(wald_row(f"{d.band_term(k)} - {d.band_term(ref)}", beta[col],
                             math.sqrt(v[col, col]), estimator=RD_INTERACTION,
                             n=int(mask.sum()), level=level, log=log))
    return rows


def risk_effects(data: pd.DataFrame, *, outcome: str = "regular_work", stratum: str = "band",
                 arm: str = "instruments", control: str = "no", treated: str = "yes",
                 strata: Sequence[str] | None = None, level: float = 0.95) -> AnalysisResult:
    """Risk difference and risk ratio of ``treated`` versus ``control``, overall and per band.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant, e.g. ``derive_outcomes(trial).frame``.
    outcome, stratum, arm : str
        Columns of the binary outcome, the band and the arm.
    control, treated : str
        Labels of the two arms compared.
    strata : sequence of str, optional
        Band labels in reporting order (default: sorted labels found in ``data``).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    AnalysisResult
        Rows ``risk_difference_hc2`` and ``risk_ratio_poisson_hc2`` for term
        ``"overall"`` and every band (``"band=40-60"``, ...), and
        ``risk_difference_interaction_hc2`` for every band against the first.

    Notes
    -----
    The risk difference is the coefficient of ``t`` in the linear probability model
    ``y ~ 1 + t``; its HC2 variance (MacKinnon & White 1985) equals
    :math:`s_1^2/n_1 + s_0^2/n_0` with :math:`s_a^2 = p_a(1-p_a) n_a/(n_a-1)`. The risk
    ratio is :math:`\\exp(\\beta_1)` of the log-link Poisson model ``y ~ 1 + t`` (Zou 2004)
    with the HC2 sandwich of ``sandwich::vcovHC``; ``std_error`` is on the log scale.
    The interaction is the coefficient of ``t:band`` in ``y ~ t * band`` (HC2), the
    difference between two bands' risk differences. Intervals and tests are Wald
    (normal). Tested against R ``lm``/``glm`` with ``sandwich::vcovHC(type="HC2")``
    in ``tests/analysis/test_effects_risk.py``.

    References
    ----------
    MacKinnon JG, White H (1985). J Econometrics 29:305-325.
    Zou G (2004). A modified Poisson regression approach to prospective studies with
    binary data. Am J Epidemiol 159:702-706.

    Examples
    --------
    >>> frame = pd.DataFrame({"band": ["a"] * 8, "instruments": ["yes", "no"] * 4,
    ...                       "regular_work": [1, 0, 1, 1, 0, 0, 1, 0]})
    >>> row = risk_effects(frame).estimate("overall", "risk_difference_hc2")
    >>> round(float(row["estimate"]), 3), round(float(row["std_error"]), 3)
    (0.5, 0.354)
    """
    kw = dict(outcome=outcome, stratum=stratum, arm=arm, control=control, treated=treated,
              strata=strata)
    level = check_level("risk_effects", level)
    d = binary_effect_data(data, function="risk_effects", **kw)
    log: list[NotEstimable] = []
    rows = _rd_rr(d, np.ones(d.n, dtype=bool), "overall", level, log)
    for k in range(len(d.levels)):
        rows += _rd_rr(d, d.band == k, d.band_term(k), level, log)
    rows += _interaction_rd(d, level, log)
    return AnalysisResult("effects", "Risk difference and risk ratio of instruments",
                          tidy_table(rows), n=d.n, notes=(UNADJUSTED_NOTE, *d.notes),
                          not_estimable=tuple(log), extras={"cells": d.cells()})


def _block_parts(d: BinaryEffectData) -> pd.DataFrame:
    """Per band: size, risk difference and its HC2 variance."""
    rows = []
    for k, level in enumerate(d.levels):
        x1, n1, x0, n0 = d.counts(d.band == k)
        if n1 == 0 or n0 == 0:
            rows.append((level, n1 + n0, math.nan, math.nan))
            continue
        p1, p0 = x1 / n1, x0 / n0
        var = (p1 * (1 - p1) / (n1 - 1) if n1 > 1 else math.nan) + \
              (p0 * (1 - p0) / (n0 - 1) if n0 > 1 else math.nan)
        rows.append((level, n1 + n0, p1 - p0, var))
    parts = pd.DataFrame(rows, columns=[d.stratum, "n", "risk_difference", "variance"])
    usable = parts["risk_difference"].notna()
    parts["weight"] = np.where(usable, parts["n"] / max(parts.loc[usable, "n"].sum(), 1), 0.0)
    return parts


def stratified_risk_difference(data: pd.DataFrame, *, outcome: str = "regular_work",
                               stratum: str = "band", arm: str = "instruments",
                               control: str = "no", treated: str = "yes",
                               strata: Sequence[str] | None = None,
                               level: float = 0.95) -> AnalysisResult:
    """Block-weighted risk difference: band risk differences weighted by band size.

    Parameters are those of :func:`risk_effects`.

    Returns
    -------
    AnalysisResult
        One row ``risk_difference_block_weighted`` (term ``"overall"``); the weights,
        band estimates and variances are in ``extras["blocks"]``.

    Notes
    -----
    :math:`\\hat\\tau = \\sum_b w_b (\\hat p_{1b} - \\hat p_{0b})` with
    :math:`w_b = N_b / N` and :math:`\\widehat{V} = \\sum_b w_b^2 (s_{1b}^2/n_{1b} +
    s_{0b}^2/n_{0b})`, the variance of blocked designs (Gerber & Green 2012, eq.
    3.12) with the HC2 (:math:`n-1`) form of the within-band variances. It equals the
    coefficient of ``t`` and its HC2 variance in ``y ~ t * (band dummies centred at
    their means)`` (Lin 2013), which is how ``tests/reference/effects.R`` computes it.
    Bands without both arms are left out and the weights renormalised (noted).

    References
    ----------
    Gerber AS, Green DP (2012). Field Experiments. Norton, chapter 3.
    Lin W (2013). Agnostic notes on regression adjustments to experimental data.
    Ann Appl Stat 7:295-318.

    Examples
    --------
    >>> frame = pd.DataFrame({"band": ["a"] * 4 + ["b"] * 4,
    ...                       "instruments": ["yes", "no"] * 4,
    ...                       "regular_work": [1, 0, 1, 1, 1, 0, 0, 0]})
    >>> round(float(stratified_risk_difference(frame).table["estimate"].iloc[0]), 3)
    0.5
    """
    kw = dict(outcome=outcome, stratum=stratum, arm=arm, control=control, treated=treated,
              strata=strata)
    level = check_level("stratified_risk_difference", level)
    d = binary_effect_data(data, function="stratified_risk_difference", **kw)
    log: list[NotEstimable] = []
    notes = [UNADJUSTED_NOTE, *d.notes]
    parts = _block_parts(d)
    usable = parts["risk_difference"].notna()
    for level_name in parts.loc[~usable, d.stratum]:
        notes.append(f"Band {level_name!r} lacks an arm: left out of the block-weighted "
                     "risk difference, weights renormalised over the other bands.")
    if not usable.any():
        row = not_estimable_row("overall", estimator=BLOCK, n=d.n, log=log,
                                reason="no band has participants in both arms")
    else:
        w = parts.loc[usable, "weight"].to_numpy()
        estimate = float(w @ parts.loc[usable, "risk_difference"].to_numpy())
        variance = float(w**2 @ parts.loc[usable, "variance"].to_numpy())
        row = wald_row("overall", estimate, math.sqrt(variance), estimator=BLOCK,
                       n=int(parts.loc[usable, "n"].sum()), level=level, log=log)
    return AnalysisResult("effects", "Block-weighted risk difference of instruments",
                          tidy_table([row]), n=d.n, notes=tuple(notes),
                          not_estimable=tuple(log), extras={"blocks": parts})


def mantel_haenszel(data: pd.DataFrame, *, outcome: str = "regular_work",
                    stratum: str = "band", arm: str = "instruments", control: str = "no",
                    treated: str = "yes", strata: Sequence[str] | None = None,
                    correct: bool = True, level: float = 0.95) -> AnalysisResult:
    """Mantel-Haenszel common odds ratio of ``treated`` versus ``control`` over bands.

    Parameters are those of :func:`risk_effects`, and ``correct`` (continuity
    correction of the test, as R's default).

    Returns
    -------
    AnalysisResult
        One row ``odds_ratio_mantel_haenszel`` (term ``"overall"``): the common odds
        ratio, ``std_error`` of its log (Robins-Breslow-Greenland), the Mantel-Haenszel
        chi-square (1 df) in ``statistic`` with its p-value, and the RBG interval.

    Notes
    -----
    Per band, with :math:`a` treated events, :math:`b` treated non-events, :math:`c`
    and :math:`d` the same in control, :math:`n` the band size:
    :math:`\\widehat{OR}_{MH} = \\sum ad/n / \\sum bc/n`; the variance of its log is
    Robins, Breslow & Greenland (1986); the test statistic is
    :math:`(|\\sum a - \\sum E a| - 1/2)^2 / \\sum \\operatorname{Var} a` with
    hypergeometric mean and variance. Bands of fewer than two participants are left
    out (R refuses them). Tested against R ``mantelhaen.test`` in
    ``tests/analysis/test_effects_risk.py``.

    References
    ----------
    Mantel N, Haenszel W (1959). J Natl Cancer Inst 22:719-748.
    Robins J, Breslow N, Greenland S (1986). Biometrics 42:311-323.

    Examples
    --------
    >>> frame = pd.DataFrame({"band": ["a"] * 8 + ["b"] * 8,
    ...                       "instruments": ["yes", "no"] * 8,
    ...                       "regular_work": [1, 0, 1, 1, 0, 0, 1, 0] * 2})
    >>> round(float(mantel_haenszel(frame).table["estimate"].iloc[0]), 3)
    9.0
    """
    kw = dict(outcome=outcome, stratum=stratum, arm=arm, control=control, treated=treated,
              strata=strata)
    level = check_level("mantel_haenszel", level)
    if not isinstance(correct, bool):
        raise ValueError(f"mantel_haenszel: option correct={correct!r} is not allowed; use "
                         "True or False")
    d = binary_effect_data(data, function="mantel_haenszel", **kw)
    log: list[NotEstimable] = []
    notes = [UNADJUSTED_NOTE, *d.notes]
    tables = []
    for k, name in enumerate(d.levels):
        x1, n1, x0, n0 = d.counts(d.band == k)
        if n1 + n0 < 2:
            notes.append(f"Band {name!r} has fewer than two participants: left out of the "
                         "Mantel-Haenszel analysis.")
            continue
        tables.append((x1, n1 - x1, x0, n0 - x0))
    if not tables:
        row = not_estimable_row("overall", estimator=MH, n=d.n, log=log,
                                reason="no band with two or more participants")
        return AnalysisResult("effects", "Mantel-Haenszel odds ratio of instruments",
                              tidy_table([row]), n=d.n, notes=tuple(notes),
                              not_estimable=tuple(log))
    a, b, c, e = (np.asarray(col, dtype=float) for col in zip(*tables, strict=True))
    n = a + b + c + e
    r, s = a * e / n, b * c / n
    big_r, big_s = r.sum(), s.sum()
    expected = (a + b) * (a + c) / n
    var_a = (a + b) * (c + e) * (a + c) * (b + e) / (n**2 * (n - 1))
    delta = a.sum() - expected.sum()
    yates = 0.5 if correct and abs(delta) >= 0.5 else 0.0
    statistic = (abs(delta) - yates) ** 2 / var_a.sum() if var_a.sum() > 0 else math.nan
    p_value = float(stats.chi2.sf(statistic, 1)) if math.isfinite(statistic) else math.nan
    used = int(n.sum())
    if big_r > 0 and big_s > 0:
        p, q = (a + e) / n, (b + c) / n
        var_log = ((p * r).sum() / (2 * big_r**2) + (p * s + q * r).sum() / (2 * big_r * big_s)
                   + (q * s).sum() / (2 * big_s**2))
        estimate, se = big_r / big_s, math.sqrt(var_log)
        half = _z(level) * se
        row = tidy_row("overall", estimate, estimator=MH, n=used, std_error=se,
                       statistic=statistic, p_value=p_value,
                       conf_low=math.exp(math.log(estimate) - half),
                       conf_high=math.exp(math.log(estimate) + half))
    else:
        log.append(NotEstimable("overall", MH, "the common odds ratio is 0 or infinite (no "
                                "discordant products ad or bc); the test still answers"))
        row = tidy_row("overall", math.nan, estimator=MH, n=used, statistic=statistic,
                       p_value=p_value)
    if not math.isfinite(statistic):
        log.append(NotEstimable("overall", MH, "test not defined: no variation within bands"))
    return AnalysisResult("effects", "Mantel-Haenszel odds ratio of instruments",
                          tidy_table([row]), n=d.n, notes=tuple(notes), not_estimable=tuple(log))
