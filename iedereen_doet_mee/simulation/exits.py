"""Competing exits from benefit, leaving the project and loss to follow-up.

The reason a participant leaves benefit within 24 months is drawn so that each cell's
share of every reason equals its parameter exactly (in the absence of censoring):

* a work exit is decided by ``U = Phi(rho * z + sqrt(1 - rho^2) * e)``: regular work
  when ``U > 1 - p_regular``, subsidised work when ``U`` lies in the next
  ``p_subsidised``; so people with a better prognosis ``z`` find work first, and a
  person in a cell with a higher share finds work whenever they would in a cell with
  a lower share (monotone potential outcomes);
* otherwise an independent uniform picks education, moved, unlawful, other or no exit
  with probabilities proportional to their shares.

The time of an exit within 24 months follows a Weibull truncated at 24 months;
people without an exit by then leave later at a constant yearly rate. Times are in
months since enrolment.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.special import ndtr

from ..design.trial_design import EXIT_REASONS, TrialDesign
from .parameters import SimulationParameters
from .population import Population, correlated_normal

__all__ = ["ExitTimes", "draw_exits", "draw_exits_by_cell", "exit_share_table",
           "truncated_weibull"]

HORIZON_MONTHS = 24.0


@dataclasses.dataclass(frozen=True)
class ExitTimes:
    """Latent (uncensored) times in months since enrolment and the exit reason."""

    reason: np.ndarray  # object array of EXIT_REASONS
    exit_time: np.ndarray
    dropout_time: np.ndarray
    loss_time: np.ndarray
    project_end_time: np.ndarray
    reason_index: np.ndarray  # position of the reason in EXIT_REASONS


def truncated_weibull(u: np.ndarray, shape: float, scale: float, upper: float) -> np.ndarray:
    """Inverse-CDF draw of a Weibull(shape, scale) truncated to ``(0, upper]``.

    Examples
    --------
    >>> round(float(truncated_weibull(np.array([1.0]), 1.5, 10.0, 24.0)[0]), 9)
    24.0
    """
    f_upper = -np.expm1(-((upper / scale) ** shape))
    return scale * (-np.log1p(-u * f_upper)) ** (1.0 / shape)


def _rate_from_share(share: float, months: float) -> float:
    """Constant monthly hazard that gives ``share`` events within ``months``."""
    return -np.log1p(-share) / months if share < 1 else np.inf


def exit_share_table(design: TrialDesign, params: SimulationParameters) -> np.ndarray:
    """Share by 24 months of each exit reason (columns, in ``EXIT_REASONS`` order) for
    each cell of the design (rows, in ``design.cells`` order).

    Examples
    --------
    >>> from iedereen_doet_mee.simulation.parameters import SimulationParameters
    >>> exit_share_table(TrialDesign(), SimulationParameters())[:, 0].tolist()
    [0.12, 0.18, 0.2, 0.3]
    """
    shares = params.exit_shares(design)
    return np.asarray([[shares[(c.stratum, c.arm)][r] for r in EXIT_REASONS]
                       for c in design.cells], dtype=float)


def draw_exits(design: TrialDesign, params: SimulationParameters, people: Population,
               rng: np.random.Generator) -> ExitTimes:
    """Draw exit reason and time, dropout, loss to follow-up and end of trajectory."""
    cell = np.zeros(people.ids.size, dtype=np.int64)
    for k, c in enumerate(design.cells):
        cell[(people.stratum == c.stratum) & (people.arm == c.arm)] = k
    return draw_exits_by_cell(exit_share_table(design, params), cell, people.prognosis,
                              params, rng)


def draw_exits_by_cell(shares: np.ndarray, cell: np.ndarray, prognosis: np.ndarray,
                       params: SimulationParameters, rng: np.random.Generator) -> ExitTimes:
    """Draw exits given each person's cell (a row of ``shares``) and latent prognosis.

    The core of :func:`draw_exits`, shared with the design diagnosis, which simulates
    many trials at once and knows every person's cell by index.
    """
    n = prognosis.size
    work = ndtr(correlated_normal(prognosis, params.prognosis_correlation, rng))
    other = rng.random(n)
    no_regular = 1 - shares[:, 0]
    no_work = no_regular - shares[:, 1]
    index = np.full(n, -1)
    index[work > no_regular[cell]] = 0
    index[(index < 0) & (work > no_work[cell])] = 1
    rest = np.flatnonzero(index < 0)
    cumulative = np.cumsum(shares[:, 2:], axis=1)
    scaled = other[rest] * no_work[cell[rest]]
    pick = (scaled[:, None] >= cumulative[cell[rest]]).sum(axis=1)  # 4: no exit by 24 months
    exits = pick < cumulative.shape[1]
    index[rest[exits]] = 2 + pick[exits]
    time = np.full(n, np.nan)
    u = rng.random(n)
    for k, reason in enumerate(EXIT_REASONS):
        mask = index == k
        shape, scale = params.exit_time_shapes[reason]
        time[mask] = truncated_weibull(u[mask], shape, scale, HORIZON_MONTHS)
    late = np.flatnonzero(index < 0)
    rate = _rate_from_share(params.exit_rate_after_24m_per_year, 12.0)
    late_time = HORIZON_MONTHS + rng.exponential(1.0 / rate, size=n) if np.isfinite(rate) and \
        rate > 0 else np.full(n, np.inf)
    weights = np.cumsum(shares / np.maximum(shares.sum(axis=1, keepdims=True), 1e-300), axis=1)
    late_u = rng.random(n)[late]
    late_pick = (late_u[:, None] >= weights[cell[late]]).sum(axis=1)
    index[late] = np.minimum(late_pick, len(EXIT_REASONS) - 1)
    time[late] = late_time[late]
    reason = np.asarray(EXIT_REASONS, dtype=object)[index]
    dropout = rng.exponential(1.0, size=n) / _rate_from_share(params.dropout_24m, 24.0) \
        if params.dropout_24m > 0 else np.full(n, np.inf)
    loss = rng.exponential(1.0, size=n) / _rate_from_share(params.loss_to_follow_up_24m, 24.0) \
        if params.loss_to_follow_up_24m > 0 else np.full(n, np.inf)
    project_end = np.minimum.reduce([time, dropout, np.full(n, float(params.trajectory_months))])
    return ExitTimes(reason, time, dropout, loss, project_end, index)
