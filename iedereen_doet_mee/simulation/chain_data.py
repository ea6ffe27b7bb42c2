"""Opt-in chain data for a simulated trial: people passing through the chain's stages.

:func:`~iedereen_doet_mee.simulation.simulate_trial` draws instruments at random from
the design's kinds, in no order. A design that declares a chain (``TrialDesign.chain``,
``docs/chains.md``) gets instrument rows that follow it with :func:`add_chain`: people
enter the first stage, spend some time in each stage, move on to the next one or stop,
and leave the chain when they leave benefit or the project; those in the chain receive
practical support now and then.

Every figure here is an assumption: seed 002 (Maastricht) names the stages and the
kinds of practical support but gives no counts or durations. None carries a treatment
effect (the same rates in every stratum and arm).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..data.loading import TrialData
from ..dates import DAYS_PER_MONTH
from ..design.chain import support_kinds
from ..design.trial_design import TrialDesign
from .optional_data import _generator, _replace

__all__ = ["CHAIN_STREAM", "ENTER_FIRST", "MOVE_ON", "STAGE_COST_PER_MONTH", "STAGE_MONTHS",
           "SUPPORT_COST", "SUPPORT_MONTHS", "SUPPORT_UPTAKE", "WAIT_DAYS", "add_chain",
           "chain_assumptions", "with_chain"]

#: Share of the enrolled who enter the first stage. Assumption; Maastricht's Social
#: Affairs is "usually the starting point", and some start work the week after without
#: a trajectory (seed 002), so not everyone enters.
ENTER_FIRST = 0.85
#: Share of those who finished a stage (still on benefit and in the project) that enter
#: the next one. Assumption.
MOVE_ON = 0.75
#: Mean months in a stage (exponential, at least one day). Assumption.
STAGE_MONTHS = 3.0
#: Days between enrolment and the first stage, and between one stage's end and the
#: next one's start: uniform from 0 to this. Assumption.
WAIT_DAYS = 30
#: Cost of a month in a stage, in euros. Assumption.
STAGE_COST_PER_MONTH = 500.0
#: Share of the people in the chain who receive each kind of practical support (the
#: kinds of seed 002). Assumptions; a kind not named takes :data:`OTHER_SUPPORT_UPTAKE`.
SUPPORT_UPTAKE: Mapping[str, float] = {
    "bus_card": 0.30,
    "bicycle": 0.10,
    "childcare": 0.08,
    "work_clothes": 0.15,
    "certificate_of_conduct": 0.12,
    "practical_support": 0.30,
}
OTHER_SUPPORT_UPTAKE = 0.10
#: Mean months a piece of support runs (exponential, at least one day). Assumption.
SUPPORT_MONTHS = 3.0
#: Cost of one piece of support in euros, by kind. Assumptions; other kinds: 100.
SUPPORT_COST: Mapping[str, float] = {
    "bus_card": 150.0,
    "bicycle": 300.0,
    "childcare": 1200.0,
    "work_clothes": 150.0,
    "certificate_of_conduct": 40.0,
}
OTHER_SUPPORT_COST = 100.0
#: The entropy of the chain's random stream next to a simulation's seed:
#: :func:`with_chain` draws from ``numpy.random.SeedSequence([seed, CHAIN_STREAM])``,
#: apart from the simulator's streams (children of ``SeedSequence(seed)``) and the
#: optional data's (``SeedSequence([seed, 1])``).
CHAIN_STREAM = 2


def _by_stage(name: str, value: float | Mapping[str, float], stages: tuple[str, ...],
              low: float, high: float) -> dict[str, float]:
    """``value`` for every stage (one number for all, or a mapping with every stage)."""
    values = dict(value) if isinstance(value, Mapping) else dict.fromkeys(stages, value)
    missing = [s for s in stages if s not in values]
    bad = {s: v for s, v in values.items() if not low <= float(v) <= high}
    if missing or bad:
        raise ValueError(f"add_chain: {name} needs a value in [{low}, {high}] for every stage; "
                         f"missing {missing}, out of range {bad}")
    return {s: float(values[s]) for s in stages}


def _day_numbers(values: pd.Series, default: int) -> np.ndarray:
    """Dates as whole days since 1970 (missing: ``default``)."""
    days = values.to_numpy(dtype="datetime64[D]").astype(np.int64)
    return np.where(values.isna().to_numpy(), default, days)


def add_chain(trial: TrialData, rng: np.random.Generator | int, *,
              enter_first: float = ENTER_FIRST, move_on: float | Mapping[str, float] = MOVE_ON,
              stage_months: float | Mapping[str, float] = STAGE_MONTHS,
              support_uptake: Mapping[str, float] = SUPPORT_UPTAKE) -> TrialData:
    """Rewrite the instrument rows of the chain's stages and practical support.

    Rows of the other kinds stay; rows of a stage or a support kind are replaced.
    Everyone enters the first stage with probability ``enter_first``, within
    :data:`WAIT_DAYS` of enrolment; a stage lasts an exponential time with mean
    ``stage_months`` (at least one day), and who finishes it enters the next stage with
    probability ``move_on``, within :data:`WAIT_DAYS`. Leaving benefit (any reason) or
    the project ends the stage that day and the chain; nothing starts after the
    participant's status stops being known (the cut-off or ``follow_up_end_on``), and a
    stage still running then has an empty ``ended_on``. Each kind of practical support
    reaches a share ``support_uptake`` of the people in the chain (other kinds:
    :data:`OTHER_SUPPORT_UPTAKE`), starting on a uniform day of their time in it.

    Parameters
    ----------
    trial : TrialData
        A trial whose design declares a chain, e.g. from
        :func:`~iedereen_doet_mee.simulation.simulate_trial`.
    rng : numpy.random.Generator or int
        The random stream, or a seed for one.
    enter_first : float
        Share entering the first stage.
    move_on, stage_months : float or mapping of stage to float
        Share moving on after each stage, and mean months in it.
    support_uptake : mapping of str to float
        Share of the people in the chain receiving each support kind.

    Returns
    -------
    TrialData
        A new trial with the ``instruments`` table rewritten.

    Raises
    ------
    ValueError
        When the design declares no chain, or for a share outside [0, 1] or a mean
        that is not positive.

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> design = TrialDesign(chain=("job_coach", "work_experience", "training"))
    >>> trial = add_chain(simulate_trial(design, seed=1), 5)
    >>> rows = trial.table("instruments")
    >>> first = rows.groupby("participant_id")["kind"].first()
    >>> sorted(set(first) & set(design.chain))
    ['job_coach']
    """
    design = trial.design
    if not design.chain:
        raise ValueError("add_chain: the design declares no chain; give it [chain] stages")
    stages = tuple(design.chain)
    if not 0 <= enter_first <= 1:
        raise ValueError(f"add_chain: enter_first must lie in [0, 1], got {enter_first!r}")
    onward = _by_stage("move_on", move_on, stages, 0.0, 1.0)
    months = _by_stage("stage_months", stage_months, stages, 1e-9, np.inf)
    generator = _generator(rng)
    people = trial.participants
    n, never = len(people), np.iinfo(np.int64).max // 4
    enrolled = _day_numbers(people["enrolled_on"], never)
    cutoff = int(np.datetime64(design.cutoff, "D").astype(np.int64))
    known = np.minimum(cutoff, _day_numbers(people.get("follow_up_end_on",
                                                       pd.Series(pd.NaT, index=people.index)),
                                            never))
    stop = np.minimum(_day_numbers(people["exit_on"], never),
                      _day_numbers(people.get("left_project_on",
                                              pd.Series(pd.NaT, index=people.index)), never))
    start = enrolled + np.floor(generator.uniform(0, WAIT_DAYS, n)).astype(np.int64)
    active = generator.random(n) < enter_first
    first_day, last_day = np.full(n, never), np.full(n, never)
    parts = []
    for stage in stages:
        length = np.maximum(1, np.ceil(generator.exponential(months[stage], n)
                                       * DAYS_PER_MONTH)).astype(np.int64)
        goes_on = generator.random(n) < onward[stage]
        wait = np.floor(generator.uniform(0, WAIT_DAYS, n)).astype(np.int64)
        active &= (start <= known) & (start <= stop)
        end = np.minimum(start + length - 1, stop)
        seen = end <= known
        parts.append(_rows(people, active, stage, start, end, seen,
                           STAGE_COST_PER_MONTH * (end - start + 1) / DAYS_PER_MONTH))
        first_day = np.where(active, np.minimum(first_day, start), first_day)
        last_day = np.where(active, np.minimum(np.where(seen, end, known), stop), last_day)
        active &= seen & (end < stop) & goes_on
        start = end + 1 + wait
    in_chain = first_day < never
    support = support_kinds(design)
    for kind in support:
        share = float(support_uptake.get(kind, OTHER_SUPPORT_UPTAKE))
        if not 0 <= share <= 1:
            raise ValueError(f"add_chain: support_uptake of {kind!r} must lie in [0, 1], "
                             f"got {share!r}")
        takes = in_chain & (generator.random(n) < share)
        span = np.where(in_chain, last_day - first_day + 1, 1)
        begin = first_day + np.floor(generator.random(n) * span).astype(np.int64)
        length = np.maximum(1, np.ceil(generator.exponential(SUPPORT_MONTHS, n)
                                       * DAYS_PER_MONTH)).astype(np.int64)
        end = np.minimum(begin + length - 1, stop)
        parts.append(_rows(people, takes, kind, begin, end, end <= known,
                           np.full(n, float(SUPPORT_COST.get(kind, OTHER_SUPPORT_COST)))))
    old = trial.table("instruments")
    kept = [] if old is None else [old[~old["kind"].astype(str).isin((*stages, *support))]]
    frame = pd.concat([*kept, *parts], ignore_index=True)
    frame = frame.sort_values(["participant_id", "started_on", "kind"], kind="stable")
    return _replace(trial, "instruments", frame.reset_index(drop=True))


def _rows(people: pd.DataFrame, keep: np.ndarray, kind: str, start: np.ndarray,
          end: np.ndarray, seen: np.ndarray, cost: np.ndarray) -> pd.DataFrame:
    """Instrument rows of ``kind`` for the people in ``keep``; ``ended_on`` empty where
    the end is not ``seen``."""
    def dates(days: np.ndarray) -> np.ndarray:
        return days.astype("datetime64[D]").astype("datetime64[ns]")

    return pd.DataFrame({
        "participant_id": people["participant_id"].to_numpy()[keep],
        "kind": kind,
        "started_on": dates(start[keep]),
        "ended_on": np.where(seen[keep], dates(end[keep]), np.datetime64("NaT", "ns")),
        "cost_eur": np.round(cost[keep], 2),
    })


def chain_assumptions(design: TrialDesign) -> dict[str, object]:
    """The assumptions :func:`add_chain` uses with its defaults for ``design``'s chain.

    What :func:`~iedereen_doet_mee.simulation.simulate_to_directory` records in the
    manifest of a chain design (``chain_data``), so that a trial directory says how its
    chain rows were made.

    Parameters
    ----------
    design : TrialDesign
        A design that declares a chain.

    Returns
    -------
    dict
        The generator and its stream, the share entering the first stage, the share
        moving on and the mean months per stage, the waiting days, and the uptake,
        months and cost of each practical-support kind.

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> facts = chain_assumptions(TrialDesign(chain=("job_coach", "work_experience")))
    >>> facts["enter_first"], facts["move_on"], facts["support_uptake"]
    (0.85, {'job_coach': 0.75, 'work_experience': 0.75}, {'practical_support': 0.3})
    """
    stages = tuple(design.chain)
    support = support_kinds(design)
    return {
        "generator": "iedereen_doet_mee.simulation.chain_data.add_chain",
        "stream": f"numpy.random.SeedSequence([seed, {CHAIN_STREAM}])",
        "enter_first": ENTER_FIRST,
        "move_on": dict.fromkeys(stages, MOVE_ON),
        "stage_months": dict.fromkeys(stages, STAGE_MONTHS),
        "wait_days": WAIT_DAYS,
        "stage_cost_per_month": STAGE_COST_PER_MONTH,
        "support_uptake": {k: float(SUPPORT_UPTAKE.get(k, OTHER_SUPPORT_UPTAKE))
                           for k in support},
        "support_months": SUPPORT_MONTHS,
        "support_cost": {k: float(SUPPORT_COST.get(k, OTHER_SUPPORT_COST)) for k in support},
    }


def with_chain(trial: TrialData, *, seed: int) -> TrialData:
    """:func:`add_chain` with its defaults when the design declares a chain, else ``trial``.

    This is what :func:`~iedereen_doet_mee.simulation.simulate_to_directory` (and so
    ``python -m iedereen_doet_mee.simulate --design``) calls: the stream is
    ``numpy.random.SeedSequence([seed, CHAIN_STREAM])``, so the same seed gives the same
    rows and the draws never repeat those of the simulator or of the optional data.

    Parameters
    ----------
    trial : TrialData
        A simulated trial.
    seed : int
        The seed of the simulation.

    Returns
    -------
    TrialData
        ``trial`` itself without a chain; else a new trial whose instrument rows of the
        stages and support kinds follow the chain.

    Examples
    --------
    >>> from iedereen_doet_mee.design import TrialDesign
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> plain = simulate_trial(seed=1)
    >>> with_chain(plain, seed=1) is plain
    True
    >>> chain = simulate_trial(TrialDesign(chain=("job_coach", "training")), seed=1)
    >>> again = with_chain(chain, seed=1).table("instruments")
    >>> again.equals(with_chain(chain, seed=1).table("instruments"))
    True
    """
    if not trial.design.chain:
        return trial
    return add_chain(trial, np.random.default_rng(np.random.SeedSequence([seed, CHAIN_STREAM])))
