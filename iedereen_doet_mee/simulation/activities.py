"""Instruments received, job spells and employer survey answers.

Times are months since enrolment; the simulator turns them into calendar days.
Job durations follow a Weibull fitted to the CBS retention figures (82% of jobs still
held after 6 months, 72% after 18 months); an instrument kind with a retention hazard
ratio ``h`` multiplies the hazard of job loss by ``h``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..design.trial_design import TrialDesign
from .parameters import SimulationParameters
from .population import Population

__all__ = ["Instruments", "Jobs", "draw_employer_survey", "draw_instruments", "draw_jobs",
           "retention_weibull"]

_HOURS = np.array([16, 20, 24, 32, 36, 40])
_HOURS_P = np.array([0.15, 0.15, 0.2, 0.2, 0.1, 0.2])


def retention_weibull(retention_6m: float, retention_18m: float) -> tuple[float, float]:
    """Weibull (shape, scale in months) with S(6) and S(18) equal to the given shares.

    Examples
    --------
    >>> shape, scale = retention_weibull(0.82, 0.72)
    >>> [round(float(np.exp(-(t / scale) ** shape)), 6) for t in (6, 18)]
    [0.82, 0.72]
    """
    h6, h18 = -np.log(retention_6m), -np.log(retention_18m)
    shape = np.log(h18 / h6) / np.log(3.0)
    scale = 6.0 / h6 ** (1.0 / shape)
    return float(shape), float(scale)


@dataclasses.dataclass(frozen=True)
class Instruments:
    """Instruments received: one row per instrument, times in months since enrolment."""

    person: np.ndarray
    kind: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cost: np.ndarray


def draw_instruments(design: TrialDesign, params: SimulationParameters, people: Population,
                     project_end: np.ndarray, rng: np.random.Generator) -> Instruments:
    """Instruments for participants of the non-control arms, started while in the project."""
    eligible = np.ones(people.ids.size, dtype=bool) if design.control_arm is None else (
        people.arm != design.control_arm)
    persons, kinds, starts, ends, costs = [], [], [], [], []
    for kind in design.instrument_kinds:
        for name in ("instrument_uptake", "instrument_cost_eur", "instrument_months"):
            if kind not in getattr(params, name):
                raise ValueError(f"SimulationParameters.{name} has no value for instrument kind "
                                 f"{kind!r} declared by the design")
        n = people.ids.size
        takes = eligible & (rng.random(n) < params.instrument_uptake[kind])
        start = rng.uniform(0.0, 6.0, size=n)
        mean = params.instrument_months[kind]
        length = rng.uniform(0.5 * mean, 1.5 * mean, size=n)
        cv = 0.3
        sigma = np.sqrt(np.log1p(cv * cv))
        cost = np.round(params.instrument_cost_eur[kind] * np.exp(
            sigma * rng.standard_normal(n) - sigma * sigma / 2), 2)
        keep = takes & (start < project_end)
        index = np.flatnonzero(keep)
        persons.append(index)
        kinds.append(np.full(index.size, kind, dtype=object))
        starts.append(start[index])
        ends.append(start[index] + length[index])
        costs.append(cost[index])
    if not persons:
        empty = np.empty(0)
        return Instruments(empty.astype(np.int64), empty.astype(object), empty, empty, empty)
    return Instruments(*(np.concatenate(x) for x in (persons, kinds, starts, ends, costs)))


@dataclasses.dataclass(frozen=True)
class Jobs:
    """Job spells: one per work exit, times in months since enrolment."""

    person: np.ndarray
    start: np.ndarray
    end: np.ndarray
    subsidised: np.ndarray
    self_employed: np.ndarray
    hours: np.ndarray
    employer: np.ndarray


def draw_jobs(params: SimulationParameters, people: Population, reason: np.ndarray,
              exit_time: np.ndarray, instruments: Instruments,
              rng: np.random.Generator) -> Jobs:
    """A job spell for every exit to regular or subsidised work."""
    n = people.ids.size
    person = np.flatnonzero(np.isin(reason, ["regular_work", "subsidised_work"]))
    hazard_ratio = np.ones(n)
    for kind, ratio in params.retention_hazard_ratios.items():
        received = np.zeros(n, dtype=bool)
        mine = (instruments.kind == kind) & (instruments.start < exit_time[instruments.person])
        received[instruments.person[mine]] = True
        hazard_ratio[received] *= ratio
    shape, scale = retention_weibull(params.job_retention_6m, params.job_retention_18m)
    scale_i = scale * hazard_ratio[person] ** (-1.0 / shape)
    duration = scale_i * rng.weibull(shape, size=person.size)
    subsidised = reason[person] == "subsidised_work"
    self_employed = ~subsidised & (rng.random(person.size) < params.share_self_employed)
    hours = rng.choice(_HOURS, size=person.size, p=_HOURS_P)
    n_employers = max(5, round(params.employers_per_participant * n))
    width = max(3, len(str(n_employers)))
    employer_index = rng.integers(1, n_employers + 1, size=person.size)
    employer = np.asarray([f"E{e:0{width}d}" for e in employer_index], dtype=object)
    employer[self_employed] = None
    start = exit_time[person]
    return Jobs(person, start, start + duration, subsidised, self_employed, hours, employer)


def draw_employer_survey(design: TrialDesign, params: SimulationParameters,
                         people: Population, jobs: Jobs, rng: np.random.Generator) -> pd.DataFrame:
    """Likert answers of responding employers, 3 months after the job started.

    Each employer has a latent satisfaction ``eta ~ N(mean by arm, 1)``; an item's
    answer is ``round(centre + 0.9 * scale * eta + noise)`` clipped to the scale, so the
    items share a common factor (Cronbach's alpha about 0.8 with five items).
    """
    has_employer = np.asarray([e is not None for e in jobs.employer], dtype=bool)
    responds = has_employer & (rng.random(jobs.person.size) < params.employer_response)
    index = np.flatnonzero(responds)
    arm = people.arm[jobs.person[index]]
    view = params.per_arm("employer_view_by_arm", arm)
    eta = view + rng.standard_normal(index.size)
    points = design.likert_points
    centre, spread = (points + 1) / 2, (points - 1) / 4
    items = params.employer_items
    noise = rng.standard_normal((index.size, len(items)))
    answers = np.clip(np.round(centre + spread * (0.9 * eta[:, None] + 0.8 * noise)), 1, points)
    return pd.DataFrame({
        "row": np.repeat(index, len(items)),
        "item": np.tile(np.asarray(items, dtype=object), index.size),
        "answer": answers.reshape(-1).astype(np.int64),
    })
