"""Each participant's outcomes as they stood on a given date (item 1 of the analysis).

:func:`derive_outcomes` turns a trial's tables into one row per participant with the
outcomes every analysis uses. Everything is computed as if the data ended on
``as_of`` (default: the design's cut-off), so an interim report sees only what was
known then. Nobody is dropped: a participant whose follow-up is cut short (still on
benefit, or lost to follow-up) is censored at the last day their status is known.
Participants who enrolled after ``as_of`` were not in the trial yet and are counted
separately. :func:`wage_value_long` lays out the wage-value measurements known on
``as_of`` beside them, one row per measurement.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from ..data.loading import TrialData
from ..dates import DAYS_PER_MONTH, parse_iso_date

__all__ = ["OUTCOME_COLUMNS", "Outcomes", "derive_outcomes", "wage_value_long"]

#: Columns of :attr:`Outcomes.frame`, documented in ``docs/methods.md``.
OUTCOME_COLUMNS: tuple[str, ...] = (
    "participant_id", "band", "instruments", "enrolled_on", "known_until",
    "lost_to_follow_up", "exit_on", "exit_reason", "event", "time_days", "regular_work",
    "returned_on",
    "placement_on", "placement_subsidised", "durable_placement", "ladder_intake",
    "ladder_last", "ladder_up", "wage_first", "wage_last", "wage_change", "wage_months",
    "instrument_cost",
)
_WORK = ("regular_work", "subsidised_work")


@dataclasses.dataclass(frozen=True)
class Outcomes:
    """Outcomes of every participant enrolled by ``as_of``.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per participant (``OUTCOME_COLUMNS``). ``event`` is
        ``"regular_work"``, another exit reason, or ``"censored"``; ``time_days`` runs
        from enrolment to that event or to ``known_until``. ``durable_placement`` is
        missing while it cannot be known yet; ``ladder_*``, ``wage_*`` and
        ``instrument_cost`` are missing when their table is absent.
    as_of : datetime.date
        The date the outcomes stand on.
    horizon_months : int
        The durability horizon used.
    not_yet_enrolled : int
        Participants in the data enrolled after ``as_of`` (not counted anywhere else).
    missing_tables : tuple of str
        Optional tables that were absent, so their outcomes are missing.
    """

    frame: pd.DataFrame
    as_of: dt.date
    horizon_months: int
    not_yet_enrolled: int
    missing_tables: tuple[str, ...]

    def accounting(self) -> pd.DataFrame:
        """How every participant in the data is accounted for (counts add up).

        Examples
        --------
        >>> from iedereen_doet_mee.simulation import simulate_trial
        >>> counts = derive_outcomes(simulate_trial(seed=1)).accounting()
        >>> int(counts.loc[counts["status"] == "total in the data", "n"].iloc[0])
        100
        """
        f = self.frame
        censored = f["event"] == "censored"
        rows = [
            ("regular work", int((f["event"] == "regular_work").sum())),
            ("other exit from benefit", int((~censored & (f["event"] != "regular_work")).sum())),
            ("on benefit at as_of (censored)", int((censored & ~f["lost_to_follow_up"]).sum())),
            ("lost to follow-up (censored)", int((censored & f["lost_to_follow_up"]).sum())),
            ("enrolled after as_of (not yet in the trial)", self.not_yet_enrolled),
        ]
        rows.append(("total in the data", sum(n for _, n in rows)))
        return pd.DataFrame(rows, columns=["status", "n"])

    def __repr__(self) -> str:
        return (f"Outcomes(as of {self.as_of}: {len(self.frame)} participants, "
                f"{int(self.frame['regular_work'].sum())} to regular work)")


def _first_placement(trial: TrialData, people: pd.DataFrame, as_of: pd.Timestamp,
                     horizon: int) -> pd.DataFrame:
    """First job started on or after enrolment and known by then, and its durability."""
    jobs = trial.table("employment")
    out = pd.DataFrame(index=people.index, columns=["placement_on", "placement_subsidised",
                                                    "durable_placement"])
    out["placement_on"] = pd.Series(pd.NaT, index=people.index, dtype="datetime64[ns]")
    out["placement_subsidised"] = pd.array([pd.NA] * len(people), dtype="boolean")
    out["durable_placement"] = pd.array([pd.NA] * len(people), dtype="boolean")
    if jobs is None:
        return out
    jobs = jobs.merge(people[["participant_id", "enrolled_on", "known_until"]],
                      on="participant_id")
    jobs = jobs[(jobs["started_on"] >= jobs["enrolled_on"])
                & (jobs["started_on"] <= jobs["known_until"])]
    first = jobs.sort_values(["participant_id", "started_on"], kind="stable").drop_duplicates(
        "participant_id").set_index("participant_id")
    index = people["participant_id"]
    start = first["started_on"].reindex(index).to_numpy()
    end = first["ended_on"].reindex(index)
    # an end after the day the status is known is not known yet
    end = end.where(end <= people["known_until"].to_numpy()).to_numpy()
    due = pd.to_datetime(start) + pd.DateOffset(months=horizon)
    known = people["known_until"].to_numpy()
    has = ~pd.isna(start)
    ended_early = has & ~pd.isna(end) & (end < due.to_numpy())
    lasted = has & ~ended_early & (due.to_numpy() <= known)
    durable = np.where(ended_early, False, np.where(lasted, True, None))
    out["placement_on"] = pd.Series(start, index=people.index).astype("datetime64[ns]")
    out["placement_subsidised"] = pd.array(
        first["subsidised"].reindex(index).to_numpy(), dtype="boolean")
    out["durable_placement"] = pd.array(np.where(has, durable, None), dtype="boolean")
    return out


def _measures(trial: TrialData, people: pd.DataFrame) -> pd.DataFrame:
    """Ladder rung at intake and last, and wage value first and last, known by then."""
    out = pd.DataFrame(index=people.index)
    for column in ("ladder_last", "wage_first", "wage_last", "wage_months"):
        out[column] = np.nan
    intake = people.get("ladder_rung_intake")
    out["ladder_intake"] = intake.astype(float).to_numpy() if intake is not None else np.nan
    meas = trial.table("measurements")
    if meas is None:
        return out
    meas = meas.merge(people[["participant_id", "enrolled_on", "known_until"]],
                      on="participant_id")
    meas = meas[meas["measured_on"] <= meas["known_until"]].sort_values(
        ["participant_id", "measured_on"], kind="stable")
    index = people["participant_id"]
    rungs = meas[meas["measure"] == "ladder_rung"]
    first = rungs.groupby("participant_id")
    first_rung = first["value"].first().reindex(index).to_numpy()
    first_on = first["measured_on"].first().reindex(index)
    recorded = ~np.isnan(out["ladder_intake"].to_numpy())
    out["ladder_intake"] = np.where(recorded, out["ladder_intake"], first_rung)
    # the intake moment: enrolment when the participants table records the intake rung,
    # else the first measurement; the last rung is the last one measured after it
    intake_on = pd.Series(np.where(recorded, people["enrolled_on"].to_numpy(),
                                   first_on.to_numpy()), index=index).astype("datetime64[ns]")
    later = rungs[rungs["measured_on"].to_numpy()
                  > intake_on.reindex(rungs["participant_id"]).to_numpy()]
    out["ladder_last"] = later.groupby("participant_id")["value"].last().reindex(
        index).to_numpy()
    wage = meas[meas["measure"] == "wage_value"].groupby("participant_id")
    out["wage_first"] = wage["value"].first().reindex(index).to_numpy()
    last = wage["value"].last().reindex(index).to_numpy()
    n_wage = wage.size().reindex(index).fillna(0).to_numpy()
    out["wage_last"] = np.where(n_wage >= 2, last, np.nan)
    span = (wage["measured_on"].last() - wage["measured_on"].first()).dt.days
    out["wage_months"] = np.where(n_wage >= 2, span.reindex(index).to_numpy() / 30.436875,
                                  np.nan)
    return out


def derive_outcomes(trial: TrialData, as_of: dt.date | str | None = None) -> Outcomes:
    """Outcomes of every participant as they stood on ``as_of``.

    Parameters
    ----------
    trial : TrialData
        A validated trial (from :func:`~iedereen_doet_mee.data.load_trial` or the
        simulator).
    as_of : date or ISO str, optional
        The day the outcomes stand on; default the design's cut-off. It may not lie
        after the cut-off: the data cannot know what happened later.

    Returns
    -------
    Outcomes

    Notes
    -----
    * ``known_until`` is the earliest of ``as_of`` and ``follow_up_end_on``.
    * An exit counts when ``exit_on <= known_until``; ``event`` is then its reason
      (``regular_work`` or another), else ``"censored"`` at ``known_until``.
    * A placement is the first job started on or after enrolment and by
      ``known_until``; it is durable when the job still ran ``horizon`` calendar
      months after it started, not durable when it ended before, and missing while
      neither is known.
    * ``ladder_up`` compares the last rung measured after intake with the intake
      rung; ``wage_change`` is last minus first measured wage value.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> outcomes = derive_outcomes(simulate_trial(seed=1), as_of="2015-07-01")
    >>> outcomes.as_of, outcomes.not_yet_enrolled > 0
    (datetime.date(2015, 7, 1), True)
    """
    design = trial.design
    as_of = design.cutoff if as_of is None else parse_iso_date(as_of)
    if as_of > design.cutoff:
        raise ValueError(f"derive_outcomes: as_of {as_of} lies after the data cut-off "
                         f"{design.cutoff}; the data cannot know what happened later")
    stamp = pd.Timestamp(as_of)
    all_people = trial.participants
    enrolled = all_people["enrolled_on"] <= stamp
    people = all_people[enrolled].reset_index(drop=True).copy()
    loss = people.get("follow_up_end_on", pd.Series(pd.NaT, index=people.index))
    people["known_until"] = loss.where(loss < stamp, stamp).fillna(stamp).astype(
        "datetime64[ns]")
    seen = people["exit_on"] <= people["known_until"]
    reason = people["exit_reason"].astype(object).where(seen, None)
    event = reason.fillna("censored")
    end = people["exit_on"].where(seen, people["known_until"])
    frame = pd.DataFrame({
        "participant_id": people["participant_id"],
        "band": people["band"].astype(str),
        "instruments": people["instruments"].astype(str),
        "enrolled_on": people["enrolled_on"],
        "known_until": people["known_until"],
        "lost_to_follow_up": (loss.notna() & (loss <= stamp) & ~seen).to_numpy(dtype=bool),
        "exit_on": people["exit_on"].where(seen),
        "exit_reason": reason,
        "event": event.astype(str),
        "time_days": (end - people["enrolled_on"]).dt.days.astype(np.int64),
        "regular_work": (event == "regular_work").to_numpy(dtype=bool),
        "returned_on": people.get("returned_on", pd.Series(pd.NaT, index=people.index))
        .where(lambda d: d <= people["known_until"]).astype("datetime64[ns]"),
    })
    placement = _first_placement(trial, people, stamp, design.durable_horizon_months)
    measures = _measures(trial, people)
    frame = pd.concat([frame, placement, measures], axis=1)
    frame["ladder_up"] = pd.array(
        np.where(np.isnan(frame["ladder_last"]) | np.isnan(frame["ladder_intake"]), None,
                 frame["ladder_last"] > frame["ladder_intake"]), dtype="boolean")
    frame["wage_change"] = frame["wage_last"] - frame["wage_first"]
    instruments = trial.table("instruments")
    if instruments is None:
        frame["instrument_cost"] = np.nan
    else:
        known = instruments.merge(people[["participant_id", "known_until"]], on="participant_id")
        known = known[known["started_on"] <= known["known_until"]]
        cost = known.groupby("participant_id")["cost_eur"].sum()
        frame["instrument_cost"] = cost.reindex(frame["participant_id"]).fillna(0.0).to_numpy()
    missing = tuple(t for t in ("employment", "measurements", "instruments")
                    if trial.table(t) is None)
    return Outcomes(frame[list(OUTCOME_COLUMNS)], as_of, design.durable_horizon_months,
                    int((~enrolled).sum()), missing)


def wage_value_long(trial: TrialData, as_of: dt.date | str | None = None, *,
                    outcomes: Outcomes | None = None) -> pd.DataFrame:
    """One row per wage-value measurement known on ``as_of``, with months since enrolment.

    Parameters
    ----------
    trial : TrialData
        A validated or simulated trial.
    as_of : date or ISO str, optional
        Keep participants enrolled by then and measurements up to their ``known_until``
        (of :func:`~iedereen_doet_mee.analysis.derive_outcomes`: the earlier of ``as_of``
        and loss to follow-up). Default: the design's cut-off.
    outcomes : Outcomes, optional
        ``derive_outcomes(trial, as_of)`` when already derived (it is not derived again).

    Returns
    -------
    pandas.DataFrame
        ``participant_id, band, instruments, enrolled_on, measured_on, value, time``
        (days since enrolment / 30.436875); ``band`` and ``instruments`` categorical with
        the design's levels, so empty cells stay visible. Empty without measurements.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> long = wage_value_long(simulate_trial(seed=1), as_of="2015-07-01")
    >>> bool(long["measured_on"].max() <= pd.Timestamp("2015-07-01"))
    True
    """
    people = (outcomes if outcomes is not None else derive_outcomes(trial, as_of)).frame
    meas = trial.table("measurements")
    if meas is None:
        meas = pd.DataFrame({"participant_id": pd.Series(dtype=object), "measure": "",
                             "measured_on": pd.Series(dtype="datetime64[ns]"), "value": 0.0})
    meas = meas.loc[meas["measure"].astype(str) == "wage_value",
                    ["participant_id", "measured_on", "value"]]
    long = meas.merge(people[["participant_id", "band", "instruments", "enrolled_on",
                              "known_until"]], on="participant_id", how="inner")
    long = long[long["measured_on"] <= long["known_until"]].sort_values(
        ["participant_id", "measured_on"], kind="stable").assign(
        time=lambda x: (x["measured_on"] - x["enrolled_on"]).dt.days / DAYS_PER_MONTH,
        value=lambda x: x["value"].astype(float),
        band=lambda x: pd.Categorical(x["band"].astype(str), trial.design.strata),
        instruments=lambda x: pd.Categorical(x["instruments"].astype(str), trial.design.arms))
    return long[["participant_id", "band", "instruments", "enrolled_on", "measured_on",
                 "value", "time"]].reset_index(drop=True)
