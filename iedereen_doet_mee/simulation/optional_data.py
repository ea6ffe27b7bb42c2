"""Opt-in optional data for a simulated trial: household ids and activities.

:func:`~iedereen_doet_mee.simulation.simulate_trial` does not write
``participants.household_id`` or the ``activities`` table, so that its output (and the
bundled ``data/synthetic``) stays as it was. Programmes that work with households or
count activities other than work (issue 12: Leeuwarden's "one family, one plan, one
worker"; Arnhem's share starting education; Maastricht's day activities and
volunteering) add them to a simulated trial with :func:`add_household_ids`,
:func:`add_activities`, or both at once with :func:`with_households_and_activities`.

Every figure here is an assumption unless its comment names a source; none carries a
treatment effect (the same rates in every stratum and arm).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..data.dtypes import as_declared_types
from ..data.loading import TrialData
from ..dates import DAYS_PER_MONTH
from ..design.trial_design import DEFAULT_ACTIVITY_KINDS
from ..seeds import DEFAULT_SEED

__all__ = ["ACTIVITY_MONTHS", "ACTIVITY_UPTAKE", "HOUSEHOLD_SIZES", "OPTIONAL_DATA",
           "add_activities", "add_household_ids", "with_households_and_activities",
           "with_optional_data"]

#: Share of households by how many of their members are in the trial. Assumption: most
#: households have one person on the caseload; couples and parents with an adult child
#: on benefit make the rest (no published figure for the programmes of the seeds).
HOUSEHOLD_SIZES: Mapping[int, float] = {1: 0.70, 2: 0.20, 3: 0.07, 4: 0.03}

#: Share of participants who take up each kind of activity within
#: ``window_months`` of enrolment. ``education``: 10% of the residents Arnhem's
#: participation coaches reached started education within half a year (TNO evaluation
#: of the Arnhem and Leeuwarden pilots, seed 004; the figure is Arnhem's). The other
#: kinds are assumptions.
ACTIVITY_UPTAKE: Mapping[str, float] = {
    "education": 0.10,
    "volunteering": 0.15,
    "day_activity": 0.08,
    "neighbourhood_activity": 0.10,
    "debt_counselling": 0.12,
}
#: Mean length in months of each kind of activity (exponential). Assumptions.
ACTIVITY_MONTHS: Mapping[str, float] = {
    "education": 10.0,
    "volunteering": 9.0,
    "day_activity": 12.0,
    "neighbourhood_activity": 6.0,
    "debt_counselling": 12.0,
}
#: Uptake and mean months of a kind the mappings above do not name (assumptions).
OTHER_UPTAKE, OTHER_MONTHS = 0.10, 6.0


def _generator(rng: np.random.Generator | int) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _replace(trial: TrialData, name: str, frame: pd.DataFrame) -> TrialData:
    """``trial`` with table ``name`` replaced; data built in memory have no report."""
    tables = {**trial.tables, name: as_declared_types(frame, name, trial.design)}
    return dataclasses.replace(trial, tables=tables, report=None, checksums={})


def add_household_ids(trial: TrialData, rng: np.random.Generator | int, *,
                      sizes: Mapping[int, float] = HOUSEHOLD_SIZES) -> TrialData:
    """Group the participants into households and add ``participants.household_id``.

    Households are formed within each stratum and arm (``band``, ``instruments``), so a
    household never spans cells and the validator has nothing to warn about: the
    participants of a cell are shuffled and cut into households whose sizes are drawn
    from ``sizes`` (the last household of a cell takes who is left). Every participant
    gets an id, households of one included; ids are ``H0001``, ``H0002``, ... in a
    random order, so that they say nothing about the cell.

    Parameters
    ----------
    trial : TrialData
        A trial, e.g. from :func:`~iedereen_doet_mee.simulation.simulate_trial`.
    rng : numpy.random.Generator or int
        The random stream, or a seed for one.
    sizes : mapping of int to float
        Probability of each household size (members in the trial); default
        :data:`HOUSEHOLD_SIZES`, an assumption.

    Returns
    -------
    TrialData
        A new trial; the other tables are unchanged.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> trial = add_household_ids(simulate_trial(seed=1), 5)
    >>> people = trial.participants
    >>> bool(people["household_id"].str.fullmatch(r"H[0-9]{4}").all())
    True
    >>> int(people.groupby("household_id")[["band", "instruments"]].nunique().max().max())
    1
    """
    generator = _generator(rng)
    size_values = np.asarray(list(sizes), dtype=np.int64)
    weights = np.asarray(list(sizes.values()), dtype=float)
    if size_values.size == 0 or (size_values < 1).any() or (weights < 0).any() \
            or not np.isclose(weights.sum(), 1.0):
        raise ValueError(f"add_household_ids: sizes must map sizes of at least 1 to "
                         f"probabilities summing to 1, got {dict(sizes)!r}")
    people = trial.participants
    household = np.empty(len(people), dtype=np.int64)
    cells = people.groupby(["band", "instruments"], observed=True, sort=True).indices
    next_household = 0
    for key in sorted(cells):
        members = generator.permutation(cells[key])
        # as many sizes as members is always enough; the households are cut in turn
        ends = np.cumsum(generator.choice(size_values, size=members.size, p=weights))
        used = int(np.searchsorted(ends, members.size)) + 1
        household[members] = next_household + np.searchsorted(
            ends[:used], np.arange(members.size), side="right")
        next_household += used
    labels = generator.permutation(next_household) + 1
    width = max(4, len(str(next_household)))
    ids = np.asarray([f"H{label:0{width}d}" for label in labels[household]], dtype=object)
    return _replace(trial, "participants", people.assign(household_id=ids))


def add_activities(trial: TrialData, rng: np.random.Generator | int, *,
                   uptake: Mapping[str, float] = ACTIVITY_UPTAKE,
                   months: Mapping[str, float] = ACTIVITY_MONTHS,
                   window_months: float = 6.0) -> TrialData:
    """Add an ``activities`` table: activities other than work the participants took up.

    For every kind of the design's ``activity_kinds`` (the five default kinds when the
    design declares none) each participant takes it up with probability ``uptake`` of
    the kind, independently of the other kinds, of stratum and arm (no effect). The
    start falls uniformly within ``window_months`` after enrolment, the length is
    exponential with mean ``months`` of the kind (at least one day). What happens
    after the participant's status stops being known (the design's cut-off, or
    ``follow_up_end_on``) is censored: an activity starting later is not written, one
    ending later has an empty ``ended_on``. A kind missing from ``uptake`` or
    ``months`` takes :data:`OTHER_UPTAKE` or :data:`OTHER_MONTHS`.

    Parameters
    ----------
    trial : TrialData
        A trial, e.g. from :func:`~iedereen_doet_mee.simulation.simulate_trial`.
    rng : numpy.random.Generator or int
        The random stream, or a seed for one.
    uptake, months : mapping of str to float
        Share taking up each kind and its mean length in months; defaults
        :data:`ACTIVITY_UPTAKE` (education sourced, the rest assumed) and
        :data:`ACTIVITY_MONTHS` (assumed).
    window_months : float
        Activities start within this many months after enrolment (six: the
        Arnhem figure counts education started within half a year).

    Returns
    -------
    TrialData
        A new trial with an ``activities`` table (replacing any there was).

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> trial = add_activities(simulate_trial(seed=1), 5)
    >>> list(trial.activities.columns)
    ['participant_id', 'kind', 'started_on', 'ended_on']
    >>> bool((trial.activities["started_on"] <= pd.Timestamp(trial.design.cutoff)).all())
    True
    """
    generator = _generator(rng)
    if not window_months > 0:
        raise ValueError(f"add_activities: window_months must be positive, got {window_months!r}")
    people = trial.participants
    n = len(people)
    enrolled = people["enrolled_on"].to_numpy(dtype="datetime64[D]")
    known = np.full(n, np.datetime64(trial.design.cutoff, "D"))
    if "follow_up_end_on" in people:
        lost = people["follow_up_end_on"].to_numpy(dtype="datetime64[D]")
        known = np.where(np.isnat(lost), known, np.minimum(known, lost))
    parts = []
    for kind in trial.design.activity_kinds or DEFAULT_ACTIVITY_KINDS:
        share = float(uptake.get(kind, OTHER_UPTAKE))
        mean = float(months.get(kind, OTHER_MONTHS))
        if not 0 <= share <= 1 or not mean > 0:
            raise ValueError(f"add_activities: kind {kind!r} needs an uptake in [0, 1] and "
                             f"positive mean months, got {share!r} and {mean!r}")
        takes = generator.random(n) < share
        start_day = np.floor(generator.uniform(0.0, window_months, n) * DAYS_PER_MONTH)
        length = np.maximum(1.0, np.ceil(generator.exponential(mean, n) * DAYS_PER_MONTH))
        started = enrolled + start_day.astype("timedelta64[D]")
        ended = started + length.astype("timedelta64[D]")
        keep = takes & (started <= known)
        parts.append(pd.DataFrame({
            "participant_id": people["participant_id"].to_numpy()[keep],
            "kind": kind,
            "started_on": started[keep].astype("datetime64[ns]"),
            "ended_on": np.where(ended[keep] <= known[keep], ended[keep],
                                 np.datetime64("NaT")).astype("datetime64[ns]"),
        }))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["participant_id", "kind", "started_on", "ended_on"])
    frame = frame.sort_values(["participant_id", "started_on", "kind"], kind="stable")
    return _replace(trial, "activities", frame)


def with_households_and_activities(trial: TrialData,
                                   seed: np.random.Generator | int = DEFAULT_SEED) -> TrialData:
    """Both :func:`add_household_ids` and :func:`add_activities` with their defaults.

    With an integer ``seed`` each step draws from its own child of
    ``numpy.random.SeedSequence(seed)``, so changing one does not change the other;
    a Generator is used by both steps in turn.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> trial = with_households_and_activities(simulate_trial(seed=1), seed=2)
    >>> "household_id" in trial.participants, trial.activities is not None
    (True, True)
    """
    if isinstance(seed, np.random.Generator):
        households, activities = seed, seed
    else:
        households, activities = (np.random.default_rng(child) for child in
                                  np.random.SeedSequence(seed).spawn(2))
    return add_activities(add_household_ids(trial, households), activities)


#: The optional data :func:`with_optional_data` can add, in the order they are added.
OPTIONAL_DATA: tuple[str, ...] = ("households", "activities")


def with_optional_data(trial: TrialData, which: Iterable[str], *, seed: int) -> TrialData:
    """Add the optional data named in ``which`` (``"households"``, ``"activities"``).

    This is what :func:`~iedereen_doet_mee.simulation.simulate_to_directory` calls with
    its ``optional_data``. The streams are children of
    ``numpy.random.SeedSequence([seed, 1])``, households the first and activities the
    second whichever are asked for, so they never repeat the draws of the
    simulator's own streams (children of ``SeedSequence(seed)``) and asking for
    activities alone gives the same activities as asking for both.

    Parameters
    ----------
    trial : TrialData
        A simulated trial.
    which : iterable of str
        Any of :data:`OPTIONAL_DATA`; empty returns ``trial`` unchanged.
    seed : int
        The seed of the simulation.

    Returns
    -------
    TrialData

    Raises
    ------
    ValueError
        For a name not in :data:`OPTIONAL_DATA`.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> trial = simulate_trial(seed=1)
    >>> both = with_optional_data(trial, ["households", "activities"], seed=1)
    >>> alone = with_optional_data(trial, ["activities"], seed=1)
    >>> "household_id" in alone.participants, alone.activities.equals(both.activities)
    (False, True)
    >>> with_optional_data(trial, [], seed=1) is trial
    True
    """
    wanted = list(dict.fromkeys(which))
    unknown = [name for name in wanted if name not in OPTIONAL_DATA]
    if unknown:
        raise ValueError(f"optional_data: {unknown[0]!r} is not one of "
                         f"{', '.join(OPTIONAL_DATA)}")
    if not wanted:
        return trial
    households, activities = (np.random.default_rng(child) for child in
                              np.random.SeedSequence([seed, 1]).spawn(len(OPTIONAL_DATA)))
    if "households" in wanted:
        trial = add_household_ids(trial, households)
    if "activities" in wanted:
        trial = add_activities(trial, activities)
    return trial
