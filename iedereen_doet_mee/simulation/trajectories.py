"""Monthly participation-ladder paths and noisy wage-value measurements.

While on benefit without work, a participant's rung (1-4) moves up one rung a month
with probability ``ladder_up_per_month`` (arm-specific, higher with a better
prognosis) and down with ``ladder_down_per_month``. In a job the rung is 5 (with
support: subsidised) or 6 (without support); after a job ends it is at least 4.

True wage value grows linearly with a person-specific slope; each measurement adds
normal error and is rounded to a whole percent within 0-100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dates import DAYS_PER_MONTH
from .activities import Jobs
from .parameters import SimulationParameters
from .population import Population

__all__ = ["draw_measurements", "ladder_paths"]


def ladder_paths(params: SimulationParameters, people: Population, months: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Rung on benefit (1-4) of every participant at the start of months 0..months-1."""
    n = people.ids.size
    up = params.per_arm("ladder_up_per_month", people.arm)
    up = np.minimum(0.95, up * np.exp(0.3 * people.prognosis))
    rung = np.minimum(people.baseline["ladder_rung_intake"].astype(np.int64), 4)
    paths = np.empty((n, months), dtype=np.int8)
    draws = rng.random((n, months))
    for m in range(months):
        paths[:, m] = rung
        step_up = (draws[:, m] < up) & (rung < 4)
        step_down = ~step_up & (draws[:, m] > 1 - params.ladder_down_per_month) & (rung > 1)
        rung = rung + step_up - step_down
    return paths


def _rung_at(paths: np.ndarray, person: np.ndarray, t: np.ndarray, jobs: Jobs) -> np.ndarray:
    """Observed rung at time ``t`` (months since enrolment) of each ``person``."""
    month = np.minimum(np.floor(t).astype(np.int64), paths.shape[1] - 1)
    rung = paths[person, month].astype(np.int64)
    n = paths.shape[0]
    start = np.full(n, np.inf)
    end = np.full(n, np.inf)
    supported = np.zeros(n, dtype=bool)
    start[jobs.person], end[jobs.person] = jobs.start, jobs.end
    supported[jobs.person] = jobs.subsidised
    working = (t >= start[person]) & (t < end[person])
    after = t >= end[person]
    rung = np.where(after, np.maximum(rung, 4), rung)
    return np.where(working, np.where(supported[person], 5, 6), rung)


def draw_measurements(params: SimulationParameters, people: Population, jobs: Jobs,
                      observed_until_days: np.ndarray, months: int,
                      rng: np.random.Generator) -> pd.DataFrame:
    """Wage value and ladder rung every ``measurement_interval_months`` while in the project.

    Parameters
    ----------
    observed_until_days : numpy.ndarray
        Per participant, the last day (days since enrolment, inclusive) a measurement
        can be taken: leaving the project, loss to follow-up or the cut-off.
    months : int
        Number of months of follow-up the ladder paths cover.

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (participant index), ``time`` (months), ``day_offset``,
        ``measure``, ``value``.
    """
    n = people.ids.size
    paths = ladder_paths(params, people, months, rng)
    interval = params.measurement_interval_months
    visits = months // interval + 1
    person = np.repeat(np.arange(n), visits)
    visit = np.tile(np.arange(visits), n)
    # intake on the day of enrolment; follow-ups up to two weeks before their due date,
    # so the visit at the end of a trajectory falls within it
    jitter = np.where(visit > 0, rng.integers(0, 14, size=person.size), 0)
    day_offset = np.round(visit * interval * DAYS_PER_MONTH).astype(np.int64) - jitter
    time = day_offset / DAYS_PER_MONTH
    missed = (visit > 0) & (rng.random(person.size) < params.measurement_missing)
    growth = params.per_arm("wage_value_growth_per_month", people.arm)
    slope = growth + params.wage_value_growth_sd * rng.standard_normal(n)
    true0 = people.baseline["wage_value_estimate"] + params.wage_value_true_sd * \
        rng.standard_normal(n)
    error = params.wage_value_measurement_sd * rng.standard_normal(person.size)
    keep = ~missed & (day_offset <= observed_until_days[person])
    person, time, day_offset, error = person[keep], time[keep], day_offset[keep], error[keep]
    true_value = np.clip(true0[person] + slope[person] * time, 0, 100)
    wage = np.clip(np.round(true_value + error), 0, 100)
    rung = _rung_at(paths, person, time, jobs)
    both = pd.DataFrame({
        "row": np.concatenate([person, person]),
        "time": np.concatenate([time, time]),
        "day_offset": np.concatenate([day_offset, day_offset]),
        "measure": np.repeat(np.asarray(["wage_value", "ladder_rung"], dtype=object),
                             person.size),
        "value": np.concatenate([wage, rung.astype(float)]),
    })
    return both
