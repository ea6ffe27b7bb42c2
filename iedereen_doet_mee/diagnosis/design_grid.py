"""Redesign a trial: simulated power over a grid of sizes, effects, windows and attrition.

:func:`redesign` runs :func:`~iedereen_doet_mee.diagnosis.design_diagnosis.diagnose_design` once
per grid point (size per cell x assumed instruments effect x enrolment window x attrition)
into one tidy table, with the closed-form power beside the simulated power where a
closed form exists. :func:`minimum_detectable_effect` reads the smallest effect with 80%
power off the power curves, with a Monte Carlo interval, beside the closed form's.

Every grid point uses the same seed (common random numbers): points that differ only in
effect or attrition share every draw, and as outflow is a uniform compared with the
cell's share, a larger effect only adds outflow. Power curves are then smooth and
monotone up to the tests' discreteness, which steadies the interpolation; the price is
that neighbouring points' Monte Carlo errors are correlated (docs/redesign.md).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, signal, stats
from scipy.special import ndtri
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from ..analysis.common import check_level, z_value
from ..design.trial_design import TrialDesign
from ..seeds import DEFAULT_SEED
from ..simulation.design_settings import settings_for_design
from ..simulation.parameters import SimulationParameters
from .design_diagnosis import DEFAULT_CHUNK_SIZE, diagnose_design, with_outflow
from .isotonic import isotonic_regression
from .progress import ProgressBar

__all__ = ["DEFAULT_ESTIMATOR", "GRID_KEYS", "closed_form_mde", "closed_form_power",
           "minimum_detectable_effect", "redesign"]

#: Dimensions a grid may vary, in the order of the output's columns.
GRID_KEYS = ("n_per_cell", "effect", "enrolment_months", "attrition")
#: The primary instruments effect of a stratified trial, tested with a Wald test.
DEFAULT_ESTIMATOR = "overall|risk_difference_block_weighted"
NORMAL = "normal approximation, Cohen's h (statsmodels NormalIndPower)"
EXACT = "exact binomial distribution of the total (scipy), planned cell sizes"
_POOLED = ("overall|risk_difference_block_weighted", "overall|risk_difference_hc2",
           "pooled|fisher_exact_two_sided")
_TARGET_MET = "overall|binomial_exact_one_sided_target_met"
_TARGET_MISSED = "overall|binomial_exact_one_sided_target_missed"


def _arms(design: TrialDesign) -> tuple[int, int]:
    if len(design.arms) != 2:
        raise ValueError(f"redesign: an instruments effect needs two arms, the design has "
                         f"{len(design.arms)} ({', '.join(design.arms)})")
    control = design.arms.index(design.control_arm)
    return control, 1 - control


def _sizes(design: TrialDesign) -> np.ndarray:
    return np.array([[design.planned_size(s, a) for a in design.arms] for s in design.strata])


def _compared_bands(design: TrialDesign, estimator: str) -> list[int] | None:
    """Bands whose cells a comparison of two proportions pools; None for other tests."""
    if estimator in _POOLED:
        return list(range(len(design.strata)))
    return next(([b] for b, s in enumerate(design.strata) if estimator in
                 (f"band={s}|risk_difference_hc2", f"band={s}|fisher_exact_two_sided")), None)


#: Participants from which the distribution of the total outflow (a sum of the cells'
#: binomials) is convolved by FFT instead of directly. Direct convolution costs the
#: product of the lengths (3 minutes for four cells of 25,000); the FFT's rounding
#: (about 1e-16 of the largest probability, negative values set to 0) is far below what
#: a power shows. Below it the direct sum keeps the planned trial's numbers bit for bit.
FFT_CONVOLUTION_MIN_PARTICIPANTS = 2000


def _total_pmf(sizes: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Law of the total outflow, a sum of independent binomials (one per cell).

    scipy has it as ``scipy.stats.poisson_binom`` (one probability per participant),
    but not in the oldest scipy the package supports (1.11); the convolution equals it
    to 1e-9 (``tests/diagnosis/test_total_pmf_library.py``).
    """
    fft = int(sizes.sum()) >= FFT_CONVOLUTION_MIN_PARTICIPANTS
    pmf = np.ones(1)
    for n, p in zip(sizes.ravel(), shares.ravel(), strict=True):
        cell = stats.binom.pmf(np.arange(n + 1), n, p)
        pmf = np.clip(signal.fftconvolve(pmf, cell), 0, None) if fft else np.convolve(pmf, cell)
    return pmf


def closed_form_power(design: TrialDesign, shares: np.ndarray, *, estimator: str,
                      alpha: float = 0.05) -> tuple[float, str]:
    """Power of an estimator's test from a formula, for cell shares ``shares``.

    Parameters
    ----------
    design : TrialDesign
        Strata, arms, planned cell sizes and the outflow target.
    shares : array, shape (strata, arms)
        Regular-work share of each cell by 24 months (complete follow-up).
    estimator, alpha : str, float
        An estimator key of the diagnosis (Notes: which have a closed form); the level.

    Returns
    -------
    (float, str)
        The power and the method; ``(nan, "")`` for estimators without a closed form.

    Notes
    -----
    Pooled comparison (``overall|risk_difference_*``, ``pooled|fisher_exact_two_sided``;
    ``band=B|...`` uses band B's cells): pooled shares ``p1``, ``p0`` of ``n1``, ``n0``
    people, Cohen's ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p0))``, power
    ``Phi(|h|/s - z) + Phi(-|h|/s - z)``, ``s = sqrt(1/n1 + 1/n0)``, ``z = Phi^-1(1 -
    alpha/2)`` (Cohen 1988, ch. 6; statsmodels ``NormalIndPower``). Fisher's exact test
    is conservative: its power lies below. Against the target (``overall|binomial_*``):
    exact, the convolution of the cells' binomial counts summed over the exact one-sided
    binomial test's rejection region at the planned total.

    Cohen J (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed.

    Examples
    --------
    >>> design = TrialDesign(allocation="randomised")
    >>> shares = np.array([[0.12, 0.22], [0.20, 0.30]])
    >>> power, method = closed_form_power(design, shares, estimator="overall|risk_difference_hc2")
    >>> round(power, 3), method.split(",")[0]
    (0.235, 'normal approximation')
    """
    shares = np.asarray(shares, dtype=float)
    sizes = _sizes(design)
    if estimator in (_TARGET_MET, _TARGET_MISSED):
        if design.target_outflow is None:  # no target declared: no test against one
            return math.nan, ""
        pmf = _total_pmf(sizes, shares)
        total, k = int(sizes.sum()), np.arange(sizes.sum() + 1)
        q = design.target_outflow
        p = stats.binom.sf(k - 1, total, q) if estimator == _TARGET_MET else \
            stats.binom.cdf(k, total, q)
        return float(pmf[p <= alpha].sum()), EXACT
    bands = _compared_bands(design, estimator) if len(design.arms) == 2 else None
    if bands is None:
        return math.nan, ""
    c, t = _arms(design)
    n1, n0 = sizes[bands, t].sum(), sizes[bands, c].sum()
    h = float(proportion_effectsize(sizes[bands, t] @ shares[bands, t] / n1,
                                    sizes[bands, c] @ shares[bands, c] / n0))
    return float(NormalIndPower().power(h, nobs1=n1, alpha=alpha, ratio=n0 / n1,
                                        alternative="two-sided")), NORMAL


def closed_form_mde(design: TrialDesign, control: Sequence[float], *, estimator: str,
                    alpha: float = 0.05, power: float = 0.8) -> tuple[float, str]:
    """Smallest effect, added to every band's control share, with power ``power``.

    The normal formulas are inverted with statsmodels' ``solve_power`` (for ``h``) and
    ``p1 = sin^2(asin(sqrt(p0)) + h/2)``; the exact binomial power against the target
    is inverted by root finding (it increases continuously with the effect). NaN when
    no effect up to a share of 1 reaches ``power`` or the estimator has no closed form
    (the test that the target is missed has no effect to detect), and for the tests
    against the target when the design declares none.

    Examples
    --------
    >>> design = TrialDesign(allocation="randomised", n_per_cell=40)
    >>> mde, _ = closed_form_mde(design, [0.12, 0.20], estimator="overall|risk_difference_hc2")
    >>> round(mde, 3)
    0.19
    """
    c, t = _arms(design)
    base = np.asarray(control, dtype=float)
    sizes = _sizes(design)
    if estimator == _TARGET_MET and design.target_outflow is None:
        return math.nan, ""
    if estimator == _TARGET_MET:
        def gap(effect: float) -> float:
            shares = np.empty(sizes.shape)
            shares[:, c], shares[:, t] = base, base + effect
            return closed_form_power(design, shares, estimator=estimator, alpha=alpha)[0] - power
        high = 1.0 - float(base.max())
        if gap(high) < 0:
            return math.nan, EXACT
        if gap(0.0) >= 0:
            return 0.0, EXACT
        return float(optimize.brentq(gap, 0.0, high, xtol=1e-10)), EXACT
    bands = _compared_bands(design, estimator)
    if bands is None:
        return math.nan, ""
    n1, n0 = sizes[bands, t].sum(), sizes[bands, c].sum()
    p0, p1_base = sizes[bands, c] @ base[bands] / n0, sizes[bands, t] @ base[bands] / n1
    h = float(NormalIndPower().solve_power(effect_size=None, nobs1=n1, alpha=alpha,
                                           power=power, ratio=n0 / n1))
    angle = math.asin(math.sqrt(p0)) + h / 2
    if angle > math.pi / 2:
        return math.nan, NORMAL
    return float(math.sin(angle) ** 2 - p1_base), NORMAL


_ALLOWED = {"n_per_cell": "whole numbers of at least 1", "effect": "finite numbers",
            "enrolment_months": "whole numbers of at least 1", "attrition": "shares in [0, 1)"}


def _check_grid(grid: Mapping[str, Sequence]) -> dict[str, tuple]:
    if not isinstance(grid, Mapping) or set(grid) - set(GRID_KEYS):
        extra = sorted(map(str, set(grid) - set(GRID_KEYS))) if isinstance(grid, Mapping) else grid
        raise ValueError(f"redesign: grid must map {', '.join(GRID_KEYS)} to values; not "
                         f"allowed: {extra!r}")
    out = {}
    for key, values in grid.items():
        whole = key in ("n_per_cell", "enrolment_months")
        ok = isinstance(values, Sequence) and not isinstance(values, str) and len(values) > 0
        for v in values if ok else ():
            ok = ok and not isinstance(v, bool) and isinstance(v, int | float) and \
                math.isfinite(v) and (not whole or (float(v).is_integer() and v >= 1)) and \
                (key != "attrition" or 0 <= v < 1)
        if not ok or len(set(values)) != len(values):
            raise ValueError(f"redesign: grid[{key!r}] = {values!r} is not allowed; give "
                             f"distinct {_ALLOWED[key]}")
        out[key] = tuple(int(v) if whole else float(v) for v in values)
    return out


def _point(design: TrialDesign, parameters: SimulationParameters, control: np.ndarray | None,
           point: dict[str, Any]) -> tuple[TrialDesign, SimulationParameters]:
    changes = {k: point[k] for k in ("n_per_cell", "enrolment_months") if k in point}
    design = design.replace(**changes) if changes else design
    if "attrition" in point:
        parameters = dataclasses.replace(parameters, loss_to_follow_up_24m=point["attrition"])
    if "effect" in point:
        c, t = _arms(design)
        shares = np.empty((len(design.strata), 2))
        shares[:, c], shares[:, t] = control, control + point["effect"]
        if not ((shares >= 0) & (shares <= 1)).all():
            raise ValueError(f"redesign: effect {point['effect']:g} added to the control "
                             f"outflow {control.tolist()} gives a share outside [0, 1]")
        parameters = with_outflow(parameters, design, shares.ravel().tolist())
    return design, parameters


def redesign(design: TrialDesign | None = None, parameters: SimulationParameters | None = None,
             *, grid: Mapping[str, Sequence], sims: int = 1000, seed: int = DEFAULT_SEED,
             alpha: float = 0.05, full_follow_up: bool = False,
             control_outflow: Sequence[float] | None = None,
             chunk_size: int = DEFAULT_CHUNK_SIZE, executor: Executor | None = None,
             progress: bool = False) -> pd.DataFrame:
    """Diagnose ``design`` at every point of ``grid``; one tidy table.

    Parameters
    ----------
    design, parameters : optional
        The design and assumptions held fixed where the grid does not vary them.
    grid : mapping
        Values per dimension: ``n_per_cell`` (every cell), ``effect`` (added to each
        band's control share, risk-difference scale), ``enrolment_months``,
        ``attrition`` (share lost to follow-up within 24 months). Absent dimensions stay
        as declared; without ``effect`` the cells keep the parameters' shares.
    sims, seed, alpha, full_follow_up, chunk_size, executor
        As :func:`diagnose_design`; every grid point uses the same ``seed`` (common
        random numbers; see the module's docstring).
    control_outflow : sequence of float, optional
        Control share of each stratum, in the design's order (default: the parameters').
    progress : bool
        Show a progress bar over grid points on standard error.

    Returns
    -------
    pandas.DataFrame
        One row per grid point x estimator x diagnosand: the grid columns, then
        ``estimator_key, diagnosand, value, mc_se, closed_form, closed_form_method``
        (``closed_form`` on power rows only, see :func:`closed_form_power`). The
        settings are in ``frame.attrs["redesign"]``.

    Examples
    --------
    >>> frame = redesign(TrialDesign(allocation="randomised"), grid={"effect": [0.0, 0.2]},
    ...                  sims=200, seed=1, full_follow_up=True)
    >>> power = frame[(frame.estimator_key == "overall|risk_difference_hc2")
    ...               & (frame.diagnosand == "power")]
    >>> power[["effect", "closed_form"]].round(3).values.tolist()
    [[0.0, 0.05], [0.2, 0.641]]
    """
    design = TrialDesign() if design is None else design
    parameters = settings_for_design(design, parameters)
    grid = _check_grid(grid)
    control = None
    if control_outflow is not None and "effect" not in grid:
        raise ValueError("redesign: control_outflow needs an effect in the grid")
    if "effect" in grid:
        c, _ = _arms(design)
        default = [parameters.for_cell("regular_work_24m", s, design.arms[c])
                   for s in design.strata]
        control = np.asarray(default if control_outflow is None else control_outflow, float)
        if control.shape != (len(design.strata),) or not ((control >= 0) & (control <= 1)).all():
            raise ValueError(f"redesign: control_outflow must hold one share in [0, 1] per "
                             f"stratum ({', '.join(design.strata)}), got {control_outflow!r}")
    keys = [k for k in GRID_KEYS if k in grid]
    points = [dict(zip(keys, values, strict=True))
              for values in itertools.product(*(grid[k] for k in keys))]
    prepared = [_point(design, parameters, control, p) for p in points]  # fail before work
    bar = ProgressBar(len(points), label="grid points") if progress else None
    frames = []
    for point, (d, p) in zip(points, prepared, strict=True):
        diagnosis = diagnose_design(d, parameters=p, sims=sims, seed=seed, alpha=alpha,
                                    full_follow_up=full_follow_up, chunk_size=chunk_size,
                                    executor=executor)
        table = diagnosis.table[["estimator_key", "diagnosand", "value", "mc_se"]].copy()
        shares = np.array([[p.for_cell("regular_work_24m", s, a) for a in d.arms]
                           for s in d.strata])
        forms = {k: closed_form_power(d, shares, estimator=k, alpha=alpha)
                 for k in table["estimator_key"].unique()}
        found = [forms[k] if w == "power" else (math.nan, "")
                 for k, w in zip(table["estimator_key"], table["diagnosand"], strict=True)]
        table["closed_form"], table["closed_form_method"] = zip(*found, strict=True)
        frames.append(table.assign(
            n_per_cell=d.n_per_cell if isinstance(d.n_per_cell, int) else math.nan,
            effect=point.get("effect", math.nan), enrolment_months=d.enrolment_months,
            attrition=p.loss_to_follow_up_24m))
        if bar is not None:
            bar.advance(1)
    if bar is not None:
        bar.close()
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[[*GRID_KEYS, "estimator_key", "diagnosand", "value", "mc_se", "closed_form",
                   "closed_form_method"]]
    frame.attrs["redesign"] = {
        "design": design, "control_outflow": None if control is None else control.tolist(),
        "sims": sims, "seed": seed, "seed_policy": "common random numbers (the same seed at "
        "every grid point)", "alpha": alpha, "full_follow_up": full_follow_up,
        "allocation": design.allocation}
    return frame


def _crossing(effect: np.ndarray, power: np.ndarray, target: float, eps: float) -> float:
    """First effect where the monotone (isotonic) power curve reaches ``target``,
    interpolated linearly on the probit scale; NaN when it never does."""
    fitted = isotonic_regression(power)
    above = np.flatnonzero(fitted >= target)
    if not above.size:
        return math.nan
    i = int(above[0])
    if i == 0:
        return float(effect[0])
    g = ndtri(np.clip(fitted[i - 1:i + 1], eps, 1 - eps))
    return float(effect[i - 1] + (ndtri(target) - g[0]) * (effect[i] - effect[i - 1])
                 / (g[1] - g[0]))


def minimum_detectable_effect(frame: pd.DataFrame, *, estimator: str = DEFAULT_ESTIMATOR,
                              power: float = 0.8, level: float = 0.95) -> pd.DataFrame:
    """The smallest effect with ``power`` for every size, window and attrition of a grid.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table :func:`redesign` returned, with at least two non-negative effects.
    estimator : str
        Whose power (an ``estimator_key``).
    power, level : float
        Power to reach; level of the Monte Carlo interval.

    Returns
    -------
    pandas.DataFrame
        Per ``n_per_cell, enrolment_months, attrition``: ``mde`` with ``mde_low`` and
        ``mde_high``, ``status`` ("found", "at or below the smallest effect", "above
        the largest effect", "no power estimate"), ``closed_form_mde`` and its method.

    Notes
    -----
    The simulated powers over the grid's non-negative effects are made non-decreasing
    (isotonic regression) and interpolated linearly in ``Phi^-1(power)``, on which scale
    a normal test's power is close to linear in the effect. ``mde_low`` and ``mde_high``
    are where the upper and lower ends of the pointwise interval ``power +/- z mc_se``
    reach ``power``: the Monte Carlo uncertainty, not the interpolation error.

    Examples
    --------
    >>> frame = redesign(TrialDesign(allocation="randomised"), full_follow_up=True,
    ...                  grid={"effect": [0.1, 0.2, 0.3]}, sims=300, seed=1)
    >>> out = minimum_detectable_effect(frame, estimator="overall|risk_difference_hc2")
    >>> out[["status", "closed_form_mde"]].round(2).values.tolist()
    [['found', 0.25]]
    """
    settings = frame.attrs.get("redesign")
    if settings is None:
        raise ValueError("minimum_detectable_effect: the frame carries no settings "
                         "(frame.attrs['redesign']); pass the table redesign() returned")
    if not 0 < power < 1:
        raise ValueError(f"minimum_detectable_effect: power must lie in (0, 1), got {power!r}")
    z = z_value(check_level("minimum_detectable_effect", level))
    rows = frame[(frame["estimator_key"] == estimator) & (frame["diagnosand"] == "power")
                 & (frame["effect"] >= 0)]
    if rows["effect"].nunique() < 2:
        raise ValueError(f"minimum_detectable_effect: needs power of estimator {estimator!r} "
                         "at two or more non-negative effects of the grid")
    eps = 0.5 / settings["sims"]
    out = []
    for keys, part in rows.groupby(["n_per_cell", "enrolment_months", "attrition"],
                                   sort=False, dropna=False):
        part = part.dropna(subset=["value"]).sort_values("effect")
        e, v, se = (part[c].to_numpy() for c in ("effect", "value", "mc_se"))
        se = np.nan_to_num(se)
        mde = _crossing(e, v, power, eps) if e.size else math.nan
        status = ("no power estimate" if not e.size else "above the largest effect"
                  if math.isnan(mde) else "at or below the smallest effect" if mde == e[0]
                  else "found")
        design = settings["design"] if math.isnan(keys[0]) else \
            settings["design"].replace(n_per_cell=int(keys[0]))
        form = closed_form_mde(design, settings["control_outflow"], estimator=estimator,
                               alpha=settings["alpha"], power=power)
        bounds = [_crossing(e, v + s * se, power, eps) if e.size else math.nan for s in (z, -z)]
        out.append((*keys, estimator, mde, *bounds, status, *form))
    return pd.DataFrame(out, columns=["n_per_cell", "enrolment_months", "attrition",
                                      "estimator_key", "mde", "mde_low", "mde_high", "status",
                                      "closed_form_mde", "closed_form_method"])
