"""Disclosure control of the baseline table: the levels of a characteristic as linked counts.

Within a column of the baseline table (a cell of the design, or the total) the levels of
a categorical or yes/no characteristic add up to the people with a known value, and
those plus the ``missing`` level to the column's size; across columns each level's
total is the sum of its cells. A reader who sees "male 12" in a cell of 25 knows
"female" there, so the counts of one characteristic are protected together by
:func:`~iedereen_doet_mee.reporting.disclosure.suppress_linked`, with the column sizes
as counts the reader knows anyway (the CONSORT diagram shows them, and a shown count
with its percentage gives its column's size back).

The standardised difference of a yes/no characteristic between the arms, with the arm
sizes and the total share, gives the arm's count back (two equations in two unknowns):
the arm totals of its levels are protected as published counts, and the standardised
difference is withheld when one of them is suppressed.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..disclosure import suppress_linked

__all__ = ["BaselineSuppression", "baseline_suppression"]

#: Row labels of the column sizes and of the people with a known value; level names
#: come from the data model and contain no brackets.
SIZE, KNOWN = "(size)", "(known)"


@dataclasses.dataclass(frozen=True)
class BaselineSuppression:
    """Which counts of the baseline table to hide, and why.

    Attributes
    ----------
    reason : dict
        ``(characteristic, level, column) -> "primary" | "secondary"`` for every hidden
        count of an ``n (%)`` row (a count absent from it is shown): what the table may
        say, ``<10`` or withheld. When ``<10`` would itself pin a count down (two counts
        below 10 in a column of 18, say) every hidden count of the characteristic is
        ``"secondary"``.
    smd_withheld : frozenset of str
        Characteristics whose standardised difference would give a hidden count back.
    """

    reason: dict[tuple[str, str, str], str]
    smd_withheld: frozenset[str]


def _linked(part: pd.DataFrame, kind: str, arms: bool
            ) -> tuple[pd.Series, list[tuple[tuple, list[tuple]]], list[tuple]]:
    """The counts of one characteristic, the sums between them and the known ones."""
    cells = list(dict.fromkeys(part.loc[part["column_type"] == "cell", "column"]))
    counts = {(r.level, r.column): int(r.count) for r in part.itertuples()
              if r.column_type != "arm"}
    levels = list(dict.fromkeys(part["level"]))
    named = [lv for lv in levels if lv != "missing"] if kind != "continuous" else []
    columns = [*cells, "overall"]
    size = {}
    for column in columns:
        size[column] = sum(counts[(lv, column)] for lv in levels) if named else int(
            part.loc[part["column"] == column, "denominator"].iloc[0])
    values = dict(counts) | {(SIZE, c): size[c] for c in columns}
    lines: list[tuple[tuple, list[tuple]]] = []
    if named and "missing" in levels:
        for column in columns:
            values[(KNOWN, column)] = size[column] - counts[("missing", column)]
            lines.append(((KNOWN, column), [(lv, column) for lv in named]))
            lines.append(((SIZE, column), [(KNOWN, column), ("missing", column)]))
    elif named:
        lines += [((SIZE, c), [(lv, c) for lv in named]) for c in columns]
    rows = [*levels, SIZE, *([KNOWN] if named and "missing" in levels else [])]
    lines += [((row, "overall"), [(row, c) for c in cells]) for row in rows]
    if arms and named:  # the arm totals the standardised difference gives back
        arm_columns = part.loc[part["column_type"] == "arm", ["column", "arm"]]
        for column, arm in dict(zip(arm_columns["column"], arm_columns["arm"],
                                    strict=True)).items():
            members = list(dict.fromkeys(part.loc[(part["column_type"] == "cell")
                                                  & (part["arm"] == arm), "column"]))
            for lv in named:
                values[(lv, column)] = sum(counts[(lv, c)] for c in members)
                lines.append(((lv, column), [(lv, c) for c in members]))
    index = pd.Index(list(values), tupleize_cols=False, dtype=object)
    return pd.Series(list(values.values()), index=index), lines, [(SIZE, c) for c in columns]


def baseline_suppression(long: pd.DataFrame, threshold: int, *, compared: bool = True
                         ) -> BaselineSuppression:
    """Protect the counts of :func:`~.baseline.baseline_long` as the text table shows them.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`~iedereen_doet_mee.reporting.tables.baseline.baseline_long`.
    threshold : int
        Counts below it (zero included) are suppressed (primary), and counts from which
        one could be worked out (secondary).
    compared : bool
        Whether the table shows the standardised differences between the arms.

    Returns
    -------
    BaselineSuppression

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> from iedereen_doet_mee.reporting.tables.baseline import baseline_long
    >>> long = baseline_long(simulate_trial(seed=1))
    >>> hidden = baseline_suppression(long, 10)
    >>> sorted(set(hidden.reason.values()))
    ['primary', 'secondary']
    """
    reason: dict[tuple[str, str, str], str] = {}
    smd_withheld = set()
    counted = long[(long["statistic"] == "n (%)")
                   & long["column_type"].isin(["cell", "arm", "overall"])]
    for name, part in counted.groupby("characteristic", sort=False):
        kind = str(part["kind"].iloc[0])
        arms = compared and kind == "binary"
        values, lines, known = _linked(part, kind, arms)
        shown_columns = set(part.loc[part["column_type"] != "arm", "column"])
        try:
            result = suppress_linked(values, totals=lines, threshold=threshold, known=known,
                                     reasons_public=True)
        except ValueError:
            # the numbers known from elsewhere (the cell sizes) alone pin a small count:
            # no pattern of this table protects it, so every count of it is withheld
            for lv, column in part[["level", "column"]].itertuples(index=False):
                if column in shown_columns:
                    reason[(str(name), str(lv), column)] = "secondary"
            smd_withheld.add(str(name))
            continue
        hidden = result.reason.dropna()
        if not result.reasons_public:  # "<10" would give a count away: all withheld
            hidden[:] = "secondary"
        for (level, column), why in hidden.items():
            if column in shown_columns and level not in (SIZE, KNOWN):
                reason[(str(name), level, column)] = why
        # a column whose number of known values is hidden shows no level count: with
        # its percentage a shown count would give that number back
        for level, column in hidden.index:
            if level == KNOWN:
                for lv in part.loc[part["column"] == column, "level"]:
                    if lv != "missing":
                        reason.setdefault((str(name), lv, column), "secondary")
        if arms and any(lv not in (SIZE, KNOWN) and column not in shown_columns
                        for lv, column in hidden.index):
            smd_withheld.add(str(name))
    return BaselineSuppression(reason, frozenset(smd_withheld))
