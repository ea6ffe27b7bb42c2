"""The wage-value small-sample inference, batched over participants of equal size.

:func:`~iedereen_doet_mee.analysis.wage_value.small_sample.lmm_satterthwaite` and
:func:`~iedereen_doet_mee.analysis.wage_value.small_sample.within_cr2` loop over
participants in Python, a few small matrix products each: about 10 s per 100,000
participants. The functions here compute the same sums with the participants stacked
by their number of measurements (a handful of distinct sizes), so each product runs
once per size over arrays of shape (participants, measurements, ...). The formulas are
those of the looped functions (see their docstrings and ``docs/methods.md``); only the
order of summation differs, so the results agree to rounding (about 1e-12 relative,
pinned by ``tests/analysis/test_wage_value_scale.py``).

The within fit itself is also the package's own here (:func:`within_ols_demeaned`: one
pandas group-mean pass over the design and the response, then the normal equations),
while the looped :func:`~iedereen_doet_mee.analysis.wage_value.small_sample.within_cr2`
takes it from linearmodels' ``PanelOLS``. The reason is speed: ``PanelOLS`` also computes
the R-squared variants, the pooled F test and a default covariance, which cost about
5 s at 100,000 participants (450,000 rows) against 0.25 s for the demeaning alone,
while the whole batched CR2 correction takes about 1 s.
``tests/analysis/test_wage_value_libraries.py`` pins its coefficients and residuals to
``PanelOLS(entity_effects=True)`` on the reference data.

:mod:`~iedereen_doet_mee.analysis.wage_value` uses these from
:data:`~iedereen_doet_mee.analysis.wage_value.reml.VECTORISED_MIN_PARTICIPANTS`
participants on; below it the looped functions keep the frozen numbers of the report.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from .small_sample import (
    SmallSampleInference,
    _bell_mccaffrey_df,
    _satterthwaite_df_from_sums,
)

__all__ = ["lmm_satterthwaite_batched", "within_cr2_batched", "within_ols_demeaned"]


def _stacks(groups: np.ndarray) -> Iterator[np.ndarray]:
    """Row positions of the groups, stacked by group size: arrays (groups, size).

    Examples
    --------
    >>> [s.tolist() for s in _stacks(np.array(["b", "a", "b", "c"]))]
    [[[1], [3]], [[0, 2]]]
    """
    codes, _ = pd.factorize(np.asarray(groups), sort=True)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    for size in np.unique(sizes):
        first = starts[sizes == size]
        yield order[first[:, None] + np.arange(size)[None, :]]


def lmm_satterthwaite_batched(x: np.ndarray, z: np.ndarray, y: np.ndarray,
                              groups: np.ndarray, g: np.ndarray, s2: float
                              ) -> SmallSampleInference:
    """:func:`~iedereen_doet_mee.analysis.wage_value.small_sample.lmm_satterthwaite`,
    batched by participant size (same arguments, same result to rounding).

    Examples
    --------
    >>> from iedereen_doet_mee.analysis.wage_value.small_sample import lmm_satterthwaite
    >>> t = np.tile([0.0, 1.0, 2.0], 4)[:-1]
    >>> y = np.array([0, 2, 3, 4, 5, 7, 1, 4, 8, 6, 9], dtype=float)
    >>> x = np.column_stack([np.ones(11), t])
    >>> groups, g = np.repeat([1, 2, 3, 4], 3)[:-1], np.array([[2.0, 0.3], [0.3, 0.5]])
    >>> a, b = lmm_satterthwaite(x, x, y, groups, g, 1.2), lmm_satterthwaite_batched(
    ...     x, x, y, groups, g, 1.2)
    >>> bool(np.allclose(a.cov, b.cov, rtol=1e-12)), round(a.df(x[1]) / b.df(x[1]), 12)
    (True, 1.0)
    """
    p = x.shape[1]
    stacks = []
    info, xwy = np.zeros((p, p)), np.zeros(p)
    for rows in _stacks(groups):
        zb, xb = z[rows], x[rows]  # (G, n, 2), (G, n, p)
        w = np.linalg.inv(zb @ g @ zb.transpose(0, 2, 1) + s2 * np.eye(rows.shape[1]))
        wx = w @ xb
        info += np.einsum("gia,gib->ab", xb, wx)
        xwy += np.einsum("gia,gi->a", wx, y[rows])
        stacks.append((rows, zb, xb, w, wx))
    cov = np.linalg.inv(info)
    beta = cov @ xwy
    q, r2, t2 = np.zeros((4, p, p)), np.zeros((4, 4, p, p)), np.zeros((4, 4))
    tr1, a, b, c = np.zeros(4), np.zeros(4), np.zeros((4, 4)), np.zeros((4, p))
    for rows, zb, xb, w, wx in stacks:
        z0, z1, size = zb[:, :, 0], zb[:, :, 1], rows.shape[1]
        eye = np.broadcast_to(np.eye(size), (rows.shape[0], size, size))
        dv = np.stack([z0[:, :, None] * z0[:, None, :],
                       z0[:, :, None] * z1[:, None, :] + z1[:, :, None] * z0[:, None, :],
                       z1[:, :, None] * z1[:, None, :], eye], axis=1)  # (G, 4, n, n)
        s = np.einsum("gij,gj->gi", w, y[rows] - xb @ beta)
        wdv = w[:, None] @ dv
        vwx = dv @ wx[:, None]  # (G, 4, n, p)
        vs = np.einsum("gkij,gj->gki", dv, s)
        wvwx = w[:, None] @ vwx
        q += np.einsum("gia,gkib->kab", wx, vwx)
        flat = vwx.transpose(1, 0, 2, 3).reshape(4, -1, p)
        wflat = wvwx.transpose(1, 0, 2, 3).reshape(4, -1, p)
        r2 += np.einsum("kna,lnb->klab", flat, wflat)
        t2 += np.einsum("gkij,glji->kl", wdv, wdv)
        tr1 += np.einsum("gkii->k", wdv)
        a += np.einsum("gki,gi->k", vs, s)
        b += np.einsum("gki,gij,glj->kl", vs, w, vs)
        c += np.einsum("gki,gia->ka", vs, wx)
    try:
        df = _satterthwaite_df_from_sums(q, r2, t2, tr1, a, b, c, cov, g, s2)
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        def df(vec: np.ndarray) -> float:  # singular information: intervals left out
            return math.nan
    return SmallSampleInference(beta, cov, df)


def within_ols_demeaned(x: np.ndarray, y: np.ndarray, groups: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The within (fixed-effects) least-squares fit by demeaning with pandas.

    :func:`~iedereen_doet_mee.analysis.wage_value.small_sample.within_ols` (linearmodels'
    ``PanelOLS``) without its extra statistics, for large trials (same arguments, same
    result to rounding; the module docstring says why).

    Returns
    -------
    tuple of numpy.ndarray
        The demeaned design, the coefficients, ``(X'X)^-1`` of the demeaned design and
        the residuals.

    Examples
    --------
    >>> t = np.tile([0.0, 1.0, 2.0], 2)
    >>> xd, beta, m, resid = within_ols_demeaned(t[:, None], np.array([1.0, 2, 4, 3, 3, 4]),
    ...                                          np.repeat(["a", "b"], 3))
    >>> xd[:3, 0].tolist(), round(float(beta[0]), 6), round(float(m[0, 0]), 6)
    ([-1.0, 0.0, 1.0], 1.0, 0.25)
    """
    both = pd.DataFrame(np.column_stack([x, y]))
    dm = (both - both.groupby(np.asarray(groups)).transform("mean")).to_numpy()
    xd, yd = dm[:, :-1], dm[:, -1]
    m = np.linalg.inv(xd.T @ xd)
    beta = m @ xd.T @ yd
    return xd, beta, m, yd - xd @ beta


def within_cr2_batched(x: np.ndarray, y: np.ndarray, groups: np.ndarray
                       ) -> SmallSampleInference:
    """:func:`~iedereen_doet_mee.analysis.wage_value.small_sample.within_cr2`, batched by
    participant size (same arguments, same result to rounding).

    Examples
    --------
    >>> from iedereen_doet_mee.analysis.wage_value.small_sample import within_cr2
    >>> t = np.array([0.0, 1.0, 2.0, 0.0, 1.5, 0.0, 1.0, 2.0, 3.0])
    >>> y = np.array([1.0, 2.0, 4.0, 3.0, 3.5, 0.0, 2.0, 3.0, 3.5])
    >>> groups = np.repeat(["a", "b", "c"], [3, 2, 4])
    >>> a, b = within_cr2(t[:, None], y, groups), within_cr2_batched(t[:, None], y, groups)
    >>> bool(np.allclose(a.cov, b.cov, rtol=1e-12)), round(a.df(np.ones(1)) / b.df(np.ones(1)), 12)
    (True, 1.0)
    """
    xd, beta, m, resid = within_ols_demeaned(x, y, groups)
    k = xd.shape[1]
    meat, f, e = np.zeros((k, k)), [], []
    for rows in _stacks(groups):
        xi, size = xd[rows], rows.shape[1]  # (G, n, k)
        centre = np.eye(size) - 1.0 / size
        values, vectors = np.linalg.eigh(centre - xi @ m @ xi.transpose(0, 2, 1))
        scale = np.where(values > 1e-10, 1 / np.sqrt(np.clip(values, 1e-300, None)), 0.0)
        root = (vectors * scale[:, None, :]) @ vectors.transpose(0, 2, 1)
        xr = xi.transpose(0, 2, 1) @ root  # X_i' A_i
        u = np.einsum("gaj,gj->ga", xr, resid[rows])
        meat += u.T @ u
        f.append(xr @ xi)
        e.append(xr @ centre @ root @ xi)
    return SmallSampleInference(beta, m @ meat @ m,
                                _bell_mccaffrey_df(m, np.concatenate(f), np.concatenate(e)))
