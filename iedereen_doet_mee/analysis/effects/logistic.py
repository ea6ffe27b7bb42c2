"""Logistic regression ``y ~ instruments * band (+ covariates)`` and its marginal effects.

:func:`logistic_effects` fits the saturated logistic model of a binary outcome on arm,
band and their interaction, and reports its coefficients, the interaction as a ratio
of odds ratios, and the average marginal effect (AME) of the treated arm overall and
within every band with delta-method standard errors. The same machinery with
baseline covariates is the g-computation estimator of
:func:`~iedereen_doet_mee.analysis.effects.adjusted.adjusted_effects`.

The Newton-Raphson fit (:func:`fit_logit`) is written out for its handling of small
cells: where statsmodels' ``Logit`` warns of non-convergence and returns diverging
coefficients (a cell without events, as in the bundled synthetic trial), it returns NaN
and the reason, which the tables report as not estimable. Elsewhere it equals
statsmodels' ``Logit`` (coefficients and covariance to 1e-8,
``tests/analysis/test_effects_libraries.py``). The average marginal effects are the
package's own: statsmodels' ``get_margeff`` changes one column at a time and cannot
switch the arm inside the interaction columns; they are pinned to R.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from ..common import check_level
from ..results import AnalysisResult, NotEstimable, not_estimable_row, tidy_table
from .data import UNADJUSTED_NOTE, BinaryEffectData, binary_effect_data, wald_row

__all__ = ["LogitFit", "fit_logit", "logistic_effects", "logit_rows"]


@dataclasses.dataclass(frozen=True)
class LogitFit:
    """Maximum-likelihood logistic fit: coefficients, model-based covariance, problem."""

    names: tuple[str, ...]
    coef: np.ndarray
    vcov: np.ndarray
    problem: str = ""


def fit_logit(x: np.ndarray, y: np.ndarray, names: Sequence[str], *,
              max_iter: int = 100, tol: float = 1e-10) -> LogitFit:
    """Newton-Raphson fit of ``P(y = 1) = expit(x @ beta)``.

    ``problem`` is empty on success and says why otherwise (rank deficiency, no
    convergence, or separation: fitted probabilities of 0 or 1, as with a cell
    without events); the covariance is then NaN.

    Examples
    --------
    >>> x = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> fit = fit_logit(x, np.array([0, 0, 1, 0, 1, 1.0]), ["(Intercept)", "t"])
    >>> fit.coef.round(4).tolist()
    [-0.6931, 1.3863]
    """
    p = x.shape[1]
    nan = LogitFit(tuple(names), np.full(p, np.nan), np.full((p, p), np.nan))
    if x.shape[0] <= p or np.linalg.matrix_rank(x) < p:
        return dataclasses.replace(nan, problem="the model matrix is rank deficient (too "
                                   "few participants, or a covariate constant within the data)")
    beta = np.zeros(p)
    for _ in range(max_iter):
        mu = expit(x @ beta)
        info = (x * (mu * (1 - mu))[:, None]).T @ x
        try:
            step = np.linalg.solve(info, x.T @ (y - mu))
        except np.linalg.LinAlgError:
            break
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            mu = expit(x @ beta)
            if np.any(np.minimum(mu, 1 - mu) < 1e-8) or np.max(np.abs(beta)) > 25:
                break
            info = (x * (mu * (1 - mu))[:, None]).T @ x
            return LogitFit(tuple(names), beta, np.linalg.inv(info))
    return dataclasses.replace(nan, problem=(
        "the logistic model did not converge: separation (a cell or covariate pattern "
        "with only events or no events); see the exact tests"))


def _columns(d: BinaryEffectData, t: np.ndarray, bands: Sequence[int],
             covariates: np.ndarray | None) -> np.ndarray:
    """Model matrix of ``y ~ t * band + covariates`` for arm vector ``t``."""
    dummies = [(d.band == k).astype(float) for k in bands[1:]]
    parts = [np.ones(d.n), t.astype(float), *dummies, *[t * b for b in dummies]]
    if covariates is not None and covariates.shape[1]:
        parts.append(covariates)
    return np.column_stack(parts)


def _names(d: BinaryEffectData, arm: str, bands: Sequence[int],
           covariate_names: Sequence[str]) -> list[str]:
    """R's names of the coefficients, e.g. ``instrumentsyes:band60-80``."""
    t_name = f"{arm}{d.treated}"
    band_names = [f"{d.stratum}{d.levels[k]}" for k in bands[1:]]
    return ["(Intercept)", t_name, *band_names, *[f"{t_name}:{b}" for b in band_names],
            *covariate_names]


def logit_rows(d: BinaryEffectData, *, arm: str, level: float, log: list[NotEstimable],
               covariates: np.ndarray | None = None, covariate_names: Sequence[str] = (),
               adjusted: bool = False, notes: list[str] | None = None) -> list[dict[str, Any]]:
    """Tidy rows of the logistic model and its marginal effects (see the module doc).

    Bands without both arms are left out of the model (a note is appended to ``notes``).
    """
    suffix = "_adjusted" if adjusted else ""
    ame = "risk_difference_gcomputation_adjusted" if adjusted else "average_marginal_effect_logit"
    bands = [k for k in range(len(d.levels)) if d.arms_in_band(k)]
    rows: list[dict[str, Any]] = []
    reference = d.band_term(bands[0]) if bands else d.band_term(0) if d.levels else ""
    for k in sorted(set(range(len(d.levels))) - set(bands)):
        if notes is not None:
            notes.append(f"Band {d.levels[k]!r} lacks an arm: left out of the logistic model; "
                         "'overall' covers the other bands only.")
        missing = [(d.band_term(k), ame)]
        if adjusted:
            missing.append((d.band_term(k), "risk_ratio_gcomputation_adjusted"))
        if d.band_term(k) != reference:
            missing.append((f"{d.band_term(k)} / {reference}",
                            "ratio_of_odds_ratios_logit" + suffix))
            if adjusted:
                missing.append((f"{d.band_term(k)} - {reference}",
                                "risk_difference_interaction_gcomputation_adjusted"))
        for term, estimator in missing:
            rows.append(not_estimable_row(term, estimator=estimator, log=log,
                                          n=int((d.band == k).sum()),
                                          reason=f"band {d.levels[k]!r} lacks an arm"))
    if not bands:
        rows.append(not_estimable_row("overall", estimator=ame, n=d.n, log=log,
                                      reason="no band has participants in both arms"))
        return rows
    keep = np.isin(d.band, bands)
    d = d.subset(keep)
    covariates = covariates[keep] if covariates is not None else None
    names = _names(d, arm, bands, covariate_names)
    fit = fit_logit(_columns(d, d.t, bands, covariates), d.y, names)
    se = np.sqrt(np.diag(fit.vcov))
    for j, name in enumerate(names):
        rows.append(wald_row(name, fit.coef[j], se[j], estimator="logit_coefficient" + suffix,
                             n=d.n, level=level, log=log, why=fit.problem))
    for j, k in enumerate(bands[1:]):
        col = 2 + len(bands) - 1 + j
        rows.append(wald_row(f"{d.band_term(k)} / {d.band_term(bands[0])}", fit.coef[col],
                             se[col], estimator="ratio_of_odds_ratios_logit" + suffix, n=d.n,
                             level=level, log=log, why=fit.problem, exponentiate=True))
    x1 = _columns(d, np.ones(d.n), bands, covariates)
    x0 = _columns(d, np.zeros(d.n), bands, covariates)
    p1, p0 = expit(x1 @ fit.coef), expit(x0 @ fit.coef)
    g1, g0 = (p1 * (1 - p1))[:, None] * x1, (p0 * (1 - p0))[:, None] * x0
    scopes = [("overall", np.ones(d.n, dtype=bool))]
    scopes += [(d.band_term(k), d.band == k) for k in bands]
    grads = {}
    for term, mask in scopes:
        m = int(mask.sum())
        est = float(np.mean(p1[mask] - p0[mask])) if m else math.nan
        grad = (g1[mask] - g0[mask]).mean(axis=0) if m else np.full(len(names), np.nan)
        grads[term] = (est, grad)
        rows.append(wald_row(term, est, math.sqrt(grad @ fit.vcov @ grad), estimator=ame,
                             n=m, level=level, log=log, why=fit.problem))
        if adjusted:
            m1, m0 = float(np.mean(p1[mask])), float(np.mean(p0[mask]))
            rgrad = g1[mask].mean(axis=0) / m1 - g0[mask].mean(axis=0) / m0
            rows.append(wald_row(term, math.log(m1 / m0), math.sqrt(rgrad @ fit.vcov @ rgrad),
                                 estimator="risk_ratio_gcomputation_adjusted", n=m,
                                 level=level, log=log, why=fit.problem, exponentiate=True))
    if adjusted:
        ref_est, ref_grad = grads[d.band_term(bands[0])]
        for k in bands[1:]:
            est, grad = grads[d.band_term(k)]
            diff = grad - ref_grad
            rows.append(wald_row(f"{d.band_term(k)} - {d.band_term(bands[0])}", est - ref_est,
                                 math.sqrt(diff @ fit.vcov @ diff),
                                 estimator="risk_difference_interaction_gcomputation_adjusted",
                                 n=d.n, level=level, log=log, why=fit.problem))
    return rows


def logistic_effects(data: pd.DataFrame, *, outcome: str = "regular_work", stratum: str = "band",
                     arm: str = "instruments", control: str = "no", treated: str = "yes",
                     strata: Sequence[str] | None = None,
                     level: float = 0.95) -> AnalysisResult:
    """Logistic regression ``outcome ~ arm * band`` with interaction and marginal effects.

    Parameters are those of
    :func:`~iedereen_doet_mee.analysis.effects.risk.risk_effects`.

    Returns
    -------
    AnalysisResult
        ``logit_coefficient`` rows named as R names them (``(Intercept)``,
        ``instrumentsyes``, ``band60-80``, ``instrumentsyes:band60-80``);
        ``ratio_of_odds_ratios_logit`` per band against the first (the interaction,
        :math:`\\exp` of its coefficient, ``std_error`` on the log scale); and
        ``average_marginal_effect_logit`` for ``"overall"`` and every band.

    Notes
    -----
    Fitted by Newton-Raphson; Wald intervals from the inverse Fisher information (as
    R's ``confint.default``). The AME over a set :math:`S` is
    :math:`\\frac{1}{|S|}\\sum_{i\\in S} [\\operatorname{expit}(x_i^{(1)}\\beta) -
    \\operatorname{expit}(x_i^{(0)}\\beta)]` with :math:`x^{(a)}` the row with the arm
    set to :math:`a`; its delta-method variance is :math:`g' V g` with
    :math:`g = \\frac{1}{|S|}\\sum [p^{(1)}(1-p^{(1)}) x^{(1)} - p^{(0)}(1-p^{(0)})
    x^{(0)}]` (Williams 2012). In this saturated model the band AMEs are the band risk
    differences and the overall AME is the block-weighted risk difference, with
    variances :math:`p(1-p)/n` rather than HC2's :math:`p(1-p)/(n-1)`. A cell
    without events (separation) makes the model not estimable. Tested against R
    ``glm`` and AMEs by hand in R with a numerical gradient in
    ``tests/analysis/test_effects_logistic.py``.

    References
    ----------
    Williams R (2012). Using the margins command to estimate and interpret adjusted
    predictions and marginal effects. Stata J 12:308-331.

    Examples
    --------
    >>> frame = pd.DataFrame({"band": ["a"] * 8, "instruments": ["yes", "no"] * 4,
    ...                       "regular_work": [1, 0, 1, 1, 0, 0, 1, 0]})
    >>> row = logistic_effects(frame).estimate("overall", "average_marginal_effect_logit")
    >>> round(float(row["estimate"]), 3), round(float(row["std_error"]), 3)
    (0.5, 0.306)
    """
    kw = dict(outcome=outcome, stratum=stratum, arm=arm, control=control, treated=treated,
              strata=strata)
    level = check_level("logistic_effects", level)
    d = binary_effect_data(data, function="logistic_effects", **kw)
    log: list[NotEstimable] = []
    notes: list[str] = []
    rows = logit_rows(d, arm=arm, level=level, log=log, notes=notes)
    return AnalysisResult("effects", "Logistic regression of outcome on instruments x band",
                          tidy_table(rows), n=d.n, notes=(UNADJUSTED_NOTE, *d.notes, *notes),
                          not_estimable=tuple(log))
