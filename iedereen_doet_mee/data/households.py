"""Households in the participants table: persons who share a ``household_id``.

``participants.household_id`` is optional and pseudonymous. Participants with the
same value form one household; an empty cell is a household of one. Like every
identifier it is screened for citizen service numbers by the validator and never
echoed in a message.

A household whose members sit in different strata or arms is allowed (a family may
have been divided over the arms before it was known as one), but an analysis by
household then has no single stratum and arm to put it in, so the validator warns
(``household_across_cells``) once per such household, on its first row, naming the
rows of all its members.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .problems import ProblemLog

__all__ = ["check_households", "household_sizes"]

#: At most this many member rows are named in one message.
_ROWS_SHOWN = 10


def household_sizes(household_id: pd.Series) -> pd.Series:
    """Size of each person's household: how many rows share the id (1 when empty).

    Examples
    --------
    >>> import pandas as pd
    >>> household_sizes(pd.Series(["H1", None, "H1", "H2"])).tolist()
    [2, 1, 2, 1]
    """
    ids = household_id.astype(object)
    present = ids.notna().to_numpy()
    sizes = np.ones(len(ids), dtype=np.int64)
    if present.any():
        counts = ids[present].map(ids[present].value_counts())
        sizes[present] = counts.to_numpy(dtype=np.int64)
    return pd.Series(sizes, index=household_id.index)


def check_households(file: str, frame: pd.DataFrame, rows: np.ndarray, log: ProblemLog) -> None:
    """Warn about households whose members sit in more than one stratum or arm.

    Parameters
    ----------
    file : str
        File name used in messages.
    frame : pandas.DataFrame
        The converted participants table with ``household_id``, ``band`` and
        ``instruments`` (a cell that failed its own check is missing and ignored).
    rows : numpy.ndarray
        File row of each record.
    log : ProblemLog
        Receives one warning per such household, on its first row.
    """
    ids = frame["household_id"].astype(object)
    band, arm = frame["band"].astype(object), frame["instruments"].astype(object)
    usable = (ids.notna() & band.notna() & arm.notna()).to_numpy()
    if usable.sum() < 2:
        return
    part = pd.DataFrame({
        "household": ids[usable].to_numpy(),
        "cell": (band[usable].astype(str) + "\x1f" + arm[usable].astype(str)).to_numpy(),
        "row": rows[usable],
        "band": band[usable].to_numpy(),
        "arm": arm[usable].to_numpy(),
    })
    mixed = part.groupby("household", sort=False)["cell"].transform("nunique").to_numpy() > 1
    if not mixed.any():
        return
    first_rows, messages = [], []
    for _, members in part[mixed].sort_values("row", kind="stable").groupby(
            "household", sort=False):
        shown = [f"row {r} ({b}, {a})" for r, b, a in
                 members[["row", "band", "arm"]].head(_ROWS_SHOWN).itertuples(index=False)]
        more = " ..." if len(members) > _ROWS_SHOWN else ""
        first_rows.append(int(members["row"].iloc[0]))
        messages.append(
            f"the {len(members)} members of this household (household_id not shown) sit in "
            f"more than one stratum or arm (band, instruments): {', '.join(shown)}{more}; an "
            "analysis by household has no single stratum and arm for it: check the household "
            "ids and the allocation")
    order = np.argsort(first_rows, kind="stable")
    log.add_rows(file, np.asarray(first_rows, dtype=np.int64)[order], "household_id",
                 "household_across_cells", [messages[i] for i in order], severity="warning")
