"""Small-sample inference for the wage-value growth estimators.

:func:`lmm_satterthwaite` gives the fixed-effect covariance of a linear mixed model with a
random intercept and slope per participant and the Satterthwaite degrees of freedom of
any linear combination ``L'beta`` (as R ``lmerTest``); :func:`within_cr2` gives the
within (fixed-effects) OLS slopes, fitted by linearmodels' ``PanelOLS`` with entity
effects (:func:`within_ols`), with the CR2 cluster-robust covariance and
Bell-McCaffrey degrees of freedom (as R ``clubSandwich``) on top; linearmodels has
neither CR2 nor these degrees of freedom. Both return the degrees of
freedom as a function of the contrast vector, so every row of
:mod:`~iedereen_doet_mee.analysis.wage_value` gets its own t reference
(:meth:`SmallSampleInference.combination`, :func:`t_interval`). Formulas and reference
tests: ``docs/methods.md``, section on wage value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["SmallSampleInference", "lmm_satterthwaite", "t_interval", "within_cr2"]


class SmallSampleInference(NamedTuple):
    """Coefficients, their covariance and the degrees of freedom of ``L'beta``.

    Attributes
    ----------
    beta : numpy.ndarray
        Coefficients (p,).
    cov : numpy.ndarray
        Their covariance (p, p).
    df : callable
        ``df(L)``: degrees of freedom of the t reference of ``L @ beta``; ``nan`` when
        they cannot be computed.
    """

    beta: np.ndarray
    cov: np.ndarray
    df: Callable[[np.ndarray], float]

    def combination(self, vec: np.ndarray, level: float, df: float | None = None
                    ) -> dict[str, float]:
        """Inference on the linear combination ``vec @ beta``.

        Parameters
        ----------
        vec : numpy.ndarray
            Weights L (p,).
        level : float
            Level of the interval.
        df : float, optional
            Overrides ``self.df(vec)``; ``inf`` gives normal quantiles.

        Returns
        -------
        dict
            ``estimate, std_error, df`` and the :func:`t_interval` entries.

        Examples
        --------
        >>> fit = SmallSampleInference(np.array([1.0, 3.0]), np.diag([0.25, 1.0]),
        ...                            lambda vec: 3.0)
        >>> row = fit.combination(np.array([1.0, 0.0]), 0.95)
        >>> round(row["df"], 1), round(float(row["conf_high"]), 4)
        (3.0, 2.5912)
        """
        est, se = float(vec @ self.beta), float(np.sqrt(max(vec @ self.cov @ vec, 0.0)))
        dof = self.df(vec) if df is None else df
        return {"estimate": est, "std_error": se, "df": dof, **t_interval(est, se, dof, level)}


def t_interval(estimate: float, std_error: float, df: float, level: float
               ) -> dict[str, float]:
    """Wald statistic, two-sided p-value and interval with a t(df) reference.

    Parameters
    ----------
    estimate, std_error : float
        The estimate of ``L'beta`` and its standard error.
    df : float
        Degrees of freedom; ``inf`` gives normal quantiles, ``nan`` (not computable) or
        a value <= 0 gives missing statistic, p-value and interval.
    level : float
        Level of the interval.

    Returns
    -------
    dict
        ``statistic, p_value, conf_low, conf_high``.

    Examples
    --------
    >>> {k: round(float(v), 4) for k, v in t_interval(1.0, 0.5, 3.0, 0.95).items()}
    {'statistic': 2.0, 'p_value': 0.1393, 'conf_low': -0.5912, 'conf_high': 2.5912}
    >>> t_interval(1.0, 0.5, math.nan, 0.95)["conf_low"]
    nan
    """
    if not df > 0:
        return dict.fromkeys(("statistic", "p_value", "conf_low", "conf_high"), math.nan)
    dist = stats.norm if math.isinf(df) else stats.t(df)
    stat, half = (estimate / std_error if std_error > 0 else math.nan), dist.ppf(
        0.5 + level / 2) * std_error
    return {"statistic": stat, "p_value": float(2 * dist.sf(abs(stat))),
            "conf_low": estimate - half, "conf_high": estimate + half}


def _group_blocks(groups: np.ndarray) -> list[np.ndarray]:
    """Row positions of each group, groups in sorted order of their labels.

    Examples
    --------
    >>> [b.tolist() for b in _group_blocks(np.array(["b", "a", "b"]))]
    [[1], [0, 2]]
    """
    return [np.asarray(r) for r in pd.RangeIndex(len(groups)).groupby(
        np.asarray(groups)).values()]


def lmm_satterthwaite(x: np.ndarray, z: np.ndarray, y: np.ndarray, groups: np.ndarray,
                      g: np.ndarray, s2: float) -> SmallSampleInference:
    """Fixed effects, their covariance and Satterthwaite df at given REML variances.

    Parameters
    ----------
    x : numpy.ndarray
        Fixed-effect design (n, p).
    z : numpy.ndarray
        Random-effect design (n, 2): intercept and time.
    y : numpy.ndarray
        Response (n,).
    groups : numpy.ndarray
        Participant of each row (n,).
    g, s2 : numpy.ndarray, float
        REML estimates of the random-effect covariance G (2, 2) and residual variance.

    Returns
    -------
    SmallSampleInference
        GLS ``beta``, ``cov`` = :math:`\\Phi = (X' \\hat V^{-1} X)^{-1}` and ``df(L)``.
        Raises :class:`numpy.linalg.LinAlgError` when :math:`\\Phi` does not exist; when
        only the degrees of freedom cannot be computed, ``df`` returns ``nan``.

    Notes
    -----
    :math:`\\nu = 2 (L'\\Phi L)^2 / (g' A g)`, :math:`g` the gradient of :math:`L'\\Phi L`
    in the variance parameters and :math:`A` the inverse of their observed REML
    information. V is linear in :math:`\\phi = (G_{11}, G_{12}, G_{22}, \\sigma^2)`, so
    :math:`\\partial\\Phi/\\partial\\phi_k = \\Phi X'V^{-1}V_kV^{-1}X\\Phi` and the
    observed information is :math:`-\\tfrac12 \\mathrm{tr}(PV_kPV_l) + y'PV_kPV_lPy`
    (P the REML projection), summed over participants. As ``lmerTest``, A is taken in
    lme4's parametrisation :math:`\\psi` (relative Cholesky factor of G, :math:`\\sigma`)
    by the chain rule and a Moore-Penrose inverse, so it stays defined at a singular fit.
    Satterthwaite (1946), Biometrics Bull 2:110-114; Kuznetsova, Brockhoff & Christensen
    (2017), J Stat Softw 82(13).

    Examples
    --------
    Balanced data: REML equals the moment estimates from each participant's own line,
    the slope is the mean of their slopes and its degrees of freedom are G - 1 = 3.

    >>> t = np.tile([0.0, 1.0, 2.0], 4)
    >>> y = np.array([0, 2, 3, 4, 5, 7, 1, 4, 8, 6, 9, 11], dtype=float)
    >>> x = np.column_stack([np.ones(12), t])
    >>> lines = np.array([np.polyfit(t[:3], y[i:i + 3], 1)[::-1] for i in (0, 3, 6, 9)])
    >>> s2 = float(np.sum((y.reshape(4, 3) - lines @ x[:3].T) ** 2) / 4)
    >>> g = np.cov(lines.T) - s2 * np.linalg.inv(x[:3].T @ x[:3])
    >>> fit = lmm_satterthwaite(x, x, y, np.repeat([1, 2, 3, 4], 3), g, s2)
    >>> round(fit.df(np.array([0.0, 1.0])), 6), round(float(fit.beta[1]), 6)
    (3.0, 2.25)
    """
    blocks = _group_blocks(groups)
    inverses = [np.linalg.inv(z[r] @ g @ z[r].T + s2 * np.eye(len(r))) for r in blocks]
    cov = np.linalg.inv(sum(x[r].T @ w @ x[r] for r, w in zip(blocks, inverses, strict=True)))
    beta = cov @ sum(x[r].T @ w @ y[r] for r, w in zip(blocks, inverses, strict=True))
    try:
        df = _satterthwaite_df(x, z, y, beta, blocks, inverses, cov, g, s2)
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        def df(vec: np.ndarray) -> float:  # singular information: intervals left out
            return math.nan
    return SmallSampleInference(beta, cov, df)


def _satterthwaite_df(x: np.ndarray, z: np.ndarray, y: np.ndarray, beta: np.ndarray,
                      blocks: list, inverses: list, cov: np.ndarray, g: np.ndarray, s2: float
                      ) -> Callable[[np.ndarray], float]:
    """REML score and observed information in phi = (G11, G12, G22, s2), carried by the
    chain rule to psi = (l11, l21, l22, sigma); ``middle`` = J A J' with A the
    Moore-Penrose inverse of the observed information in psi."""
    p = x.shape[1]
    q, r2, t2 = np.zeros((4, p, p)), np.zeros((4, 4, p, p)), np.zeros((4, 4))
    tr1, a, b, c = np.zeros(4), np.zeros(4), np.zeros((4, 4)), np.zeros((4, p))
    for rows, w in zip(blocks, inverses, strict=True):
        z0, z1 = z[rows, 0], z[rows, 1]
        dv = np.stack([np.outer(z0, z0), np.outer(z0, z1) + np.outer(z1, z0), np.outer(z1, z1),
                       np.eye(len(rows))])  # dV_i / dphi_k
        wx, s = w @ x[rows], w @ (y[rows] - x[rows] @ beta)  # W X and P y of the block
        wdv, vwx, vs = w @ dv, dv @ wx, dv @ s
        q += np.einsum("ia,kib->kab", wx, vwx)
        r2 += np.einsum("kia,ij,ljb->klab", vwx, w, vwx)
        t2 += np.einsum("kij,lji->kl", wdv, wdv)
        tr1 += np.einsum("kii->k", wdv)
        a += vs @ s
        b += vs @ w @ vs.T
        c += vs @ wx
    return _satterthwaite_df_from_sums(q, r2, t2, tr1, a, b, c, cov, g, s2)


def _satterthwaite_df_from_sums(q: np.ndarray, r2: np.ndarray, t2: np.ndarray,
                                tr1: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray,
                                cov: np.ndarray, g: np.ndarray, s2: float
                                ) -> Callable[[np.ndarray], float]:
    """``df(L)`` from the participant sums of :func:`_satterthwaite_df` (also summed by
    :func:`~iedereen_doet_mee.analysis.wage_value.batched.lmm_satterthwaite_batched`)."""
    cq = cov @ q  # (4, p, p): Phi Q_k
    score = -0.5 * (tr1 - np.einsum("kaa->k", cq)) + 0.5 * a
    hess = (0.5 * (t2 - 2 * np.einsum("ab,klba->kl", cov, r2)
                   + np.einsum("kab,lba->kl", cq, cq)) - (b - c @ cov @ c.T))
    sigma = math.sqrt(s2)
    l11 = math.sqrt(max(g[0, 0], 0.0) / s2)
    l21 = g[0, 1] / (s2 * l11) if l11 > 0 else 0.0
    l22 = math.sqrt(max(g[1, 1] / s2 - l21**2, 0.0))
    jac = np.array([[2 * s2 * l11, 0, 0, 2 * sigma * l11**2],
                    [s2 * l21, s2 * l11, 0, 2 * sigma * l11 * l21],
                    [0, 2 * s2 * l21, 2 * s2 * l22, 2 * sigma * (l21**2 + l22**2)],
                    [0, 0, 0, 2 * sigma]])
    second = np.zeros((4, 4, 4))  # d2 phi_k / dpsi dpsi, psi = (l11, l21, l22, sigma)
    for k, entries in enumerate([
            {(0, 0): 2 * s2, (0, 3): 4 * sigma * l11, (3, 3): 2 * l11**2},
            {(0, 1): s2, (0, 3): 2 * sigma * l21, (1, 3): 2 * sigma * l11,
             (3, 3): 2 * l11 * l21},
            {(1, 1): 2 * s2, (2, 2): 2 * s2, (1, 3): 4 * sigma * l21, (2, 3): 4 * sigma * l22,
             (3, 3): 2 * (l21**2 + l22**2)},
            {(3, 3): 2.0}]):
        for (i, j), value in entries.items():
            second[k, i, j] = second[k, j, i] = value
    information = -(jac.T @ hess @ jac + np.einsum("k,kij->ij", score, second))
    middle = jac @ np.linalg.pinv(information, hermitian=True) @ jac.T
    derivative = cq @ cov  # dPhi / dphi_k = Phi Q_k Phi

    def df(vec: np.ndarray) -> float:
        grad = np.einsum("a,kab,b->k", vec, derivative, vec)
        denominator = float(grad @ middle @ grad)
        return 2 * float(vec @ cov @ vec) ** 2 / denominator if denominator > 0 else math.nan

    return df


def within_ols(x: np.ndarray, y: np.ndarray, groups: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The within (fixed-effects) least-squares fit, by linearmodels' ``PanelOLS``.

    ``PanelOLS(y, x, entity_effects=True)`` with the groups as entities gives the
    coefficients and the residuals of the demeaned model; the design demeaned per group
    is linearmodels' own (``PanelData.demean("entity")``). :func:`within_cr2` puts the
    CR2 covariance on top.

    Parameters
    ----------
    x : numpy.ndarray
        Regressors (n, k), not yet demeaned; no intercept.
    y : numpy.ndarray
        Response (n,).
    groups : numpy.ndarray
        Group (participant) of each row (n,).

    Returns
    -------
    tuple of numpy.ndarray
        The demeaned design (n, k), the coefficients (k,), ``(X'X)^-1`` of the demeaned
        design (k, k) and the residuals (n,), rows in the order of the input. Raises
        :class:`numpy.linalg.LinAlgError` when the regressors are collinear or absorbed
        by the group effects.

    Examples
    --------
    >>> t = np.tile([0.0, 1.0, 2.0], 2)
    >>> xd, beta, m, resid = within_ols(t[:, None], np.array([1.0, 2, 4, 3, 3, 4]),
    ...                                 np.repeat(["a", "b"], 3))
    >>> xd[:3, 0].tolist(), round(float(beta[0]), 6), round(float(m[0, 0]), 6)
    ([-1.0, 0.0, 1.0], 1.0, 0.25)
    """
    from linearmodels.panel import PanelOLS
    from linearmodels.panel.utility import AbsorbingEffectError

    entity = pd.Series(pd.factorize(np.asarray(groups))[0])
    # no residual degrees of freedom (rows <= groups + slopes): the residuals are zero and
    # no standard error exists; said here, not left to linearmodels, whose older releases
    # (the lower bound 5.x) divide by zero on it while newer ones return a fit
    if len(entity) - entity.nunique() - x.shape[1] <= 0:
        raise np.linalg.LinAlgError(
            f"no residual degrees of freedom ({len(entity)} measurements, "
            f"{entity.nunique()} participants, {x.shape[1]} slopes)")
    # a row number within the group as time: PanelOLS needs (entity, time) unique
    index = pd.MultiIndex.from_arrays([entity, entity.groupby(entity).cumcount()],
                                      names=["group", "row"])
    exog = pd.DataFrame(x, index=index, columns=[f"x{j}" for j in range(x.shape[1])])
    try:
        model = PanelOLS(pd.Series(y, index=index, name="y"), exog, entity_effects=True)
        fit = model.fit()
    except (ValueError, AbsorbingEffectError) as error:  # rank deficient or absorbed
        raise np.linalg.LinAlgError(str(error).strip().split("\n")[0]) from error
    xd = model.exog.demean("entity").dataframe.loc[index].to_numpy()
    return (xd, fit.params.to_numpy(), np.linalg.inv(xd.T @ xd),
            fit.resids.loc[index].to_numpy())


def within_cr2(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> SmallSampleInference:
    """Within (fixed-effects) OLS with CR2 covariance and Bell-McCaffrey df.

    Parameters
    ----------
    x : numpy.ndarray
        Regressors (n, k), not yet demeaned; no intercept (each group has its own).
    y : numpy.ndarray
        Response (n,).
    groups : numpy.ndarray
        Cluster (participant) of each row (n,); every group needs two or more rows.

    Returns
    -------
    SmallSampleInference
        Slopes, their CR2 covariance clustered by group and ``df(L)``. Raises
        :class:`numpy.linalg.LinAlgError` when the demeaned regressors are collinear.

    Notes
    -----
    OLS of :math:`\\ddot y` on :math:`\\ddot X`, both demeaned per group (linearmodels'
    ``PanelOLS(entity_effects=True)``, :func:`within_ols`); covariance
    :math:`M \\sum_i \\ddot X_i' A_i e_i e_i' A_i \\ddot X_i M`, :math:`M = (\\ddot
    X'\\ddot X)^{-1}`, :math:`A_i = (I - H_{ii})^{+1/2}` (Moore-Penrose square root), H the
    hat matrix of the model with group dummies: :math:`H_{ii} = J/n_i + \\ddot X_i M
    \\ddot X_i'` (Bell & McCaffrey 2002, Survey Methodology 28:169-181). Degrees of
    freedom of :math:`c'\\beta` under independent equal-variance working errors:
    :math:`(\\sum \\lambda)^2 / \\sum \\lambda^2`, :math:`\\lambda` the eigenvalues of the
    G x G matrix with entries :math:`[i = j]\\, m'E_i m - s_i' M s_j`, :math:`m = Mc`,
    :math:`s_i = F_i m`, :math:`F_i = \\ddot X_i' A_i \\ddot X_i`, :math:`E_i = \\ddot X_i'
    A_i (I - J/n_i) A_i \\ddot X_i` (Imbens & Kolesar 2016, Rev Econ Stat 98:701-712;
    Pustejovsky & Tipton 2018, J Bus Econ Stat 36:672-683; R ``clubSandwich``).

    Examples
    --------
    A balanced panel of G = 3 participants: the degrees of freedom are G - 1.

    >>> t = np.tile([0.0, 1.0, 2.0], 3)
    >>> y = np.array([1.0, 2.0, 4.0, 3.0, 3.5, 4.5, 0.0, 2.0, 3.0])
    >>> fit = within_cr2(t[:, None], y, np.repeat(["a", "b", "c"], 3))
    >>> round(float(fit.beta[0]), 6), round(fit.df(np.array([1.0])), 6)
    (1.25, 2.0)
    """
    blocks = _group_blocks(groups)
    xd, beta, m, resid = within_ols(x, y, groups)
    k = xd.shape[1]
    meat, f, e = np.zeros((k, k)), [], []
    for rows in blocks:
        xi, size = xd[rows], len(rows)
        centre = np.eye(size) - 1.0 / size  # I - J/n: the participant's own intercept
        values, vectors = np.linalg.eigh(centre - xi @ m @ xi.T)  # I - H_ii
        root = vectors @ np.diag(np.where(values > 1e-10, 1 / np.sqrt(np.clip(
            values, 1e-300, None)), 0.0)) @ vectors.T  # A_i = (I - H_ii)^(+1/2)
        u = xi.T @ root @ resid[rows]
        meat += np.outer(u, u)
        f.append(xi.T @ root @ xi)
        e.append(xi.T @ root @ centre @ root @ xi)
    return SmallSampleInference(beta, m @ meat @ m,
                                _bell_mccaffrey_df(m, np.asarray(f), np.asarray(e)))


def _bell_mccaffrey_df(m: np.ndarray, f_all: np.ndarray, e_all: np.ndarray
                       ) -> Callable[[np.ndarray], float]:
    """``df(c)`` of :func:`within_cr2` from M and the participants' F_i and E_i (G, k, k)."""
    def df(vec: np.ndarray) -> float:
        mv = m @ vec
        diag, s = np.einsum("a,gab,b->g", mv, e_all, mv), f_all @ mv
        h = np.einsum("ga,ab,gb->g", s, m, s)
        t = m @ s.T @ s
        total, squares = (diag - h).sum(), (diag**2 - 2 * diag * h).sum() + np.trace(t @ t)
        return float(total**2 / squares) if squares > 0 else math.nan

    return df
