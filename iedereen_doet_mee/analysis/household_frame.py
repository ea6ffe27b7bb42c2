"""The outcome frame with households as the unit (issue 12, item 3).

When a design counts households (``unit = "household"``), the questions that read the
outcome frame of :func:`~iedereen_doet_mee.analysis.outcomes.derive_outcomes` (time to
regular work, the comparison of arms, bounds for missing outcomes, the participation
ladder, costs and savings) read :func:`frame_by_household` instead: one row per
household, with the same columns, so every estimator runs unchanged and counts
households. The rules follow the one the issue states for outcomes, "a household
reaches an outcome when any member does", and :func:`~.outcome_events.by_unit`:

* the household enters when its first member enrolled and is observed until its last
  member's ``known_until``; its band and arm are those of its first enrolled member
  (ties: the order of the participants table), who also gives its baseline
  characteristics (``representative``);
* ``event`` is ``"regular_work"`` on the earliest date a member left benefit for
  regular work; failing that, when every member has left benefit, the last member's
  exit (the household then left benefit); otherwise the household is censored, and
  ``lost_to_follow_up`` when every member still censored was lost to follow-up;
* ``placement_on`` is the earliest member's first job (``placement_subsidised`` of
  that job); ``durable_placement`` holds when any member's does, is false when every
  member's is false, and is missing otherwise;
* the participation-ladder and wage-value columns are those of the member who moved
  furthest (largest ``ladder_last - ladder_intake``, and separately largest
  ``wage_change``; ties: the first enrolled), so ``ladder_up`` holds exactly when some
  member moved up;
* ``instrument_cost`` and the months off benefit (``benefit_months_saved_any`` and
  ``benefit_months_saved_work``, which :func:`.benefit_months.benefit_months_saved`
  uses as given) are sums over the members: a household's costs and savings are those
  of its members.

The ESF indicators, the instruments question and the chain keep counting persons (an
instrument and a stage of the chain are given to a person); the wage-value models
read each person's measurements.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .benefit_months import SUMMED_COLUMN, benefit_months_saved
from .outcome_events import household_of
from .outcomes import OUTCOME_COLUMNS

__all__ = ["HOUSEHOLD_COLUMNS", "frame_by_household"]

#: Columns a household frame has beyond :data:`OUTCOME_COLUMNS` (``participant_id``
#: there holds the household).
HOUSEHOLD_COLUMNS: tuple[str, ...] = (
    "members", "representative", SUMMED_COLUMN.format(exits="any"),
    SUMMED_COLUMN.format(exits="work"))

_LADDER = ("ladder_intake", "ladder_last", "ladder_up")
_WAGE = ("wage_first", "wage_last", "wage_change", "wage_months")


def _pick(rows: pd.DataFrame, score: pd.Series, columns: tuple[str, ...]) -> pd.DataFrame:
    """Per household, ``columns`` of the member with the largest ``score`` (missing
    scores last; ties: the earlier row)."""
    order = rows.assign(_score=score.to_numpy(dtype=float), _row=np.arange(len(rows)))
    order = order.sort_values(["_unit", "_score", "_row"], ascending=[True, False, True],
                              na_position="last", kind="stable")
    return order.groupby("_unit", sort=False)[list(columns)].first()


def frame_by_household(frame: pd.DataFrame, households: pd.Series) -> pd.DataFrame:
    """One row per household of a person-level outcome frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``derive_outcomes(trial, as_of).frame``: one row per person
        (:data:`~iedereen_doet_mee.analysis.outcomes.OUTCOME_COLUMNS`).
    households : pandas.Series
        ``household_id`` indexed by participant identifier; a missing value (or a
        person not in it) is a household of one, ``"person:<id>"``.

    Returns
    -------
    pandas.DataFrame
        :data:`OUTCOME_COLUMNS` (``participant_id`` holding the household) and
        :data:`HOUSEHOLD_COLUMNS`, one row per household, sorted by household. The
        rules are in the module docstring.

    Examples
    --------
    >>> people = pd.DataFrame({
    ...     "participant_id": ["a", "b", "c"], "band": "all", "instruments": "no",
    ...     "enrolled_on": pd.to_datetime(["2015-01-01", "2015-02-01", "2015-01-01"]),
    ...     "known_until": pd.Timestamp("2016-01-01"), "lost_to_follow_up": False,
    ...     "exit_on": pd.to_datetime([None, "2015-06-01", None]),
    ...     "exit_reason": [None, "regular_work", None],
    ...     "event": ["censored", "regular_work", "censored"],
    ...     "time_days": [365, 120, 365], "regular_work": [False, True, False],
    ...     "returned_on": pd.NaT, "placement_on": pd.NaT, "placement_subsidised": pd.NA,
    ...     "durable_placement": pd.NA, "ladder_intake": [1.0, 2.0, 1.0],
    ...     "ladder_last": [1.0, 3.0, np.nan], "ladder_up": [False, True, pd.NA],
    ...     "wage_first": np.nan, "wage_last": np.nan, "wage_change": np.nan,
    ...     "wage_months": np.nan, "instrument_cost": [100.0, 50.0, 0.0]})
    >>> homes = frame_by_household(people, pd.Series({"a": "H1", "b": "H1"}))
    >>> homes[["participant_id", "members", "event", "time_days", "ladder_up",
    ...        "instrument_cost"]]
      participant_id  members         event  time_days  ladder_up  instrument_cost
    0             H1        2  regular_work        151       True            150.0
    1       person:c        1      censored        365       <NA>              0.0
    """
    rows = frame.reset_index(drop=True).copy()
    rows["_unit"] = household_of(rows["participant_id"].astype(str), households)
    for exits in ("any", "work"):
        rows[SUMMED_COLUMN.format(exits=exits)] = benefit_months_saved(frame, exits=exits)
    rows = rows.sort_values(["_unit", "enrolled_on"], kind="stable")
    groups = rows.groupby("_unit", sort=False)
    first = groups.first()
    out = pd.DataFrame({
        "participant_id": first.index.to_numpy(dtype=object),
        "members": groups.size().to_numpy(dtype=np.int64),
        "representative": first["participant_id"].to_numpy(dtype=object),
        "band": first["band"].to_numpy(dtype=object),
        "instruments": first["instruments"].to_numpy(dtype=object),
        "enrolled_on": groups["enrolled_on"].min().to_numpy(),
        "known_until": groups["known_until"].max().to_numpy()}, index=first.index)

    work = rows[rows["event"] == "regular_work"].sort_values(["_unit", "exit_on"],
                                                              kind="stable")
    work = work.groupby("_unit", sort=False)[["exit_on", "exit_reason", "returned_on"]].first()
    censored = rows["event"] == "censored"
    all_left = ~censored.groupby(rows["_unit"], sort=False).any()
    last = rows[~censored].sort_values(["_unit", "exit_on"], kind="stable").groupby(
        "_unit", sort=False)[["exit_on", "exit_reason", "returned_on"]].last()
    last = last[all_left.reindex(last.index).to_numpy(dtype=bool)]
    ended = pd.concat([work, last[~last.index.isin(work.index)]]).reindex(out.index)
    out["exit_on"] = ended["exit_on"].astype("datetime64[ns]")
    out["exit_reason"] = ended["exit_reason"].astype(object).where(out["exit_on"].notna(),
                                                                   None)
    out["event"] = out["exit_reason"].fillna("censored").astype(str)
    out["regular_work"] = (out["event"] == "regular_work").to_numpy(dtype=bool)
    out["returned_on"] = ended["returned_on"].astype("datetime64[ns]")
    end = out["exit_on"].where(out["exit_on"].notna(), out["known_until"])
    out["time_days"] = (end - out["enrolled_on"]).dt.days.astype(np.int64)
    lost_if_censored = rows["lost_to_follow_up"].astype(bool) | ~censored
    out["lost_to_follow_up"] = (
        lost_if_censored.groupby(rows["_unit"], sort=False).all().reindex(out.index)
        .to_numpy(dtype=bool) & (out["event"] == "censored").to_numpy())

    placed = rows[rows["placement_on"].notna()].sort_values(["_unit", "placement_on"],
                                                            kind="stable")
    placed = placed.groupby("_unit", sort=False)[["placement_on", "placement_subsidised"]
                                                 ].first().reindex(out.index)
    out["placement_on"] = placed["placement_on"].astype("datetime64[ns]")
    out["placement_subsidised"] = pd.array(placed["placement_subsidised"], dtype="boolean")
    durable = pd.array(rows["durable_placement"], dtype="boolean")
    any_true = pd.Series(durable.fillna(False).to_numpy(dtype=bool)).groupby(
        rows["_unit"].to_numpy(), sort=False).any()
    all_false = pd.Series((~durable).fillna(False).to_numpy(dtype=bool)).groupby(
        rows["_unit"].to_numpy(), sort=False).all()
    out["durable_placement"] = pd.array(
        np.where(any_true.reindex(out.index), True,
                 np.where(all_false.reindex(out.index), False, None)), dtype="boolean")

    ladder = _pick(rows, rows["ladder_last"] - rows["ladder_intake"], _LADDER)
    wage = _pick(rows, rows["wage_change"], _WAGE)
    for column in _LADDER[:2] + _WAGE:
        source = ladder if column in _LADDER else wage
        out[column] = source[column].reindex(out.index).to_numpy(dtype=float)
    out["ladder_up"] = pd.array(ladder["ladder_up"].reindex(out.index), dtype="boolean")
    out["instrument_cost"] = groups["instrument_cost"].sum(min_count=1).to_numpy(dtype=float)
    for column in HOUSEHOLD_COLUMNS[2:]:
        out[column] = groups[column].sum().to_numpy(dtype=float)
    return out[[*OUTCOME_COLUMNS, *HOUSEHOLD_COLUMNS]].reset_index(drop=True)
