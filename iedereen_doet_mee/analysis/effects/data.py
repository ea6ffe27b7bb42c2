"""The data contract of the instrument-effect analyses, and their shared arithmetic.

Every estimator of the effect of instruments (:mod:`.effects` and its sister modules
``effects_risk``, ``effects_logistic``, ``effects_exact``, ``effects_adjusted`` and
``randomisation_inference``) reads a tidy frame with a binary outcome, a stratum
(band) and an arm. :func:`binary_effect_data` checks that frame once and turns it
into arrays; :func:`ols_hc2` and :func:`wald_row` are the small pieces of arithmetic
they share.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ..common import z_value
from ..results import NotEstimable, not_estimable_row, tidy_row

__all__ = ["UNADJUSTED_NOTE", "BinaryEffectData", "binary_effect_data",
           "ols_hc2", "wald_row"]

#: Said by every unadjusted comparison of arms.
UNADJUSTED_NOTE = ("Unadjusted comparison of arms: an effect of instruments only when they "
                   "were randomised within band; with assigned allocation use "
                   "adjusted_effects.")


@dataclasses.dataclass(frozen=True)
class BinaryEffectData:
    """A checked frame as arrays: outcome ``y`` (0/1), arm ``t`` (1 = treated), band codes.

    ``frame`` holds the rows used (index reset), so estimators that need further
    columns (covariates, enrolment dates) read them from there.
    """

    frame: pd.DataFrame
    y: np.ndarray
    t: np.ndarray
    band: np.ndarray
    levels: tuple[str, ...]
    stratum: str
    control: str | None  # None: a single-arm design
    treated: str
    notes: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of participants used."""
        return int(self.y.size)

    def band_term(self, k: int) -> str:
        """The tidy ``term`` of band ``k``, e.g. ``"band=40-60"``."""
        return f"{self.stratum}={self.levels[k]}"

    def counts(self, mask: np.ndarray | None = None) -> tuple[int, int, int, int]:
        """Events and sizes ``(x1, n1, x0, n0)`` of treated and control within ``mask``."""
        keep = np.ones(self.n, dtype=bool) if mask is None else mask
        treated, control = keep & (self.t == 1), keep & (self.t == 0)
        return (int(self.y[treated].sum()), int(treated.sum()),
                int(self.y[control].sum()), int(control.sum()))

    def subset(self, keep: np.ndarray) -> BinaryEffectData:
        """The same data restricted to the rows where ``keep`` is true."""
        return dataclasses.replace(self, frame=self.frame.loc[keep].reset_index(drop=True),
                                   y=self.y[keep], t=self.t[keep], band=self.band[keep])

    def arms_in_band(self, k: int) -> bool:
        """Whether band ``k`` has participants in both arms."""
        _, n1, _, n0 = self.counts(self.band == k)
        return n1 > 0 and n0 > 0

    def cells(self) -> pd.DataFrame:
        """Participants, events and share of every band and arm (a descriptive table)."""
        rows = []
        for k, level in enumerate(self.levels):
            x1, n1, x0, n0 = self.counts(self.band == k)
            for arm, x, m in ((self.control, x0, n0), (self.treated, x1, n1)):
                rows.append((level, arm, m, x, x / m if m else math.nan))
        return pd.DataFrame(rows, columns=[self.stratum, "arm", "n", "events", "share"])


def _as_binary(values: pd.Series, function: str, column: str) -> pd.Series:
    """0/1 floats with NaN for missing; a ValueError for anything else."""
    if values.dtype.kind == "b":
        return values.astype(float)
    numeric = pd.to_numeric(values.astype(object).where(values.notna(), np.nan),
                            errors="coerce").astype(float)
    bad = values.notna() & ~numeric.isin([0.0, 1.0])
    if bad.any():
        example = values[bad].iloc[0]
        raise ValueError(f"{function}: column {column!r} must be binary (True/False or "
                         f"1/0, missing allowed); found {example!r}")
    return numeric


def binary_effect_data(data: pd.DataFrame, *, function: str, outcome: str, stratum: str,
                       arm: str, control: str | None, treated: str,
                       strata: Sequence[str] | None = None,
                       extra_columns: Sequence[str] = ()) -> BinaryEffectData:
    """Check ``data`` and return its outcome, arm and band as arrays.

    Rows with a missing outcome, band or arm are left out (and counted in the notes);
    an arm other than ``control`` and ``treated``, a band outside ``strata`` or a
    non-binary outcome raises a ValueError naming the value. ``control=None`` (a
    single-arm design) allows ``treated`` only.

    Examples
    --------
    >>> frame = pd.DataFrame({"regular_work": [True, False, None], "band": ["a", "a", "b"],
    ...                       "instruments": ["yes", "no", "no"]})
    >>> d = binary_effect_data(frame, function="f", outcome="regular_work", stratum="band",
    ...                        arm="instruments", control="no", treated="yes")
    >>> d.n, d.levels, d.counts()
    (2, ('a', 'b'), (1, 1, 0, 1))
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{function}: data must be a pandas DataFrame, got "
                         f"{type(data).__name__}")
    needed = [outcome, stratum, arm, *extra_columns]
    absent = [c for c in dict.fromkeys(needed) if c not in data.columns]
    if absent:
        raise ValueError(f"{function}: column(s) {absent} not found in data; name the "
                         f"columns with the keyword arguments (columns present: "
                         f"{list(data.columns)})")
    if control == treated:
        raise ValueError(f"{function}: control and treated arm are both {control!r}; "
                         "name two different arms")
    y = _as_binary(data[outcome], function, outcome)
    arms = data[arm].astype(object)
    unknown = sorted({str(a) for a in arms.dropna()} - {control, treated})
    if unknown:
        allowed = (f"allowed are control={control!r} and treated={treated!r}"
                   if control is not None else f"allowed is treated={treated!r} (one arm)")
        raise ValueError(f"{function}: column {arm!r} holds arm(s) {unknown}; {allowed}")
    bands = data[stratum].astype(object)
    present = sorted({str(b) for b in bands.dropna()})
    levels = tuple(strata) if strata is not None else tuple(present)
    outside = sorted(set(present) - set(levels))
    if outside:
        raise ValueError(f"{function}: column {stratum!r} holds band(s) {outside} that the "
                         f"design does not declare; allowed are {list(levels)}")
    keep = (y.notna() & arms.notna() & bands.notna()).to_numpy()
    notes = []
    if (~keep).sum():
        notes.append(f"{int((~keep).sum())} participant(s) left out: missing {outcome}, "
                     f"{stratum} or {arm}.")
    frame = data.loc[keep].reset_index(drop=True)
    codes = {level: k for k, level in enumerate(levels)}
    return BinaryEffectData(
        frame=frame,
        y=y.to_numpy()[keep].astype(float),
        t=(arms[keep].astype(str) == treated).to_numpy().astype(np.int64),
        band=np.asarray([codes[str(b)] for b in bands[keep]], dtype=np.int64),
        levels=levels, stratum=stratum, control=control, treated=treated,
        notes=tuple(notes))


def ols_hc2(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares coefficients and their HC2 covariance (MacKinnon & White 1985).

    ``V = (X'X)^-1 X' diag(e_i^2 / (1 - h_ii)) X (X'X)^-1``; entries are NaN when
    ``X`` is rank deficient or a leverage is 1 (a cell of one person), as R's
    ``sandwich::vcovHC``. statsmodels' ``OLS(y, X).fit(cov_type="HC2")`` gives the same
    numbers otherwise but answers both cases silently (a pseudo-inverse fit; a finite
    standard error that ignores the one-person arm), hence this function; pinned to it in
    ``tests/analysis/test_effects_libraries.py``.

    Examples
    --------
    >>> x = np.column_stack([np.ones(4), [0, 0, 1, 1]])
    >>> beta, v = ols_hc2(x, np.array([0.0, 1.0, 1.0, 1.0]))
    >>> beta.round(3).tolist(), round(float(np.sqrt(v[1, 1])), 3)
    ([0.5, 0.5], 0.5)
    """
    p = x.shape[1]
    nan = np.full(p, np.nan), np.full((p, p), np.nan)
    if x.shape[0] < p or np.linalg.matrix_rank(x) < p:
        return nan
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ (x.T @ y)
    resid = y - x @ beta
    hat = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        omega = np.where(hat < 1 - 1e-10, resid**2 / (1 - hat), np.nan)
    if np.isnan(omega).any():
        return beta, nan[1]
    meat = (x * omega[:, None]).T @ x
    return beta, xtx_inv @ meat @ xtx_inv


def wald_row(term: str, estimate: float, std_error: float, *, estimator: str, n: int,
             level: float, log: list[NotEstimable], why: str = "",
             exponentiate: bool = False) -> dict[str, Any]:
    """A tidy row with a Wald test of 0 and a Wald interval; NaN parts are recorded.

    With ``exponentiate`` the estimate and interval are ``exp`` of a log-scale
    estimate and ``std_error`` stays on the log scale. A missing estimate gives a
    not-estimable row (reason ``why``); a missing or zero standard error keeps the
    estimate and records why the rest is missing.
    """
    if not math.isfinite(estimate):
        return not_estimable_row(term, estimator=estimator, n=n, log=log,
                                 reason=why or "estimate is not finite")
    shown = math.exp(estimate) if exponentiate else estimate
    # a least-squares fit of a cell without variation leaves rounding noise (about
    # 1e-17) where the standard error is 0: treat it as 0, not as certainty
    if not math.isfinite(std_error) or std_error <= 1e-10 * max(1.0, abs(estimate)):
        log.append(NotEstimable(term, estimator, why or (
            "no variance estimate: no variation in the outcome or an arm of one person; "
            "the exact tests still answer")))
        return tidy_row(term, shown, estimator=estimator, n=n)
    z = z_value(level)
    low, high = estimate - z * std_error, estimate + z * std_error
    statistic = estimate / std_error
    p = float(2 * ndtr(-abs(statistic)))
    if exponentiate:
        low, high = math.exp(low), math.exp(high)
    return tidy_row(term, shown, estimator=estimator, n=n, std_error=std_error,
                    statistic=statistic, p_value=p, conf_low=low, conf_high=high)
