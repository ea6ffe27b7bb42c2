"""The chance of observed regular-work outflow per cell, in closed form, for large trials.

A design diagnosis of a trial of 100,000 participants cannot simulate thousands of
such trials person by person (about 1 microsecond per person: minutes per 1,000
trials). Its estimators need only the cell counts, though, and in the model of
:mod:`~iedereen_doet_mee.diagnosis.simulate_many` every participant of a cell flows
out, observed, with the same probability, independently of the others up to the
allocation's bookkeeping (permuted blocks, the ranking of assigned allocation).
:func:`observed_outflow_probability` computes that probability from the design and
the assumptions by the steps of the simulator, exactly up to numerical integration:

* exit to regular work within 24 months: the cell's share under randomised
  allocation; under assigned allocation the chance that the work index exceeds its
  threshold among those ranked into the arm (a bivariate normal probability, by
  quadrature over the prognosis);
* its time: the truncated Weibull of :func:`~iedereen_doet_mee.simulation.exits.truncated_weibull`,
  on the simulator's grid of whole days;
* observed when it falls on or before both the cut-off (enrolment day uniform over the
  window) and loss to follow-up (exponential);
* a later regular-work exit of those without an exit by 24 months, likewise.

:func:`draw_cell_counts` then draws each cell's participants and events from binomial
distributions. ``tests/diagnosis/test_outflow_probability.py`` compares both with the
person-level simulator within Monte Carlo error.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, stats
from scipy.special import ndtr, ndtri

from ..dates import DAYS_PER_MONTH
from ..design.trial_design import EXIT_REASONS, TrialDesign
from ..simulation.exits import HORIZON_MONTHS, exit_share_table
from ..simulation.parameters import SimulationParameters

__all__ = ["draw_cell_counts", "enrolled_share", "observed_outflow_probability"]


def _offsets(design: TrialDesign) -> tuple[int, int]:
    """Days in the enrolment window and the cut-off's day since enrolment opened."""
    window = (np.datetime64(design.enrolment_end, "D")
              - np.datetime64(design.enrolment_start, "D")).astype(int)
    cutoff = (np.datetime64(design.cutoff, "D")
              - np.datetime64(design.enrolment_start, "D")).astype(int)
    return int(window), int(cutoff)


def enrolled_share(design: TrialDesign) -> float:
    """Chance that a participant has enrolled by the cut-off (enrolment day uniform).

    Examples
    --------
    >>> enrolled_share(TrialDesign())
    1.0
    """
    window, cutoff = _offsets(design)
    return min(max(cutoff + 1, 0), window) / window


def _observed_share(cdf, design: TrialDesign, parameters: SimulationParameters,
                    last_day: int) -> float:
    """Chance that an exit whose time has distribution ``cdf`` (months) is observed:
    its whole day on or before both the days to the cut-off and the day of loss."""
    window, cutoff = _offsets(design)
    enrolled = min(cutoff, window - 1) + 1
    if enrolled <= 0:
        return math.nan
    day = np.arange(1, last_day + 1, dtype=float)
    # the simulator's day of a time t: max(1, ceil(t * DAYS_PER_MONTH))
    p_day = np.diff(cdf(np.concatenate([[0.0], day]) / DAYS_PER_MONTH), prepend=0.0)[1:]
    p_day[0] = cdf(1 / DAYS_PER_MONTH)
    share = parameters.loss_to_follow_up_24m
    rate = -math.log1p(-share) / 24.0 if 0 < share < 1 else (0.0 if share <= 0 else math.inf)
    kept = np.exp(-rate * (day - 1) / DAYS_PER_MONTH) if math.isfinite(rate) else \
        (day == 1).astype(float)
    # days to the cut-off C - offset with offset uniform on 0..min(C, window - 1)
    within = np.clip(np.minimum(cutoff - day, window - 1) + 1, 0, None) / enrolled
    return float(np.sum(p_day * kept * within))


def _regular_time_cdf(parameters: SimulationParameters):
    shape, scale = parameters.exit_time_shapes["regular_work"]
    top = -math.expm1(-((HORIZON_MONTHS / scale) ** shape))

    def cdf(t: np.ndarray) -> np.ndarray:
        t = np.minimum(np.asarray(t, dtype=float), HORIZON_MONTHS)
        return -np.expm1(-((t / scale) ** shape)) / top
    return cdf


def _late_time_cdf(parameters: SimulationParameters):
    share = parameters.exit_rate_after_24m_per_year
    rate = -math.log1p(-share) / 12.0 if 0 < share < 1 else (math.inf if share >= 1 else 0.0)

    def cdf(t: np.ndarray) -> np.ndarray:
        after = np.clip(np.asarray(t, dtype=float) - HORIZON_MONTHS, 0, None)
        if rate == 0:
            return np.zeros_like(after)
        return np.where(np.asarray(t) > HORIZON_MONTHS, -np.expm1(-rate * after), 0.0)
    return cdf


def _work_exceeds(threshold: float, parameters: SimulationParameters, treated_share: float,
                  treated: bool) -> float:
    """Chance that the work index exceeds ``threshold`` among those ranked into the arm:
    under assigned allocation the highest ``treated_share`` of keys get instruments."""
    rho = parameters.prognosis_correlation
    a = parameters.assignment_selection
    if treated_share in (0.0, 1.0) or a == 0:
        return float(ndtr(-threshold))
    cut = float(ndtri(1 - treated_share))  # key threshold between the arms
    s_w, s_k = math.sqrt(1 - rho * rho), math.sqrt(1 - a * a)

    def joint(z: float) -> float:
        work = ndtr((rho * z - threshold) / s_w) if s_w > 0 else float(rho * z > threshold)
        key = ndtr((a * z - cut) / s_k) if s_k > 0 else float(a * z > cut)
        return stats.norm.pdf(z) * work * (key if treated else 1 - key)

    value = integrate.quad(joint, -12, 12, epsabs=1e-13, epsrel=1e-11, limit=200)[0]
    return value / (treated_share if treated else 1 - treated_share)


def observed_outflow_probability(design: TrialDesign, parameters: SimulationParameters, *,
                                 full_follow_up: bool = False) -> np.ndarray:
    """Chance that an enrolled participant's regular-work outflow is observed, per cell.

    Parameters
    ----------
    design : TrialDesign
    parameters : SimulationParameters
    full_follow_up : bool
        As in :func:`~iedereen_doet_mee.diagnosis.simulate_many.simulate_outcomes`: 24
        months for everyone, so the chance is that of regular work within 24 months.

    Returns
    -------
    numpy.ndarray
        Shape (strata, arms), in the design's order.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation.parameters import SimulationParameters
    >>> q = observed_outflow_probability(TrialDesign(allocation="randomised"),
    ...                                  SimulationParameters(), full_follow_up=True)
    >>> q.round(2).tolist()
    [[0.12, 0.18], [0.2, 0.3]]
    """
    shares = exit_share_table(design, parameters)  # cells x reasons
    regular = EXIT_REASONS.index("regular_work")
    work_cols = [regular, EXIT_REASONS.index("subsidised_work")]
    n_arms = len(design.arms)
    control = design.arms.index(design.control_arm) if design.control_arm else 0
    out = np.zeros((len(design.strata), n_arms))
    if not full_follow_up:
        days_24 = math.ceil(HORIZON_MONTHS * DAYS_PER_MONTH)
        cutoff = _offsets(design)[1]
        on_time = _observed_share(_regular_time_cdf(parameters), design, parameters, days_24)
        late = _observed_share(_late_time_cdf(parameters), design, parameters,
                               max(cutoff, days_24) + 1)
    for k, cell in enumerate(design.cells):
        s, a = design.strata.index(cell.stratum), design.arms.index(cell.arm)
        row = shares[k]
        if design.allocation == "assigned" and n_arms == 2:
            total = sum(design.planned_size(cell.stratum, arm) for arm in design.arms)
            treated_share = (total - design.planned_size(cell.stratum, design.arms[control])) \
                / total
            treated = a != control
            reg = _work_exceeds(float(ndtri(1 - row[regular])), parameters, treated_share,
                                treated)
            no_work = 1 - _work_exceeds(float(ndtri(1 - row[work_cols].sum())), parameters,
                                        treated_share, treated)
        else:
            reg, no_work = row[regular], 1 - row[work_cols].sum()
        if full_follow_up:
            out[s, a] = reg
            continue
        # no exit by 24 months: not work, then the "none" share of the other reasons;
        # a later exit's reason is drawn with weights proportional to the shares
        base_no_work = 1 - row[work_cols].sum()
        none = max(1 - row.sum(), 0.0)
        late_none = no_work * (none / base_no_work if base_no_work > 0 else 0.0)
        late_regular = late_none * row[regular] / max(row.sum(), 1e-300)
        out[s, a] = reg * on_time + late_regular * late
    return out


def draw_cell_counts(design: TrialDesign, parameters: SimulationParameters, n_trials: int,
                     rng: np.random.Generator, *, full_follow_up: bool = False
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Events and participants per trial and cell, shape (trials, strata, arms).

    Participants enrolled by the cut-off: binomial over the planned size of each cell
    (all of them when the window closes by the cut-off); events: binomial with the
    probability of :func:`observed_outflow_probability`.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation.parameters import SimulationParameters
    >>> events, sizes = draw_cell_counts(TrialDesign(n_per_cell=25000), SimulationParameters(),
    ...                                  2, np.random.default_rng(1))
    >>> events.shape, sizes[0].tolist()
    ((2, 2, 2), [[25000, 25000], [25000, 25000]])
    """
    planned = np.array([[design.planned_size(s, a) for a in design.arms]
                        for s in design.strata], dtype=np.int64)
    share = 1.0 if full_follow_up else enrolled_share(design)
    sizes = np.broadcast_to(planned, (n_trials, *planned.shape)).copy() if share >= 1 else \
        rng.binomial(np.broadcast_to(planned, (n_trials, *planned.shape)), share)
    q = observed_outflow_probability(design, parameters, full_follow_up=full_follow_up)
    events = rng.binomial(sizes, np.nan_to_num(q)[None])
    return events.astype(np.int64), sizes.astype(np.int64)
