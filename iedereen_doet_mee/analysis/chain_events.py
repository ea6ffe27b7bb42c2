"""Where each participant is in a chain of stages, and how long each stage took.

A design may declare a chain (``TrialDesign.chain``, ``docs/chains.md``): an ordered
list of instrument kinds, each a stage. :func:`stage_spells` gives one row per
participant and stage entered, :func:`chain_positions` one row per participant with the
furthest stage entered and the status on the as-of date, and :func:`support_received`
who received which practical support. :mod:`.chain` counts them. The rules:

* A participant **entered** a stage when the ``instruments`` table holds a row of that
  kind for them that started on or before ``known_until`` (the as-of date, or the end
  of follow-up when lost earlier; :func:`~.outcomes.derive_outcomes`).
* The stage **started** on the first such row's start and **ended** on the last end of
  its rows when every one of them had ended by ``known_until``; otherwise it is still
  **running** and its time is censored at ``known_until``. Time in a stage counts both
  the first and the last day (a stage of one day lasted 1 day).
* The **furthest** stage is the last stage in chain order that was entered (``none``
  without any). After a stage a participant **moved on** (entered a later stage, not
  necessarily the next one) or, if it is their furthest, is in one of four statuses on
  the as-of date, the first that applies: ``work`` (left benefit for regular or
  subsidised work by ``known_until``: the first exit, as for the outcomes), ``left``
  (left benefit for another reason, left the project or was lost to follow-up by
  then), ``in_stage`` (the furthest stage is running), ``waiting`` (in the programme
  with no stage running: not yet started, or between stages).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["NO_STAGE", "POSITIONS", "SPELL_COLUMNS", "WORK_REASONS", "chain_positions",
           "stage_spells", "support_received"]

#: Exit reasons that count as flowing out to work.
WORK_REASONS = ("regular_work", "subsidised_work")
#: The statuses on the as-of date of a participant's furthest stage, in report order.
POSITIONS = ("in_stage", "waiting", "work", "left")
#: The furthest stage of a participant who entered none.
NO_STAGE = "none"
#: Columns of :func:`stage_spells`.
SPELL_COLUMNS = ("participant_id", "stage", "order", "started_on", "ended_on", "running",
                 "time_days")


def _known(instruments: pd.DataFrame | None, frame: pd.DataFrame, kinds: tuple[str, ...]
           ) -> pd.DataFrame:
    """Instrument rows of ``kinds`` of the participants of ``frame`` that started by their
    ``known_until``, with that day beside them."""
    columns = ["participant_id", "kind", "started_on", "ended_on", "known_until"]
    if instruments is None or instruments.empty:
        return pd.DataFrame(columns=columns)
    rows = instruments[instruments["kind"].astype(str).isin(kinds)].merge(
        frame[["participant_id", "known_until"]], on="participant_id")
    rows = rows[rows["started_on"] <= rows["known_until"]]
    return rows.assign(kind=rows["kind"].astype(str))[columns]


def stage_spells(frame: pd.DataFrame, instruments: pd.DataFrame | None,
                 stages: tuple[str, ...]) -> pd.DataFrame:
    """One row per participant and stage entered by their ``known_until``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per participant with ``participant_id`` and ``known_until`` (the frame
        of :func:`~.outcomes.derive_outcomes`).
    instruments : pandas.DataFrame or None
        The ``instruments`` table (``participant_id, kind, started_on, ended_on``).
    stages : tuple of str
        The chain's stages in order.

    Returns
    -------
    pandas.DataFrame
        :data:`SPELL_COLUMNS`: ``order`` is the stage's place in the chain (0 first),
        ``ended_on`` is missing while ``running``, ``time_days`` runs from the start to
        the end (both days counted) or to ``known_until``.

    Examples
    --------
    >>> frame = pd.DataFrame({"participant_id": ["a", "b"],
    ...                       "known_until": pd.to_datetime(["2016-01-31"] * 2)})
    >>> rows = pd.DataFrame({"participant_id": ["a", "a", "b"],
    ...                      "kind": ["intake", "matching", "intake"],
    ...                      "started_on": pd.to_datetime(["2016-01-01", "2016-01-11",
    ...                                                    "2016-01-05"]),
    ...                      "ended_on": pd.to_datetime(["2016-01-10", None, "2016-01-05"])})
    >>> stage_spells(frame, rows, ("intake", "matching"))[["participant_id", "stage",
    ...                                                    "running", "time_days"]]
      participant_id     stage  running  time_days
    0              a    intake    False       10.0
    1              a  matching     True       21.0
    2              b    intake    False        1.0
    """
    rows = _known(instruments, frame, stages)
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            SPELL_COLUMNS, (object, object, "int64", "datetime64[ns]", "datetime64[ns]",
                            bool, float), strict=True)})
    # a row still runs when it has no end, or ends after the day the status is known
    rows = rows.assign(open=rows["ended_on"].isna() | (rows["ended_on"] > rows["known_until"]))
    spells = rows.groupby(["participant_id", "kind"], sort=False).agg(
        started_on=("started_on", "min"), last_end=("ended_on", "max"),
        running=("open", "any"), known_until=("known_until", "first")).reset_index()
    spells = spells.rename(columns={"kind": "stage"})
    spells["order"] = spells["stage"].map({s: i for i, s in enumerate(stages)}).astype("int64")
    spells["ended_on"] = spells["last_end"].where(~spells["running"]).astype("datetime64[ns]")
    end = spells["ended_on"].where(~spells["running"], spells["known_until"])
    spells["time_days"] = ((end - spells["started_on"]).dt.days + 1).astype(float)
    spells = spells.sort_values(["participant_id", "order"], kind="stable")
    return spells[list(SPELL_COLUMNS)].reset_index(drop=True)


def chain_positions(frame: pd.DataFrame, participants: pd.DataFrame, spells: pd.DataFrame,
                    stages: tuple[str, ...]) -> pd.DataFrame:
    """The furthest stage of every participant and their status on the as-of date.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame of :func:`~.outcomes.derive_outcomes`: ``participant_id,
        known_until, lost_to_follow_up, exit_on, exit_reason`` (exits known by then).
    participants : pandas.DataFrame
        The participants table (``left_project_on`` is used when present).
    spells : pandas.DataFrame
        :func:`stage_spells` of the same participants.
    stages : tuple of str

    Returns
    -------
    pandas.DataFrame
        ``participant_id, furthest, status`` in the order of ``frame``: ``furthest`` a
        stage or :data:`NO_STAGE`, ``status`` one of :data:`POSITIONS`.

    Examples
    --------
    >>> frame = pd.DataFrame({"participant_id": ["a", "b", "c"],
    ...     "known_until": pd.to_datetime(["2016-01-31"] * 3), "lost_to_follow_up": False,
    ...     "exit_on": pd.to_datetime([None, "2016-01-20", None]),
    ...     "exit_reason": [None, "regular_work", None]})
    >>> spells = pd.DataFrame({"participant_id": ["a", "b"], "stage": ["intake", "intake"],
    ...                        "order": [0, 0], "running": [True, False]})
    >>> chain_positions(frame, frame[["participant_id"]], spells, ("intake", "matching"))
      participant_id furthest   status
    0              a   intake in_stage
    1              b   intake     work
    2              c     none  waiting
    """
    ids = frame["participant_id"]
    last = spells.sort_values("order", kind="stable").groupby("participant_id").last()
    furthest = last["stage"].reindex(ids).fillna(NO_STAGE).to_numpy(dtype=object)
    running = last["running"].reindex(ids).fillna(False).to_numpy(dtype=bool)
    known = frame["known_until"]
    exited = frame["exit_on"].notna() & (frame["exit_on"] <= known)
    work = (exited & frame["exit_reason"].isin(WORK_REASONS)).to_numpy(dtype=bool)
    left_project = pd.Series(False, index=frame.index)
    if "left_project_on" in participants:
        left_on = participants.set_index("participant_id")["left_project_on"].reindex(ids)
        left_project = pd.Series(left_on.to_numpy() <= known.to_numpy(), index=frame.index)
    left = (exited | left_project | frame["lost_to_follow_up"].astype(bool)).to_numpy(dtype=bool)
    status = pd.Series("waiting", index=frame.index, dtype=object)
    status[running] = "in_stage"
    status[left & ~work] = "left"
    status[work] = "work"
    return pd.DataFrame({"participant_id": ids.to_numpy(), "furthest": furthest,
                         "status": status.to_numpy()})


def support_received(frame: pd.DataFrame, instruments: pd.DataFrame | None,
                     kinds: tuple[str, ...]) -> pd.DataFrame:
    """Which of the practical-support ``kinds`` each participant received by their
    ``known_until``: one boolean column per kind, in the order of ``frame``.

    Examples
    --------
    >>> frame = pd.DataFrame({"participant_id": ["a", "b"],
    ...                       "known_until": pd.to_datetime(["2016-01-31"] * 2)})
    >>> rows = pd.DataFrame({"participant_id": ["a"], "kind": ["bus_card"],
    ...                      "started_on": pd.to_datetime(["2016-01-04"]),
    ...                      "ended_on": pd.to_datetime([None])})
    >>> support_received(frame, rows, ("bus_card", "bicycle"))
       bus_card  bicycle
    0      True    False
    1     False    False
    """
    rows = _known(instruments, frame, kinds)
    out = pd.DataFrame(index=frame.index)
    for kind in kinds:
        having = set(rows.loc[rows["kind"] == kind, "participant_id"])
        out[kind] = frame["participant_id"].isin(having).to_numpy(dtype=bool)
    return out
