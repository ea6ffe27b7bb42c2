"""Simulate a complete trial in the data model: :func:`simulate_trial`.

The steps, each drawing from its own child of ``numpy.random.SeedSequence(seed)``:

1. enrolment: staggered uniformly over the enrolment window, strata shuffled with
   their planned totals; allocation by stratified permuted blocks (randomised) or by
   caseworker assignment with selection on prognosis (assigned);
2. baseline characteristics correlated with a latent prognosis;
3. competing exits from benefit, dropout from the project, loss to follow-up;
4. instruments in the instrument arms, with costs;
5. job spells for work exits, ending by the CBS retention curve;
6. monthly ladder paths and wage-value measurements every few months;
7. employer survey answers.

Everything after the design's cut-off, after loss to follow-up, or (for
measurements and instruments) after leaving the project is censored: not written.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..data.dtypes import as_declared_types
from ..data.loading import TrialData
from ..dates import DAYS_PER_MONTH
from ..design.trial_design import TrialDesign
from ..seeds import DEFAULT_SEED
from .activities import Instruments, Jobs, draw_employer_survey, draw_instruments, draw_jobs
from .design_settings import settings_for_design
from .exits import ExitTimes, draw_exits
from .parameters import SimulationParameters
from .population import Population, draw_population
from .trajectories import draw_measurements

__all__ = ["STREAMS", "simulate_trial"]

#: Random streams, one per step. New steps must be appended, never inserted, so that
#: existing steps keep their draws.
STREAMS = ("enrolment", "allocation", "baseline", "exits", "instruments", "jobs",
           "trajectories", "survey", "qualification")
_WORK_EXITS = ("regular_work", "subsidised_work")

_NEVER = np.iinfo(np.int64).max // 4


def _days(months: np.ndarray) -> np.ndarray:
    """Whole days after enrolment of a time in months (at least day 1); inf stays far away."""
    months = np.asarray(months, dtype=float)
    finite = np.isfinite(months)
    safe = np.where(finite, months, 0.0)
    return np.where(finite, np.maximum(1, np.ceil(safe * DAYS_PER_MONTH)), _NEVER).astype(np.int64)


def _dates(enrolled: np.ndarray, offset: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """Calendar dates ``enrolled + offset`` where ``shown``, else NaT."""
    out = enrolled + np.where(shown, offset, 0).astype("timedelta64[D]")
    return np.where(shown, out, np.datetime64("NaT")).astype("datetime64[ns]")


def simulate_trial(design: TrialDesign | None = None, *,
                   parameters: SimulationParameters | None = None,
                   seed: int = DEFAULT_SEED) -> TrialData:
    """Simulate one trial of ``design`` as it would stand at the design's cut-off.

    Parameters
    ----------
    design : TrialDesign, optional
        The trial to simulate; default: "Iedereen doet mee".
    parameters : SimulationParameters, optional
        The assumptions (see ``docs/simulation.md``); default values carry sources.
    seed : int
        Seed of ``numpy.random.SeedSequence``; the same seed gives the same trial.

    Returns
    -------
    TrialData
        Tables ``participants``, ``employment``, ``measurements``, ``instruments``,
        ``employer_survey`` and, for a randomised design, ``allocation_log``, typed
        as the loader types them.

    Examples
    --------
    >>> trial = simulate_trial(seed=1)
    >>> len(trial.participants)
    100
    >>> trial.participants.groupby(["band", "instruments"], observed=True).size().tolist()
    [25, 25, 25, 25]
    """
    design = TrialDesign() if design is None else design
    params = settings_for_design(design, parameters)
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    rng = {name: np.random.default_rng(child) for name, child in zip(STREAMS, children,
                                                                      strict=True)}
    people = draw_population(design, params, rng)
    exits = draw_exits(design, params, people, rng["exits"])
    enrolled = people.enrolled
    days = _Days(
        cutoff=(np.datetime64(design.cutoff, "D") - enrolled).astype(np.int64),
        exit=_days(exits.exit_time),
        loss=_days(exits.loss_time),
        project_end=_days(exits.project_end_time),
    )
    instruments = draw_instruments(design, params, people, exits.project_end_time,
                                   rng["instruments"])
    jobs = draw_jobs(params, people, exits.reason, exits.exit_time, instruments, rng["jobs"])
    job_start = _days(jobs.start)
    job_end = np.maximum(_days(jobs.end), job_start)
    # measured while in the project; in subsidised work the wage value is re-measured
    # (and the rung, 5, recorded) for as long as the job runs
    window = np.minimum(days.project_end, days.known_until)
    subsidised = jobs.person[jobs.subsidised]
    window[subsidised] = np.maximum(window[subsidised], np.minimum(
        job_end[jobs.subsidised], days.known_until[subsidised]))
    months = int(np.ceil(max(days.cutoff.max(), 0) / DAYS_PER_MONTH)) + 1
    measured = draw_measurements(params, people, jobs, window, months, rng["trajectories"])
    survey = draw_employer_survey(design, params, people, jobs, rng["survey"])
    ended_by_work = np.isin(exits.reason, _WORK_EXITS) & (exits.exit_time <= exits.project_end_time)
    delivered = _deliver(instruments, np.where(ended_by_work, _NEVER, days.project_end))

    tables = {
        "participants": _participants(people, exits, days, jobs, job_end, instruments,
                                      delivered, params, rng["qualification"]),
        "employment": _employment(people, jobs, job_start, job_end, days.known_until),
        "measurements": _measurements(people, measured, params),
        "instruments": _instruments(people, instruments, delivered, days),
        "employer_survey": _survey(people, jobs, job_start, job_end, survey, days.known_until),
    }
    if people.allocation is not None:
        tables["allocation_log"] = people.allocation.log
    if (days.cutoff < 0).any():  # people enrolling after the cut-off had not enrolled yet
        not_yet = pd.Index(people.ids[days.cutoff < 0])
        tables = {name: frame[~frame["participant_id"].isin(not_yet)]
                  for name, frame in tables.items()}
    typed = {name: as_declared_types(frame, name, design) for name, frame in tables.items()}
    return TrialData(design, typed)


@dataclasses.dataclass(frozen=True)
class _Days:
    """Key days of each participant, counted from enrolment; ``_NEVER`` when it never comes."""

    cutoff: np.ndarray
    exit: np.ndarray
    loss: np.ndarray
    project_end: np.ndarray

    @property
    def known_until(self) -> np.ndarray:
        """Last day the participant's status is known: the cut-off or loss to follow-up."""
        return np.minimum(self.cutoff, self.loss)


@dataclasses.dataclass(frozen=True)
class _Delivered:
    """What of each instrument was delivered: start, actual end, cost, whether completed."""

    start: np.ndarray
    end: np.ndarray
    cost: np.ndarray
    completed: np.ndarray


def _deliver(instruments: Instruments, stop_day: np.ndarray) -> _Delivered:
    """Stop instruments at ``stop_day`` (leaving the project other than for work) and
    charge the delivered share of their cost; a job coach may go on into the job."""
    start = _days(instruments.start)
    planned_end = np.maximum(_days(instruments.end), start)
    end = np.minimum(planned_end, np.maximum(stop_day[instruments.person], start))
    share = np.where(planned_end > start, (end - start) / np.maximum(planned_end - start, 1), 1.0)
    return _Delivered(start, end, np.round(instruments.cost * share, 2), end == planned_end)


def _participants(people: Population, exits: ExitTimes, days: _Days, jobs: Jobs,
                  job_end: np.ndarray, instruments: Instruments, delivered: _Delivered,
                  params: SimulationParameters, rng: np.random.Generator) -> pd.DataFrame:
    enrolled, known_until = people.enrolled, days.known_until
    exit_seen = days.exit <= known_until
    n = people.ids.size
    returned = np.full(n, _NEVER, dtype=np.int64)
    returned[jobs.person] = job_end + 1  # back on benefit the day after the job
    qualification = np.full(n, _NEVER, dtype=np.int64)
    gains = rng.random(instruments.person.size) < params.training_qualification
    mine = (instruments.kind == "training") & delivered.completed & gains
    qualification[instruments.person[mine]] = delivered.end[mine]
    base = people.baseline
    frame = pd.DataFrame({
        "participant_id": people.ids,
        "band": people.stratum,
        "instruments": people.arm,
        "enrolled_on": enrolled.astype("datetime64[ns]"),
        "exit_on": _dates(enrolled, days.exit, exit_seen),
        "exit_reason": np.where(exit_seen, exits.reason, None),
        "left_project_on": _dates(enrolled, days.project_end, days.project_end <= known_until),
        "follow_up_end_on": _dates(enrolled, days.loss, days.loss <= days.cutoff),
        "returned_on": _dates(enrolled, returned, returned <= known_until),
        "age": base["age"],
        "sex": base["sex"],
        "education": base["education"],
        "household": base["household"],
        "jobless_household": np.where(base["jobless_household"], True, False),
        "labour_status_entry": base["labour_status_entry"],
        "migrant_background": base["migrant_background"],
        "disability": base["disability"],
        "months_on_benefit": base["months_on_benefit"],
        "wage_value_estimate": base["wage_value_estimate"],
        "ladder_rung_intake": base["ladder_rung_intake"],
        **{k: v for k, v in base.items() if k.startswith("life_wheel_")},
        "qualification_on": _dates(enrolled, qualification, qualification <= known_until),
    })
    return frame


def _employment(people: Population, jobs: Jobs, start: np.ndarray, end: np.ndarray,
                known_until: np.ndarray) -> pd.DataFrame:
    enrolled = people.enrolled
    seen = start <= known_until[jobs.person]
    frame = pd.DataFrame({
        "participant_id": people.ids[jobs.person],
        "started_on": _dates(enrolled[jobs.person], start, seen),
        "ended_on": _dates(enrolled[jobs.person], end, seen & (end <= known_until[jobs.person])),
        "hours_per_week": jobs.hours.astype(float),
        "subsidised": jobs.subsidised,
        "self_employed": jobs.self_employed,
        "employer_id": jobs.employer,
    })[seen]
    return frame.sort_values(["participant_id", "started_on"], kind="stable")


def _measurements(people: Population, measured: pd.DataFrame,
                  params: SimulationParameters) -> pd.DataFrame:
    row = measured["row"].to_numpy()
    day = measured["day_offset"].to_numpy()
    method = np.where(measured["measure"].to_numpy() == "wage_value",
                      params.wage_value_method, "participatieladder")
    frame = pd.DataFrame({
        "participant_id": people.ids[row],
        "measured_on": (people.enrolled[row] + day.astype("timedelta64[D]")).astype(
            "datetime64[ns]"),
        "measure": measured["measure"].to_numpy(),
        "value": measured["value"].to_numpy(),
        "method": method.astype(object),
    })
    return frame.sort_values(["participant_id", "measured_on", "measure"], kind="stable")


def _instruments(people: Population, instruments: Instruments, delivered: _Delivered,
                 days: _Days) -> pd.DataFrame:
    person, enrolled = instruments.person, people.enrolled[instruments.person]
    known_until = days.known_until[person]
    seen = delivered.start <= np.minimum(days.project_end[person], known_until)
    frame = pd.DataFrame({
        "participant_id": people.ids[person],
        "kind": instruments.kind,
        "started_on": _dates(enrolled, delivered.start, seen),
        "ended_on": _dates(enrolled, delivered.end, seen & (delivered.end <= known_until)),
        "cost_eur": delivered.cost,
    })[seen]
    return frame.sort_values(["participant_id", "started_on", "kind"], kind="stable")


def _survey(people: Population, jobs: Jobs, job_start: np.ndarray, job_end: np.ndarray,
            survey: pd.DataFrame, known_until: np.ndarray) -> pd.DataFrame:
    spell = survey["row"].to_numpy()
    person = jobs.person[spell]
    enrolled = people.enrolled
    # three months into the job, or at its end when it ends sooner
    day = np.minimum(job_start[spell] + 91, job_end[spell])
    seen = day <= known_until[person]
    frame = pd.DataFrame({
        "employer_id": jobs.employer[spell],
        "participant_id": people.ids[person],
        "answered_on": _dates(enrolled[person], day, seen),
        "item": survey["item"].to_numpy(),
        "answer": survey["answer"].to_numpy(),
    })[seen]
    return frame.sort_values(["employer_id", "participant_id", "answered_on", "item"],
                             kind="stable")
