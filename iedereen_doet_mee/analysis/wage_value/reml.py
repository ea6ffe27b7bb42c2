"""REML fit of the wage-value mixed model, vectorised over participants: :func:`reml_fit`.

Why the package has its own REML here: statsmodels' ``MixedLM`` evaluates the
likelihood and its derivatives participant by participant in Python, so its fit of
the wage-value model (random intercept and slope per participant) took about 10 s
at 1,000 participants, minutes at 10,000 and did not finish in reasonable time at
100,000 (issue 10). This module fits the same model the way ``lme4`` does (Bates et
al. 2015, J Stat Softw 67(1), section 3): the REML deviance profiled over the fixed
effects and the residual variance is a function of the three entries of the
relative Cholesky factor of the random-effect covariance only, and for a model whose
random-effect design has two columns it needs nothing but per-participant 2 x 2 and
2 x p sums, which are computed once and combined with array arithmetic. One
evaluation then costs a few milliseconds at 100,000 participants.

:func:`~iedereen_doet_mee.analysis.wage_value.wage_value_mixed_model` uses statsmodels
below :data:`VECTORISED_MIN_PARTICIPANTS` participants and this fit from there on;
``tests/analysis/test_wage_value_scale.py`` pins this fit to statsmodels' and to the
frozen ``lme4`` reference (``tests/reference/wage_value_reference.json``) at tight
tolerance.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy import optimize

__all__ = ["VECTORISED_MIN_PARTICIPANTS", "RemlFit", "reml_fit"]

#: Participants from which the wage-value mixed model is fitted by :func:`reml_fit`
#: instead of statsmodels' ``MixedLM``. Below it statsmodels, the reviewed reference
#: implementation, keeps every number of trials of the planned size (100) exactly as
#: frozen in the report's manifest, and costs at most a few seconds (about 10 s at
#: 1,000 participants on the project's 2-core machine, 2 s at 500); from here on its
#: cost grows faster than the data, while both fits agree with lme4 (fixed effects to
#: about 1e-6 relative, variance components to about 1e-5).
VECTORISED_MIN_PARTICIPANTS = 500


class RemlFit(NamedTuple):
    """The REML estimates of the random intercept and slope model.

    Attributes
    ----------
    beta : numpy.ndarray
        Fixed effects (p,), GLS at the REML variance estimates.
    g : numpy.ndarray
        Random-effect covariance (2, 2): intercept, slope.
    s2 : float
        Residual variance.
    theta : numpy.ndarray
        Relative Cholesky factor ``(l11, l21, l22)`` (lme4's ``getME(fit, "theta")``).
    deviance : float
        REML criterion (-2 x restricted log-likelihood), as lme4's ``REMLcrit``.
    converged : bool
        Whether the optimiser reported convergence.
    """

    beta: np.ndarray
    g: np.ndarray
    s2: float
    theta: np.ndarray
    deviance: float
    converged: bool


class _Pattern(NamedTuple):
    """Participants whose rows of X are zero outside the same columns (e.g. one cell)."""

    members: np.ndarray  # (G_k,) positions among the participants
    columns: np.ndarray  # (s,) the columns of X they use
    u0: np.ndarray  # (G_k, s): Z[:, 0]' X of each, on those columns
    u1: np.ndarray  # (G_k, s): Z[:, 1]' X


class _Sums(NamedTuple):
    """Per-participant sums and the global cross products."""

    ztz: np.ndarray  # (G, 3): sum 1*1, sum z0*z1, sum z1*z1 of the participant's rows
    patterns: list[_Pattern]
    zty: np.ndarray  # (G, 2): Z' y
    xtx: np.ndarray  # (p, p)
    xty: np.ndarray  # (p,)
    yty: float
    n: int


def _sums(x: np.ndarray, z: np.ndarray, y: np.ndarray, groups: np.ndarray) -> _Sums:
    """Per-participant cross products of Z with Z, X and y, and the global ones.

    A participant of the wage-value model uses only the two columns of its cell, so the
    participants are grouped by the columns they use and each group keeps only those:
    one evaluation of the deviance then costs a few passes over arrays of length G.
    """
    _, index = np.unique(groups, return_inverse=True)
    count = int(index.max()) + 1

    def by_group(values: np.ndarray) -> np.ndarray:
        out = np.zeros((count, values.shape[1]))
        np.add.at(out, index, values)
        return out

    z0, z1 = z[:, :1], z[:, 1:]
    ztz = by_group(np.hstack([z0 * z0, z0 * z1, z1 * z1]))
    u0, u1 = by_group(z0 * x), by_group(z1 * x)
    used = by_group((x != 0).astype(float)) > 0
    kinds, which = np.unique(used, axis=0, return_inverse=True)
    patterns = []
    for k, kind in enumerate(kinds):
        members, columns = np.flatnonzero(which.ravel() == k), np.flatnonzero(kind)
        patterns.append(_Pattern(members, columns, u0[np.ix_(members, columns)],
                                 u1[np.ix_(members, columns)]))
    return _Sums(ztz, patterns, by_group(z * y[:, None]), x.T @ x, x.T @ y, float(y @ y),
                 len(y))


def _lambda(theta: np.ndarray) -> np.ndarray:
    return np.array([[theta[0], 0.0], [theta[1], theta[2]]])


def _profiled(theta: np.ndarray, s: _Sums
              ) -> tuple[float, np.ndarray, float, np.ndarray, np.ndarray]:
    """REML deviance at ``theta`` with the fixed effects and residual variance profiled
    out, its gradient in ``theta`` and a bound on the gradient's rounding error.

    With :math:`\\Lambda` the relative Cholesky factor (G = sigma^2 Lambda Lambda'),
    :math:`S_i = Z_i'Z_i` and :math:`M_i = I + \\Lambda' S_i \\Lambda`: :math:`\\sigma^2
    V_i^{-1} = I - Z_i R_i Z_i'` with :math:`R_i = \\Lambda M_i^{-1} \\Lambda'` (Woodbury)
    and :math:`\\log|V_i| = n_i \\log\\sigma^2 + \\log|M_i|`; so :math:`A = \\sigma^2
    X'V^{-1}X`, :math:`b`, :math:`c` follow from the sums and the deviance is
    :math:`\\sum_i \\log|M_i| + \\log|A| + (N - p)(1 + \\log(2\\pi\\, r / (N - p)))`,
    :math:`r = c - b'A^{-1}b`. Differentiating :math:`M_i`, :math:`R_i`, :math:`A` and
    :math:`r` gives :math:`\\partial/\\partial\\Lambda_{jk} = 2 \\sum_i [(S_i - H_i)
    \\Lambda M_i^{-1} + S_i \\Lambda Q_i]_{jk}` with :math:`H_i = U_i A^{-1} U_i' + (N -
    p)\\, e_i e_i' / r`, :math:`U_i = Z_i'X_i`, :math:`e_i = Z_i'(y_i - X_i\\beta)` and
    :math:`Q_i = M_i^{-1}\\Lambda' H_i \\Lambda M_i^{-1}` (checked against finite
    differences in the tests). Every 2 x 2 product is written out and each participant's
    U_i is kept on the columns it uses, so one evaluation is a few passes over arrays of
    length G.
    """
    a, b, c = (float(v) for v in theta)
    s00, s01, s11 = s.ztz[:, 0], s.ztz[:, 1], s.ztz[:, 2]
    m00 = 1 + a * a * s00 + 2 * a * b * s01 + b * b * s11  # M = I + Lambda' S Lambda
    m01 = c * (a * s01 + b * s11)
    m11 = 1 + c * c * s11
    det = m00 * m11 - m01 * m01
    i00, i01, i11 = m11 / det, -m01 / det, m00 / det  # M^-1
    # N = Lambda M^-1 (rows n0, n1) and R = N Lambda'
    n00, n01, n10, n11 = a * i00, a * i01, b * i00 + c * i01, b * i01 + c * i11
    r00, r01, r11 = a * n00, b * n00 + c * n01, b * n10 + c * n11
    zy0, zy1 = s.zty[:, 0], s.zty[:, 1]
    a_mat, b_vec = s.xtx.copy(), s.xty.copy()
    for pat in s.patterns:
        m, cols, u0, u1 = pat.members, pat.columns, pat.u0, pat.u1
        k00, k01, k11 = r00[m], r01[m], r11[m]
        cross = (u0 * k01[:, None]).T @ u1
        a_mat[np.ix_(cols, cols)] -= ((u0 * k00[:, None]).T @ u0 + cross + cross.T
                                      + (u1 * k11[:, None]).T @ u1)
        b_vec[cols] -= (u0.T @ (k00 * zy0[m] + k01 * zy1[m])
                        + u1.T @ (k01 * zy0[m] + k11 * zy1[m]))
    c_val = s.yty - float(np.sum(r00 * zy0 * zy0 + 2 * r01 * zy0 * zy1 + r11 * zy1 * zy1))
    chol = np.linalg.cholesky(a_mat)
    a_inv = np.linalg.inv(a_mat)
    beta = a_inv @ b_vec
    rss = c_val - b_vec @ beta
    dof = s.n - len(beta)
    deviance = (np.log(det).sum() + 2 * np.log(np.diag(chol)).sum()
                + dof * (1 + math.log(2 * math.pi * rss / dof)))
    # gradient: H = U A^-1 U' + (N - p) e e' / r, per participant
    scale = dof / rss
    h00, h01, h11 = (np.empty(len(zy0)) for _ in range(3))
    for pat in s.patterns:
        m, cols, u0, u1 = pat.members, pat.columns, pat.u0, pat.u1
        inv = a_inv[np.ix_(cols, cols)]
        e0, e1 = zy0[m] - u0 @ beta[cols], zy1[m] - u1 @ beta[cols]
        w0 = u0 @ inv
        h00[m] = (w0 * u0).sum(axis=1) + scale * e0 * e0
        h01[m] = (w0 * u1).sum(axis=1) + scale * e0 * e1
        h11[m] = ((u1 @ inv) * u1).sum(axis=1) + scale * e1 * e1
    t00, t01, t11 = s00 - h00, s01 - h01, s11 - h11  # S - H
    p00, p01 = h00 * n00 + h01 * n10, h00 * n01 + h01 * n11  # H N
    p10, p11 = h01 * n00 + h11 * n10, h01 * n01 + h11 * n11
    q00, q01, q11 = n00 * p00 + n10 * p10, n00 * p01 + n10 * p11, n01 * p01 + n11 * p11
    v00, v01, v10, v11 = s00 * a + s01 * b, s01 * c, s01 * a + s11 * b, s11 * c  # S Lambda
    terms = 2 * np.stack([t00 * n00 + t01 * n10 + v00 * q00 + v01 * q01,
                          t01 * n00 + t11 * n10 + v10 * q00 + v11 * q01,
                          t01 * n01 + t11 * n11 + v10 * q01 + v11 * q11])
    # the gradient's rounding grows with the size of the terms it sums
    return float(deviance), beta, float(rss / dof), terms.sum(axis=1), np.abs(terms).sum(axis=1)


def _stationary(gradient: np.ndarray, terms: np.ndarray) -> bool:
    """Whether the gradient is zero up to rounding: each entry sums one term per
    participant, and at the optimum they cancel to about 1e-8 of their absolute sum
    with 100 or 10,000 participants and to about 3e-6 with 100,000 (observed), where
    rounding stops any optimiser; 1e-5 of the absolute sum, or 1e-4, counts as zero."""
    return bool(np.all(np.isfinite(gradient))
                and np.all(np.abs(gradient) <= 1e-4 + 1e-5 * terms))


def reml_fit(x: np.ndarray, z: np.ndarray, y: np.ndarray, groups: np.ndarray) -> RemlFit:
    """Fit ``y = X beta + Z_i u_i + e`` by REML, ``u_i ~ N(0, G)`` with G (2, 2) unstructured.

    Parameters
    ----------
    x : numpy.ndarray
        Fixed-effect design (n, p), full column rank.
    z : numpy.ndarray
        Random-effect design (n, 2), e.g. intercept and time.
    y : numpy.ndarray
        Response (n,).
    groups : numpy.ndarray
        Participant of each row (n,).

    Returns
    -------
    RemlFit

    Notes
    -----
    The profiled REML deviance (see :func:`_profiled`) is minimised over lme4's
    parameters :math:`\\theta = (l_{11}, l_{21}, l_{22})` from lme4's start (1, 0, 1) by
    BFGS with the analytic gradient; where it stops with a gradient not zero up to
    rounding (near a flat or singular optimum), L-BFGS and then Nelder-Mead (without
    derivatives, as lme4's bobyqa) go on from there. ``converged`` says whether the
    gradient at the returned optimum is zero up to rounding. The deviance does not
    change when a column of the factor changes sign, so no bounds are needed; the
    returned theta has a non-negative diagonal, as lme4's.

    Examples
    --------
    Balanced data: REML equals the moment estimates of the participants' own lines (to
    about 1e-7: the deviance is that flat about its minimum; the example of
    :func:`~iedereen_doet_mee.analysis.wage_value.small_sample.lmm_satterthwaite`).

    >>> t = np.tile([0.0, 1.0, 2.0], 4)
    >>> y = np.array([0, 2, 3, 4, 5, 7, 1, 4, 8, 6, 9, 11], dtype=float)
    >>> x = np.column_stack([np.ones(12), t])
    >>> fit = reml_fit(x, x, y, np.repeat([1, 2, 3, 4], 3))
    >>> lines = np.array([np.polyfit(t[:3], y[i:i + 3], 1)[::-1] for i in (0, 3, 6, 9)])
    >>> s2 = float(np.sum((y.reshape(4, 3) - lines @ x[:3].T) ** 2) / 4)
    >>> g = np.cov(lines.T) - s2 * np.linalg.inv(x[:3].T @ x[:3])
    >>> bool(np.allclose(fit.g, g, rtol=1e-5)), round(fit.s2 / s2, 5), fit.beta.round(4).tolist()
    (True, 1.0, [2.75, 2.25])
    """
    sums = _sums(np.asarray(x, float), np.asarray(z, float), np.asarray(y, float),
                 np.asarray(groups))

    scale = {}

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        try:
            deviance, _, _, gradient, terms = _profiled(theta, sums)
        except (np.linalg.LinAlgError, FloatingPointError, ValueError):
            return math.inf, np.zeros(3)
        scale[tuple(theta)] = terms
        return deviance, gradient

    best = None
    with np.errstate(all="ignore"):
        # BFGS, then L-BFGS from where it stopped, then derivative-free Nelder-Mead (like
        # lme4's bobyqa): the first whose gradient is zero up to rounding is taken
        for method, options in (("BFGS", {"gtol": 1e-6, "maxiter": 500}),
                                ("L-BFGS-B", {"ftol": 1e-15, "gtol": 1e-9, "maxiter": 1000}),
                                ("Nelder-Mead", None)):
            start = np.array([1.0, 0.0, 1.0]) if best is None else best.x
            if method == "Nelder-Mead":
                found = optimize.minimize(
                    lambda t: objective(t)[0], start, method=method, options={
                        "xatol": 1e-10, "fatol": 1e-14 * max(1.0, abs(best.fun)),
                        "maxfev": 2000,
                        "initial_simplex": start + np.vstack([np.zeros(3), 1e-4 * np.eye(3)])})
                found.jac = objective(found.x)[1]
            else:
                found = optimize.minimize(objective, start, jac=True, method=method,
                                          options=options)
            if best is None or found.fun <= best.fun:
                best = found
            if _stationary(best.jac, scale.get(tuple(best.x), np.zeros(3))):
                break
    theta = np.asarray(best.x, dtype=float).copy()
    if theta[0] < 0:  # the same covariance; lme4's sign convention
        theta[:2] = -theta[:2]
    theta[2] = abs(theta[2])
    deviance, beta, s2, gradient, terms = _profiled(theta, sums)
    lam = _lambda(theta)
    converged = bool(np.isfinite(deviance) and _stationary(gradient, terms))
    return RemlFit(beta, s2 * lam @ lam.T, s2, theta, deviance, converged)
