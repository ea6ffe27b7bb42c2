"""Covariate-adjusted effects of instruments for a trial whose arms were assigned.

When caseworkers divided people over the arms (the default design's allocation
``"assigned"``) the arms differ at baseline, so an unadjusted comparison is no effect.
:func:`adjusted_effects` gives two non-experimental estimators that adjust for band
and baseline covariates:

* g-computation (regression adjustment): a logistic outcome model
  ``y ~ arm * band + covariates`` averaged over the participants with the arm set to
  each value (:func:`~iedereen_doet_mee.analysis.effects.logistic.logit_rows`);
* inverse probability weighting: a logistic propensity model within every band and
  Hajek-weighted arm shares, with a sandwich variance that accounts for estimating
  the propensity.

Both are causal only if the covariates capture every reason why a person was given
instruments that also bears on the outcome; every estimator name ends in
``_adjusted`` or ``_ipw`` and the notes say so.

:func:`ipw_band` writes out the sandwich of the stacked estimating equations instead
of calling statsmodels' ``TreatmentEffect.ipw``, which gives the same shares and
standard errors (to 1e-6, its GMM being solved numerically;
``tests/analysis/test_effects_libraries.py``) but fails with a singular matrix when
an arm of a band has no events, a common case in cells of 25, and needs a propensity
fit that does not separate (see :func:`~.logistic.fit_logit`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.special import expit

from ..common import check_level, check_option
from ..results import AnalysisResult, NotEstimable, not_estimable_row, tidy_table
from .data import BinaryEffectData, binary_effect_data
from .data import wald_row as _wald
from .logistic import fit_logit, logit_rows

__all__ = ["DEFAULT_COVARIATES", "AdjustmentMethod", "IpwBand", "adjusted_effects", "ipw_band"]

#: Baseline covariates used when present (``ladder_intake`` of the outcomes frame
#: stands in for ``ladder_rung_intake`` when only it is present).
DEFAULT_COVARIATES: tuple[str, ...] = ("wage_value_estimate", "ladder_rung_intake", "age",
                                       "months_on_benefit")
AdjustmentMethod = Literal["both", "gcomputation", "ipw"]
NON_EXPERIMENTAL = (
    "Non-experimental comparison: instruments were assigned, not randomised. These "
    "estimates adjust for band and {covariates}; they are causal effects only if no "
    "other reason for giving instruments bears on the outcome (no unmeasured "
    "confounding) and everyone could have got either arm (positivity).")


def _covariates(d: BinaryEffectData, covariates: Sequence[str] | None,
                function: str) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Numeric covariate matrix (dummies for categories), names, complete rows, notes."""
    frame = d.frame
    if covariates is None:
        chosen = [c for c in DEFAULT_COVARIATES if c in frame.columns]
        if "ladder_rung_intake" not in frame.columns and "ladder_intake" in frame.columns:
            chosen.append("ladder_intake")
    else:
        chosen = list(covariates)
        absent = [c for c in chosen if c not in frame.columns]
        if absent:
            raise ValueError(f"{function}: covariate column(s) {absent} not found in data")
    notes, parts, names = [], [], []
    for column in chosen:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            parts.append(pd.to_numeric(values.astype(object).where(values.notna(), np.nan),
                                       errors="coerce").astype(float).to_numpy()[:, None])
            names.append(column)
        else:
            levels = sorted(values.dropna().astype(str).unique())
            for level in levels[1:]:
                dummy = (values.astype(str) == level).astype(float).where(values.notna())
                parts.append(dummy.to_numpy(dtype=float)[:, None])
                names.append(f"{column}{level}")
    matrix = np.hstack(parts) if parts else np.empty((d.n, 0))
    complete = ~np.isnan(matrix).any(axis=1)
    if (~complete).sum():
        notes.append(f"{int((~complete).sum())} participant(s) with missing covariates left "
                     "out of the adjusted analysis (complete cases).")
    matrix = matrix[complete]
    varying = [j for j in range(matrix.shape[1]) if np.ptp(matrix[:, j]) > 0] \
        if matrix.shape[0] else []
    dropped = [names[j] for j in range(len(names)) if j not in varying]
    if dropped:
        notes.append(f"Covariate(s) {dropped} constant in the data: left out.")
    return matrix[:, varying], [names[j] for j in varying], complete, notes


class IpwBand(NamedTuple):
    """IPW within one band: arm shares ``(mu1, mu0)``, their covariance, propensities."""

    mu: np.ndarray
    cov: np.ndarray
    propensity: np.ndarray
    problem: str


def ipw_band(y: np.ndarray, t: np.ndarray, x: np.ndarray) -> IpwBand:
    """Hajek IPW arm shares within one band and their sandwich covariance.

    ``x`` is the propensity model matrix (with intercept); ``problem`` is empty when
    the propensity model could be fitted and says why not otherwise.

    Examples
    --------
    >>> x = np.ones((6, 1))
    >>> fit = ipw_band(np.array([1.0, 0, 1, 0, 0, 1]), np.array([1, 1, 1, 0, 0, 0]), x)
    >>> fit.mu.round(3).tolist()
    [0.667, 0.333]
    """
    fit = fit_logit(x, t.astype(float), [f"x{j}" for j in range(x.shape[1])])
    if fit.problem:
        return IpwBand(np.full(2, np.nan), np.full((2, 2), np.nan), np.full(y.size, np.nan),
                       "propensity model: " + fit.problem)
    e = expit(x @ fit.coef)
    w1, w0 = t / e, (1 - t) / (1 - e)
    mu1, mu0 = (w1 @ y) / w1.sum(), (w0 @ y) / w0.sum()
    n, p = x.shape
    psi = np.column_stack([x * (t - e)[:, None], w1 * (y - mu1), w0 * (y - mu0)])
    a = np.zeros((p + 2, p + 2))
    a[:p, :p] = (x * (e * (1 - e))[:, None]).T @ x / n
    a[p, :p] = (t * (y - mu1) * (1 - e) / e) @ x / n
    a[p + 1, :p] = -((1 - t) * (y - mu0) * e / (1 - e)) @ x / n
    a[p, p], a[p + 1, p + 1] = w1.sum() / n, w0.sum() / n
    a_inv = np.linalg.inv(a)
    cov = a_inv @ (psi.T @ psi / n) @ a_inv.T / n
    return IpwBand(np.array([mu1, mu0]), cov[p:, p:], e, "")


def _ipw_rows(d: BinaryEffectData, x: np.ndarray, level: float, log: list[NotEstimable],
              notes: list[str]) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    rows: list[dict[str, Any]] = []
    parts, scores = {}, np.full(d.n, np.nan)
    for k in range(len(d.levels)):
        mask = d.band == k
        term = d.band_term(k)
        if not d.arms_in_band(k):
            for est in ("risk_difference_ipw", "risk_ratio_ipw"):
                rows.append(not_estimable_row(term, estimator=est, n=int(mask.sum()), log=log,
                                              reason=f"band {d.levels[k]!r} lacks an arm"))
            continue
        design = np.column_stack([np.ones(mask.sum()), x[mask]])
        band = ipw_band(d.y[mask], d.t[mask].astype(float), design)
        if not band.problem:
            parts[k] = (band.mu, band.cov, int(mask.sum()))
        scores[mask] = band.propensity
        rows += _contrast_rows(term, band.mu, band.cov, int(mask.sum()), level, log,
                               band.problem)
    left_out = [d.levels[k] for k in range(len(d.levels)) if k not in parts]
    if parts and left_out:
        notes.append(f"Band(s) {left_out} without an estimable IPW contrast: the overall IPW "
                     "estimate covers the other bands only.")
    if parts:
        total = sum(m for _, _, m in parts.values())
        mu = sum(m / total * v for v, _, m in parts.values())
        cov = sum((m / total) ** 2 * c for _, c, m in parts.values())
        rows += _contrast_rows("overall", mu, cov, total, level, log, "")
        ref = min(parts)
        for k in sorted(parts)[1:]:
            diff = (parts[k][0][0] - parts[k][0][1]) - (parts[ref][0][0] - parts[ref][0][1])
            g = np.array([1.0, -1.0])
            var = g @ parts[k][1] @ g + g @ parts[ref][1] @ g
            rows.append(_wald(f"{d.band_term(k)} - {d.band_term(ref)}", diff, math.sqrt(var),
                              estimator="risk_difference_interaction_ipw",
                              n=parts[k][2] + parts[ref][2], level=level, log=log))
        for k in (k for k in range(len(d.levels)) if k not in parts):
            rows.append(not_estimable_row(
                f"{d.band_term(k)} - {d.band_term(ref)}", n=int((d.band == k).sum()),
                estimator="risk_difference_interaction_ipw", log=log,
                reason=f"no IPW contrast in band {d.levels[k]!r}"))
    else:
        rows.append(not_estimable_row("overall", estimator="risk_difference_ipw", n=d.n,
                                      log=log, reason="no band with an estimable propensity"))
    weights = np.where(d.t == 1, 1 / scores, 1 / (1 - scores))
    propensity = pd.DataFrame({d.stratum: [d.levels[k] for k in d.band], "treated": d.t,
                               "propensity": scores, "weight": weights})
    if "participant_id" in d.frame.columns:
        propensity.insert(0, "participant_id", d.frame["participant_id"].to_numpy())
    return rows, propensity


def _contrast_rows(term: str, mu: np.ndarray, cov: np.ndarray, n: int, level: float,
                   log: list[NotEstimable], problem: str) -> list[dict[str, Any]]:
    rd_grad = np.array([1.0, -1.0])
    rows = [_wald(term, mu[0] - mu[1], math.sqrt(rd_grad @ cov @ rd_grad),
                  estimator="risk_difference_ipw", n=n, level=level, log=log, why=problem)]
    if not problem and (mu[0] <= 0 or mu[1] <= 0):
        rows.append(not_estimable_row(term, estimator="risk_ratio_ipw", n=n, log=log,
                                      reason="no events in an arm: the risk ratio is 0 or "
                                      "infinite"))
        return rows
    with np.errstate(divide="ignore", invalid="ignore"):
        rr_grad = np.array([1 / mu[0], -1 / mu[1]])
        log_rr = float(np.log(mu[0] / mu[1]))
    rows.append(_wald(term, log_rr, math.sqrt(rr_grad @ cov @ rr_grad),
                      estimator="risk_ratio_ipw", n=n, level=level, log=log, why=problem,
                      exponentiate=True))
    return rows


def adjusted_effects(data: pd.DataFrame, *, covariates: Sequence[str] | None = None,
                     method: AdjustmentMethod = "both", outcome: str = "regular_work",
                     stratum: str = "band", arm: str = "instruments", control: str = "no",
                     treated: str = "yes", strata: Sequence[str] | None = None,
                     level: float = 0.95) -> AnalysisResult:
    """Effects of instruments adjusted for band and baseline covariates (non-experimental).

    Parameters
    ----------
    data : pandas.DataFrame
        Outcomes merged with the baseline columns of ``trial.participants``.
    covariates : sequence of str, optional
        Baseline columns to adjust for; default those of ``DEFAULT_COVARIATES``
        present in ``data``. Text columns enter as dummies (first level left out).
    method : {"both", "gcomputation", "ipw"}
        Which estimators to report.
    outcome, stratum, arm, control, treated, strata, level
        As in :func:`~iedereen_doet_mee.analysis.effects.risk.risk_effects`.

    Returns
    -------
    AnalysisResult
        g-computation: ``logit_coefficient_adjusted``,
        ``ratio_of_odds_ratios_logit_adjusted`` (interaction, odds-ratio scale),
        ``risk_difference_gcomputation_adjusted`` and
        ``risk_ratio_gcomputation_adjusted`` (overall and per band) and
        ``risk_difference_interaction_gcomputation_adjusted``; IPW:
        ``risk_difference_ipw`` and ``risk_ratio_ipw`` (overall and per band) and
        ``risk_difference_interaction_ipw``. Propensity scores and weights are in
        ``extras["propensity"]``; the covariates adjusted for (those constant in the
        data left out) in ``extras["covariates"]`` (column ``covariate``).

    Notes
    -----
    g-computation averages :math:`\\hat P(y=1 \\mid a, band, x)` of the logistic model
    over the participants (Robins 1986) with delta-method standard errors from the
    model-based covariance (the sample-average effect). IPW fits
    :math:`e(x) = P(a = 1 \\mid x)` by logistic regression within each band and takes
    Hajek means :math:`\\hat\\mu_a = \\sum w_i y_i / \\sum w_i` with
    :math:`w_i = a_i/e_i` or :math:`(1-a_i)/(1-e_i)`; the variance is the
    M-estimation sandwich :math:`A^{-1} B A^{-T} / n` of the stacked estimating
    equations of the propensity model and the two means (Lunceford & Davidian 2004).
    Overall estimates weight the bands by size. Participants with a missing covariate
    are left out (complete cases). Tested against R (``glm`` and the same estimating
    equations with a numerical Jacobian) in ``tests/analysis/test_effects_adjusted.py``.

    References
    ----------
    Robins J (1986). Math Model 7:1393-1512. Lunceford JK, Davidian M (2004).
    Stratification and weighting via the propensity score in estimation of causal
    treatment effects. Stat Med 23:2937-2960.

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import derive_outcomes
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> trial = simulate_trial(seed=4)
    >>> frame = derive_outcomes(trial).frame.merge(
    ...     trial.participants[["participant_id", "age", "wage_value_estimate"]])
    >>> result = adjusted_effects(frame)
    >>> result.notes[0][:28]
    'Non-experimental comparison:'
    >>> result.extras["covariates"]["covariate"].tolist()
    ['wage_value_estimate', 'age', 'ladder_intake']
    """
    function = "adjusted_effects"
    check_option(function, "method", method, AdjustmentMethod)
    level = check_level(function, level)
    d = binary_effect_data(data, function=function, outcome=outcome, stratum=stratum, arm=arm,
                           control=control, treated=treated, strata=strata)
    x, names, complete, notes = _covariates(d, covariates, function)
    d = d.subset(complete)
    shown = ", ".join(names) if names else "nothing else (no baseline covariates found)"
    notes = [NON_EXPERIMENTAL.format(covariates=shown), *d.notes, *notes]
    log: list[NotEstimable] = []
    rows: list[dict[str, Any]] = []
    # the covariates adjusted for, as used (constant ones left out): the report names them
    extras: dict[str, pd.DataFrame] = {"covariates": pd.DataFrame({"covariate": names},
                                                                  dtype=object)}
    if method in ("both", "gcomputation"):
        rows += logit_rows(d, arm=arm, level=level, log=log, covariates=x,
                           covariate_names=names, adjusted=True, notes=notes)
    if method in ("both", "ipw"):
        ipw, propensity = _ipw_rows(d, x, level, log, notes)
        rows += ipw
        extras["propensity"] = propensity
        extreme = int(((propensity["propensity"] < 0.05) | (propensity["propensity"] > 0.95))
                      .sum())
        if extreme:
            notes.append(f"{extreme} participant(s) have a propensity below 0.05 or above 0.95: "
                         "weights are large and the IPW estimates unstable (near positivity "
                         "violation).")
    return AnalysisResult("effects", "Covariate-adjusted effects of instruments (non-"
                          "experimental)", tidy_table(rows), n=d.n, notes=tuple(notes),
                          not_estimable=tuple(log), extras=extras)
