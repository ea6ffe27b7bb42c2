"""Simulate the primary outcome of many trials at once, with the trial simulator's model.

A design diagnosis needs thousands of simulated trials but only their primary
outcome: who flows out to regular work, observed by the cut-off. Writing every table
of every trial (:func:`~iedereen_doet_mee.simulation.simulate_trial`) would be
wasteful, so this module runs the same steps on arrays of shape (trials,
participants): enrolment staggered over the window with the planned stratum totals,
allocation by stratified permuted blocks (``randomised``) or caseworker assignment
with selection on prognosis (``assigned``), then the competing exits of
:func:`~iedereen_doet_mee.simulation.exits.draw_exits` itself, censored at the cut-off
and at loss to follow-up exactly as the trial simulator censors them. The draws differ
from ``simulate_trial``'s (another stream layout), the distribution is the same; the
tests compare the two within Monte Carlo error.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..design.trial_design import EXIT_REASONS, TrialDesign
from ..simulation.exits import HORIZON_MONTHS, draw_exits_by_cell, exit_share_table
from ..simulation.parameters import SimulationParameters
from ..simulation.population import correlated_normal
from ..simulation.trial import _days

__all__ = ["SimulatedOutcomes", "simulate_outcomes"]


@dataclasses.dataclass(frozen=True)
class SimulatedOutcomes:
    """Primary outcome of ``n_trials`` simulated trials, participants in enrolment order.

    Attributes
    ----------
    stratum, arm : ndarray of int, shape (n_trials, n)
        Index into ``design.strata`` and ``design.arms``.
    enrolled : ndarray of bool, shape (n_trials, n)
        Whether the participant had enrolled by the cut-off (later ones are not in the
        data, as in ``simulate_trial``).
    outflow : ndarray of bool, shape (n_trials, n)
        Exit to regular work observed by the end of follow-up.
    """

    stratum: np.ndarray
    arm: np.ndarray
    enrolled: np.ndarray
    outflow: np.ndarray

    def cell_counts(self, n_strata: int, n_arms: int) -> tuple[np.ndarray, np.ndarray]:
        """Events and sizes per trial and cell, each of shape (n_trials, strata, arms).

        Examples
        --------
        >>> out = SimulatedOutcomes(np.array([[0, 0, 1]]), np.array([[0, 1, 1]]),
        ...                         np.array([[True, True, True]]),
        ...                         np.array([[False, True, True]]))
        >>> events, sizes = out.cell_counts(2, 2)
        >>> events.tolist(), sizes.tolist()
        ([[[0, 1], [0, 1]]], [[[1, 1], [0, 1]]])
        """
        cell = (self.stratum * n_arms + self.arm).astype(np.int64)
        rows = np.arange(cell.shape[0])[:, None] * (n_strata * n_arms)
        flat = (cell + rows)[self.enrolled]
        size = n_strata * n_arms * cell.shape[0]
        sizes = np.bincount(flat, minlength=size)
        events = np.bincount(flat, weights=self.outflow[self.enrolled], minlength=size)
        shape = (cell.shape[0], n_strata, n_arms)
        return events.astype(np.int64).reshape(shape), sizes.reshape(shape)


def _stratum_order(design: TrialDesign, n_trials: int, rng: np.random.Generator) -> np.ndarray:
    """Strata in enrolment order: the planned totals shuffled in every trial."""
    totals = [sum(design.planned_size(s, a) for a in design.arms) for s in design.strata]
    template = np.repeat(np.arange(len(design.strata)), totals)
    return rng.permuted(np.broadcast_to(template, (n_trials, template.size)), axis=1)


def _positions(stratum: np.ndarray, s: int) -> np.ndarray:
    """Column indices of stratum ``s`` in every row, in enrolment order (same count per row)."""
    count = int((stratum[0] == s).sum())
    return np.argsort(stratum != s, axis=1, kind="stable")[:, :count]


def _permuted_blocks(ratio: tuple[int, ...], multiples: tuple[int, ...], count: int,
                     n_trials: int, rng: np.random.Generator) -> np.ndarray:
    """Arm index of ``count`` consecutive slots per trial under permuted blocks.

    Each block holds ``multiple * ratio[a]`` slots of arm ``a`` with the multiple drawn
    from ``multiples``, in random order; the last block may be cut short, as in
    :func:`~iedereen_doet_mee.design.allocation.allocate`.
    """
    base = sum(ratio)
    if count == 0:
        return np.zeros((n_trials, 0), dtype=np.int64)
    n_blocks = -(-count // (base * min(multiples)))
    mult = rng.choice(np.asarray(multiples), size=(n_trials, n_blocks)).ravel()
    # every block padded to the largest size: arm slots first, then padding (-1), each
    # row shuffled by sorting random keys (padding keys sort last), padding dropped
    width = base * max(multiples)
    slot = np.arange(width)[None, :]
    cut = np.cumsum(ratio)
    arm = (slot[:, :, None] >= cut[None, None, :] * mult[:, None, None]).sum(axis=2)
    arm = np.where(slot < (mult * base)[:, None], arm, -1)
    keys = np.where(arm >= 0, rng.random(arm.shape), 2.0)
    arm = np.take_along_axis(arm, np.argsort(keys, axis=1, kind="stable"), axis=1)
    sequence = arm.reshape(n_trials, -1)
    real = sequence >= 0
    return sequence[real].reshape(n_trials, -1)[:, :count] if len(set(multiples)) == 1 else \
        _first_slots(sequence, real, count)


def _first_slots(sequence: np.ndarray, real: np.ndarray, count: int) -> np.ndarray:
    """The first ``count`` real (non-padding) slots of every row."""
    order = np.argsort(~real, axis=1, kind="stable")[:, :count]
    return np.take_along_axis(sequence, order, axis=1)


def _allocate(design: TrialDesign, params: SimulationParameters, stratum: np.ndarray,
              z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    arms = np.zeros(stratum.shape, dtype=np.int64)
    if design.is_single_arm:
        return arms
    control = design.arms.index(design.control_arm)
    order = [control] + [k for k in range(len(design.arms)) if k != control]
    key = None
    if design.allocation == "assigned":
        key = correlated_normal(z.ravel(), params.assignment_selection, rng).reshape(z.shape)
    for s, name in enumerate(design.strata):
        where = _positions(stratum, s)
        if design.allocation == "randomised":
            picked = _permuted_blocks(design.arm_ratio(name), design.block_multiples,
                                      where.shape[1], stratum.shape[0], rng)
        else:  # lowest keys get control, as in the trial simulator
            counts = [design.planned_size(name, design.arms[k]) for k in order]
            ranked = np.argsort(np.take_along_axis(key, where, axis=1), axis=1, kind="stable")
            labels = np.repeat(np.asarray(order), counts)
            picked = np.empty_like(ranked)
            np.put_along_axis(picked, ranked, np.broadcast_to(labels, ranked.shape), axis=1)
        np.put_along_axis(arms, where, picked, axis=1)
    return arms


def simulate_outcomes(design: TrialDesign, parameters: SimulationParameters, n_trials: int,
                      rng: np.random.Generator, *, full_follow_up: bool = False
                      ) -> SimulatedOutcomes:
    """Simulate the regular-work outflow of ``n_trials`` trials of ``design``.

    Parameters
    ----------
    design : TrialDesign
    parameters : SimulationParameters
    n_trials : int
    rng : numpy.random.Generator
    full_follow_up : bool
        Follow every participant for the full 24 months after enrolment, with no
        administrative censoring at the cut-off and no loss to follow-up: the outcome
        is then the plain binary "regular work within 24 months", whose expected share
        in each cell is that cell's ``regular_work_24m`` under randomised allocation.

    Returns
    -------
    SimulatedOutcomes

    Examples
    --------
    >>> out = simulate_outcomes(TrialDesign(), SimulationParameters(), 3,
    ...                         np.random.default_rng(1))
    >>> out.outflow.shape, int(out.enrolled.sum())
    ((3, 100), 300)
    """
    n = design.n_total
    stratum = _stratum_order(design, n_trials, rng)
    window = (np.datetime64(design.enrolment_end, "D")
              - np.datetime64(design.enrolment_start, "D")).astype(int)
    offset = np.sort(rng.integers(0, window, size=(n_trials, n)), axis=1)
    z = rng.standard_normal((n_trials, n))
    arm = _allocate(design, parameters, stratum, z, rng)
    cutoff = (np.datetime64(design.cutoff, "D")
              - np.datetime64(design.enrolment_start, "D")).astype(int)
    days_to_cutoff = cutoff - offset
    cell = stratum * len(design.arms) + arm
    exits = draw_exits_by_cell(exit_share_table(design, parameters), cell.ravel(), z.ravel(),
                               parameters, rng)
    regular = (exits.reason_index == EXIT_REASONS.index("regular_work")).reshape(z.shape)
    if full_follow_up:
        outflow = regular & (exits.exit_time.reshape(z.shape) <= HORIZON_MONTHS)
        enrolled = np.ones(z.shape, dtype=bool)
    else:
        known_until = np.minimum(days_to_cutoff, _days(exits.loss_time).reshape(z.shape))
        outflow = regular & (_days(exits.exit_time).reshape(z.shape) <= known_until)
        enrolled = days_to_cutoff >= 0
    return SimulatedOutcomes(stratum, arm, enrolled, outflow & enrolled)
