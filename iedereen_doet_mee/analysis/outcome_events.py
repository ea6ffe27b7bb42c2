"""When each unit reached each outcome the design declares (issue 12, item 1).

:func:`outcome_events` turns a trial into one row per person and declared outcome
(:attr:`~iedereen_doet_mee.design.TrialDesign.outcomes`): whether the person reached it
by the as-of date, when, and how long they were observed. :func:`by_unit` folds the
persons of one household into one row when the design counts households. The shares
of :mod:`.outcome_shares` are computed from these rows, so other data can be analysed
by building the same frame.

The rules, per kind of outcome (``docs/outcomes.md``):

* ``exit``: the first exit from benefit, if its reason is one of ``reasons``;
* ``job``: the first job spell started on or after enrolment with at least
  ``min_hours_per_week`` contracted hours, subsidised or not as ``subsidised`` says;
* ``ladder_step``: the first participation-ladder rung measured after intake that is
  at least ``min_steps`` above the intake rung;
* ``activity``: the first activity of kind ``activity`` started on or after enrolment.

Every event counts only when it is known on the as-of date (on or before
``known_until`` of :func:`~iedereen_doet_mee.analysis.outcomes.derive_outcomes`) and,
with ``within_months``, when it falls before the window closes (enrolment plus that many
calendar months, exclusive). Everyone enrolled by the as-of date is in the denominator,
including people without any measurement or job; ``window_complete`` says whether
their window had closed by then, so a report can state how many could still reach it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..data.loading import TrialData
from .outcomes import Outcomes, derive_outcomes

__all__ = ["EVENT_COLUMNS", "OUTCOME_TABLES", "by_unit", "household_of", "outcome_events"]

#: Columns of :func:`outcome_events` (and of :func:`by_unit`, with ``unit_id`` the
#: household and ``members`` its size).
EVENT_COLUMNS: tuple[str, ...] = (
    "unit_id", "members", "band", "instruments", "outcome", "kind", "enrolled_on",
    "known_until", "window_end", "window_complete", "reached", "reached_on", "time_days",
    "reason",
)

#: The table each kind of outcome is read from, besides the participants.
OUTCOME_TABLES: dict[str, str] = {"job": "employment", "ladder_step": "measurements",
                                  "activity": "activities"}


def _window_end(enrolled_on: pd.Series, months: int | None) -> pd.Series:
    """Enrolment plus ``months`` calendar months (the first day outside the window)."""
    if months is None:
        return pd.Series(pd.NaT, index=enrolled_on.index, dtype="datetime64[ns]")
    return (enrolled_on + pd.DateOffset(months=months)).astype("datetime64[ns]")


def _first_event(candidates: pd.DataFrame, date_column: str, people: pd.DataFrame
                 ) -> pd.Series:
    """The earliest ``date_column`` per participant among ``candidates`` that falls on or
    after enrolment, on or before ``known_until`` and before ``window_end`` (if any)."""
    if candidates is None or candidates.empty:
        return pd.Series(pd.NaT, index=people.index, dtype="datetime64[ns]")
    rows = candidates[["participant_id", date_column]].merge(
        people[["participant_id", "enrolled_on", "known_until", "window_end"]],
        on="participant_id")
    day = rows[date_column]
    keep = (day >= rows["enrolled_on"]) & (day <= rows["known_until"])
    keep &= rows["window_end"].isna() | (day < rows["window_end"])
    first = rows[keep].groupby("participant_id")[date_column].min()
    return first.reindex(people["participant_id"]).set_axis(people.index).astype(
        "datetime64[ns]")


def _exit_event(people: pd.DataFrame, reasons: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Exit date and reason of the people whose (first) exit has one of ``reasons``."""
    hit = people["exit_reason"].isin(reasons) & people["exit_on"].notna()
    hit &= people["window_end"].isna() | (people["exit_on"] < people["window_end"])
    return (people["exit_on"].where(hit).astype("datetime64[ns]"),
            people["exit_reason"].where(hit).astype(object))


def _job_candidates(trial: TrialData, definition: Any) -> pd.DataFrame | None:
    jobs = trial.table("employment")
    if jobs is None:
        return None
    keep = jobs["hours_per_week"].astype(float) >= float(definition.min_hours_per_week)
    if definition.subsidised != "any":  # a yes/no column is loaded as booleans
        keep &= (jobs["subsidised"].astype("boolean") == (definition.subsidised == "yes")
                 ).fillna(False)
    return jobs[keep]


def _ladder_candidates(trial: TrialData, definition: Any, outcomes: Outcomes,
                       ) -> pd.DataFrame | None:
    """Ladder measurements after the intake moment at least ``min_steps`` above intake."""
    measurements = trial.table("measurements")
    if measurements is None:
        return None
    rungs = measurements[measurements["measure"] == "ladder_rung"]
    intake = outcomes.frame.set_index("participant_id")["ladder_intake"]
    rungs = rungs.assign(intake=intake.reindex(rungs["participant_id"]).to_numpy())
    return rungs[rungs["value"].astype(float) >= rungs["intake"] + definition.min_steps]


def _activity_candidates(trial: TrialData, definition: Any) -> pd.DataFrame | None:
    activities = trial.table("activities")
    if activities is None:
        return None
    return activities[activities["kind"].astype(str) == definition.activity]


def outcome_events(trial: TrialData, as_of: dt.date | str | None = None, *,
                   outcomes: Outcomes | None = None, missing_table: str = "raise"
                   ) -> pd.DataFrame:
    """One row per person enrolled by ``as_of`` and outcome declared in the design.

    Parameters
    ----------
    trial : TrialData
        A validated trial; its design declares the outcomes.
    as_of : date or ISO str, optional
        Default: the design's cut-off.
    outcomes : Outcomes, optional
        :func:`derive_outcomes` of the same trial and date, when already computed.
    missing_table : {"raise", "skip"}
        What to do with an outcome whose table (:data:`OUTCOME_TABLES`) the trial does
        not have: raise, or leave its rows out.

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_COLUMNS`; ``unit_id`` is the participant, ``members`` 1,
        ``time_days`` runs from enrolment to the event, or to the end of observation
        (the earlier of ``known_until`` and the window's end) without one; ``reason``
        is the exit reason of an ``exit`` outcome reached.

    Raises
    ------
    ValueError
        When an outcome needs a table the trial does not have (named) and
        ``missing_table="raise"``.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> events = outcome_events(simulate_trial(seed=1))
    >>> events["outcome"].unique().tolist(), len(events), int(events["reached"].sum())
    (['regular_work'], 100, 18)
    """
    outcomes = derive_outcomes(trial, as_of) if outcomes is None else outcomes
    frame = outcomes.frame
    parts = []
    for definition in trial.design.outcomes:
        people = frame[["participant_id", "band", "instruments", "enrolled_on", "known_until",
                        "exit_on", "exit_reason"]].copy()
        people["window_end"] = _window_end(people["enrolled_on"], definition.within_months)
        reason = pd.Series(None, index=people.index, dtype=object)
        if definition.kind == "exit":
            reached_on, reason = _exit_event(people, tuple(definition.reasons))
        else:
            candidates = {
                "job": lambda d=definition: _job_candidates(trial, d),
                "ladder_step": lambda d=definition: _ladder_candidates(trial, d, outcomes),
                "activity": lambda d=definition: _activity_candidates(trial, d),
            }[definition.kind]
            found, table = candidates(), OUTCOME_TABLES[definition.kind]
            if found is None and missing_table == "skip":
                continue
            if found is None:
                raise ValueError(f"outcome {definition.name!r} ({definition.kind}) needs the "
                                 f"table {table!r}, which the trial data do not have")
            day = "measured_on" if definition.kind == "ladder_step" else "started_on"
            reached_on = _first_event(found, day, people)
        end = people["known_until"].where(
            people["window_end"].isna() | (people["known_until"] < people["window_end"]),
            people["window_end"])
        reached = reached_on.notna()
        parts.append(pd.DataFrame({
            "unit_id": people["participant_id"].astype(str), "members": 1,
            "band": people["band"], "instruments": people["instruments"],
            "outcome": definition.name, "kind": definition.kind,
            "enrolled_on": people["enrolled_on"], "known_until": people["known_until"],
            "window_end": people["window_end"],
            "window_complete": (people["window_end"].notna()
                                & (people["window_end"] <= people["known_until"]
                                   + pd.Timedelta(days=1))).to_numpy(dtype=bool),
            "reached": reached.to_numpy(dtype=bool), "reached_on": reached_on,
            "time_days": (reached_on.where(reached, end) - people["enrolled_on"]).dt.days
            .astype(float),
            "reason": reason.where(reached, None),
        }))
    if not parts:
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(EVENT_COLUMNS)]


def household_of(person_ids: pd.Series, households: pd.Series) -> np.ndarray:
    """The household of each person: their ``household_id``, or ``"person:<id>"`` for a
    person without one (a household of one).

    Examples
    --------
    >>> household_of(pd.Series(["a", "b"]), pd.Series({"a": "H1"})).tolist()
    ['H1', 'person:b']
    """
    ids = households.reindex(person_ids.to_numpy()).to_numpy(dtype=object)
    return np.where(pd.isna(ids), "person:" + person_ids.astype(str).to_numpy(dtype=object),
                    ids).astype(str)


def by_unit(events: pd.DataFrame, households: pd.Series | None) -> pd.DataFrame:
    """The rows of :func:`outcome_events` with households as the unit.

    A household (persons sharing ``household_id``; a person without one is a household
    of one) reaches an outcome when any member does, on the earliest member's date. It
    enters when its first member enrolled and is observed until its last member's
    ``known_until``; its band and arm are those of its first enrolled member (ties: the
    order of the participants table), and ``window_complete`` holds when it holds for
    every member.

    Parameters
    ----------
    events : pandas.DataFrame
        :func:`outcome_events` (persons).
    households : pandas.Series or None
        ``household_id`` indexed by participant identifier (missing: a household of
        one); None: every person is their own household.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "unit_id": ["a", "b", "c"], "members": 1, "band": ["x", "y", "x"],
    ...     "instruments": "no", "outcome": "o", "kind": "exit",
    ...     "enrolled_on": pd.to_datetime(["2015-01-01", "2014-12-01", "2015-01-01"]),
    ...     "known_until": pd.Timestamp("2016-01-01"), "window_end": pd.NaT,
    ...     "window_complete": False, "reached": [True, False, False],
    ...     "reached_on": pd.to_datetime(["2015-03-01", None, None]),
    ...     "time_days": [59.0, 396.0, 365.0], "reason": ["other", None, None]})
    >>> by_unit(events, pd.Series({"a": "H1", "b": "H1"}))[["unit_id", "members", "band",
    ...                                                      "reached", "time_days"]]
      unit_id  members band  reached  time_days
    0      H1        2    y     True       90.0
    1  person:c        1    x    False      365.0
    """
    if households is None:
        return events.copy()
    rows = events.assign(unit_id=household_of(events["unit_id"], households)).sort_values(
        ["outcome", "unit_id", "enrolled_on"], kind="stable")
    first = rows.groupby(["outcome", "unit_id"], sort=False)
    out = first.agg(members=("members", "sum"), band=("band", "first"),
                    instruments=("instruments", "first"), kind=("kind", "first"),
                    enrolled_on=("enrolled_on", "min"), known_until=("known_until", "max"),
                    window_end=("window_end", "max"),
                    window_complete=("window_complete", "all"), reached=("reached", "any"),
                    reached_on=("reached_on", "min")).reset_index()
    reasons = rows[rows["reached"]].sort_values("reached_on", kind="stable").groupby(
        ["outcome", "unit_id"], sort=False)["reason"].first()
    out["reason"] = reasons.reindex(pd.MultiIndex.from_frame(out[["outcome", "unit_id"]])
                                    ).to_numpy(dtype=object)
    end = out["known_until"].where(out["window_end"].isna()
                                   | (out["known_until"] < out["window_end"]),
                                   out["window_end"])
    out["time_days"] = (out["reached_on"].where(out["reached"], end)
                        - out["enrolled_on"]).dt.days.astype(float)
    order = {name: i for i, name in enumerate(dict.fromkeys(events["outcome"]))}
    out = out.sort_values(["outcome", "unit_id"], key=lambda s: s.map(order) if
                          s.name == "outcome" else s, kind="stable")
    return out[list(EVENT_COLUMNS)].reset_index(drop=True)
