"""Records given twice: the same survey answer or measurement on two rows.

A row that repeats an earlier row cell for cell is reported by the validator as
``duplicate_row`` (``duplicate_participant`` in tables with one row per participant).
The rules here catch what remains: two rows about the same thing that differ
elsewhere. The analyses could only guess which row holds the truth, so each is an
error naming both rows:

* ``answered_twice``: an employer-survey item answered twice in one response (the
  same ``employer_id``, ``participant_id``, ``answered_on`` and ``item``);
* ``repeated_measurement``: the same ``measure`` of one participant twice on one
  ``measured_on`` day, whatever the values or methods.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .cells import show_value
from .problems import ProblemLog

__all__ = ["check_repeated_answers", "check_repeated_measurements"]


def _repeated(frame: pd.DataFrame, rows: np.ndarray, key: list[str]
              ) -> tuple[np.ndarray, np.ndarray]:
    """Positions of rows whose key appeared before, and the position of that first row.

    Rows with a missing key cell and rows repeating an earlier row exactly (reported
    as such already) take no part.
    """
    usable = frame[key].notna().all(axis=1).to_numpy() & (frame.attrs["repeats"] == 0)
    if not usable.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    part = frame.loc[usable, key]
    positions = np.flatnonzero(usable)
    again = part.duplicated(keep="first").to_numpy()
    if not again.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    group = part.groupby(key, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    first = pd.Series(positions).groupby(group).transform("first").to_numpy()
    return positions[again], first[again]


def _report(file: str, frame: pd.DataFrame, rows: np.ndarray, key: list[str], column: str,
            rule: str, describe: Callable[[pd.Series, pd.Series, int], str],
            log: ProblemLog) -> None:
    later, first = _repeated(frame, rows, key)
    if later.size == 0:
        return
    log.add_rows(file, rows[later], column, rule,
                 [describe(frame.iloc[a], frame.iloc[b], int(rows[b]))
                  for a, b in zip(later, first, strict=True)])


def check_repeated_answers(file: str, frame: pd.DataFrame, rows: np.ndarray,
                           log: ProblemLog) -> None:
    """Report employer-survey items answered twice in one response (``answered_twice``)."""
    def describe(here: pd.Series, there: pd.Series, row: int) -> str:
        answers = ("with the same answer" if here["answer"] == there["answer"] else
                   f"answer {_number(here['answer'])} here, {_number(there['answer'])} there")
        return (f"item {show_value(str(here['item']))} was already answered in this response "
                f"on row {row} (same employer, participant and date; {answers}); keep one "
                "answer per item and response")

    _report(file, frame, rows, ["employer_id", "participant_id", "answered_on", "item"],
            "item", "answered_twice", describe, log)


def check_repeated_measurements(file: str, frame: pd.DataFrame, rows: np.ndarray,
                                log: ProblemLog) -> None:
    """Report a measure taken twice on one day for one participant (``repeated_measurement``)."""
    def describe(here: pd.Series, there: pd.Series, row: int) -> str:
        values = ("with the same value" if here["value"] == there["value"] else
                  f"value {_number(here['value'])} here, {_number(there['value'])} there")
        return (f"{here['measure']} of this participant on {here['measured_on'].date()} was "
                f"already measured on row {row} ({values}); keep one measurement per "
                "participant, measure and day")

    _report(file, frame, rows, ["participant_id", "measured_on", "measure"], "measured_on",
            "repeated_measurement", describe, log)


def _number(value: object) -> str:
    return "(missing)" if pd.isna(value) else f"{float(value):g}"  # type: ignore[arg-type]
