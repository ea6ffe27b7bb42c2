"""Months off benefit after an exit, the quantity behind every saving the package reports.

Kept apart from :mod:`.costs` so that the frame of households
(:mod:`.household_frame`) can sum each member's months without importing the cost
analysis.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import pandas as pd

from ..dates import DAYS_PER_MONTH

__all__ = ["SUMMED_COLUMN", "Exits", "benefit_months_saved"]

#: Which exits start the months off benefit: any exit, or one to regular or subsidised work.
Exits = Literal["any", "work"]
_WORK = ("regular_work", "subsidised_work")
#: Column of a household frame holding the months summed over members, per ``exits``.
SUMMED_COLUMN = "benefit_months_saved_{exits}"


def benefit_months_saved(frame: pd.DataFrame, *, exits: Exits = "any",
                         exit_on: str = "exit_on", exit_reason: str = "exit_reason",
                         returned_on: str = "returned_on",
                         known_until: str = "known_until") -> np.ndarray:
    """Months off benefit from ``exit_on`` to the earlier of ``returned_on`` and ``known_until``.

    A return after ``known_until`` is not known yet and is ignored; a missing
    ``returned_on`` column means nobody returned. Months are days / (365.2425 / 12).
    A frame of households (:func:`~iedereen_doet_mee.analysis.household_frame.frame_by_household`)
    carries each household's months already summed over its members, in the column
    :data:`SUMMED_COLUMN` names; they are returned as they are.

    Examples
    --------
    >>> frame = pd.DataFrame({"exit_on": pd.to_datetime(["2015-01-01", None, "2015-01-01"]),
    ...                       "exit_reason": ["regular_work", None, "moved"],
    ...                       "returned_on": pd.to_datetime(["2015-07-02", None, None]),
    ...                       "known_until": pd.to_datetime(["2016-07-01"] * 3)})
    >>> benefit_months_saved(frame).round(2).tolist()
    [5.98, 0.0, 17.97]
    """
    if exits not in get_args(Exits):
        raise ValueError(f"benefit_months_saved: option exits={exits!r} is not allowed; use "
                         f"one of {list(get_args(Exits))}")
    summed = SUMMED_COLUMN.format(exits=exits)
    if summed in frame:
        return frame[summed].to_numpy(dtype=float)
    known = pd.to_datetime(frame[known_until])
    start = pd.to_datetime(frame[exit_on])
    if returned_on in frame:
        back = pd.to_datetime(frame[returned_on])
        end = back.where(back.notna() & (back < known), known)
    else:
        end = known
    days = (end - start).dt.days.to_numpy(dtype=float)
    counted = start.notna().to_numpy() & (start <= known).to_numpy()
    if exits == "work":
        counted &= frame[exit_reason].astype(object).isin(_WORK).to_numpy()
    return np.where(counted, np.clip(np.nan_to_num(days), 0, None), 0.0) / DAYS_PER_MONTH
