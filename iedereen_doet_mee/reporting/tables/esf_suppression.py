"""Disclosure control of the ESF indicator table: the indicators as linked counts.

Every ESF indicator counts a part of the participants, and the table prints the number
of participants (``TOTAL``): a printed indicator tells the reader how many participants
are *not* in it (CO12 "jobless household" 97 of 100 leaves 3 who are not). So the
indicators are protected together by
:func:`~iedereen_doet_mee.reporting.disclosure.suppress_linked`, with these sums:

- per indicator, men + women (+ other or unknown sex, when anyone is) = its total;
- per column, an indicator + the participants not in it = ``TOTAL``, the latter an
  *implied* count (never printed, protected when below the threshold, zero included);
- disjoint indicators (:data:`ESF_DISJOINT`) + the participants in none of them =
  ``TOTAL``: unemployed, inactive and employed (the rest: status unknown), below 25 and
  above 54 (the rest: 25 to 54), ISCED 1-2, 3-4 and 5-8 (the rest: ISCED 0);
- a narrower indicator + the rest of the wider one = the wider one
  (:data:`ESF_WITHIN`: long-term unemployed within unemployed, ...).

The baseline table counts the same people in its overall column (CO12 is "Jobless
household: yes"), so a count withheld there must not be worked out here, and one it
prints the reader has anyway (:data:`ESF_BASELINE`). With ``baseline`` (the overall
column as the baseline table publishes it, :func:`baseline_overall`) each linked
characteristic's levels join the sums (they add up to the participants): a printed level
is ``known`` (never a complement here), a withheld one is ``withheld`` (an indicator equal
to it is withheld too), and CO13 (jobless with dependent children) lies within the two
household levels with children. ``TOTAL``'s men and women are the baseline's "male" and
"female".

When sex is recorded the table always prints a column of other or unknown sex, also when
nobody is in it. Without it, men + women would equal the total in every row, and that
equality alone tells the reader that nobody of the row is of other or unknown sex: a
zero the threshold protects. With the baseline's "female" and the number of
participants it would also give back the "male" the baseline withholds to protect its
"other" row. A column of zeros is therefore printed and protected like any other count
(``docs/disclosure.md``, "The ESF table").
"""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd

from ..disclosure import suppress_linked
from .baseline_suppression import BaselineSuppression

__all__ = ["ESF_BASELINE", "ESF_DISJOINT", "ESF_SEXES", "ESF_WITHIN", "baseline_overall",
           "esf_columns", "esf_suppression"]

#: Disjoint indicators and whether the participants in none of them are only those whose
#: value is unknown (labour status: every known status is one of the three). A rest of
#: unknown values only is protected when small but not when zero (nobody's value is
#: unknown: the baseline table leaves out its "missing" row then, too); any other rest
#: (ISCED 0, aged 25 to 54) is a group of people like any other.
ESF_DISJOINT: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("CO01", "CO03", "CO05"), True),
    (("CO06", "CO07"), False),
    (("CO09", "CO10", "CO11"), False),
)
#: An indicator -> the wider indicator whose people it counts a part of.
ESF_WITHIN: dict[str, str] = {"CO02": "CO01", "CO04": "CO03", "CO08": "CO07",
                              "CO13": "CO12", "CR08": "CR06"}
#: An indicator -> (baseline characteristic, levels, exact): the people it counts, in the
#: baseline table's overall column, are those of the levels (``exact``) or a part of them.
ESF_BASELINE: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "CO01": ("labour_status_entry", ("unemployed",), True),
    "CO03": ("labour_status_entry", ("inactive",), True),
    "CO05": ("labour_status_entry", ("employed",), True),
    "CO09": ("education", ("isced_1_2",), True),
    "CO10": ("education", ("isced_3_4",), True),
    "CO11": ("education", ("isced_5_8",), True),
    "CO12": ("jobless_household", ("yes",), True),
    "CO13": ("household", ("single_parent", "couple_with_children"), False),
    "CO14": ("household", ("single_parent",), True),
    "CO15": ("migrant_background", ("yes",), True),
    "CO16": ("disability", ("yes",), True),
}
#: The sex columns of the table, in the order printed (before the total).
ESF_SEXES: tuple[str, ...] = ("men", "women", "sex_other_or_unknown")
#: The sex columns of ``TOTAL`` and their level in the baseline's ``sex`` row.
_SEX_LEVELS = {"men": "male", "women": "female"}
_TOTAL, _SIZE, _KNOWN = "TOTAL", "(size)", "(known)"


def esf_columns(esf: pd.DataFrame) -> list[str]:
    """The count columns the ESF table publishes: :data:`ESF_SEXES` when sex is
    recorded (other or unknown sex also when nobody is: see the module), and the total.

    Examples
    --------
    >>> import pandas as pd
    >>> esf = pd.DataFrame({"men": [4], "women": [6], "sex_other_or_unknown": [0],
    ...                     "total": [10]})
    >>> esf_columns(esf)
    ['men', 'women', 'sex_other_or_unknown', 'total']
    >>> esf_columns(esf.assign(men=None, women=None, sex_other_or_unknown=None))
    ['total']
    """
    by_sex = bool(esf["men"].notna().any()) if len(esf) else False
    return [*ESF_SEXES, "total"] if by_sex else ["total"]


def baseline_overall(long: pd.DataFrame, protection: BaselineSuppression | None
                     ) -> pd.DataFrame:
    """The overall column of the baseline table as published: one row per level of a
    counted characteristic (``missing`` included when the table has it) with
    ``characteristic``, ``level``, ``count`` and ``hidden`` (withheld, "<10" included).

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`~iedereen_doet_mee.reporting.tables.baseline.baseline_long`.
    protection : BaselineSuppression or None
        From :func:`~.baseline_suppression.baseline_suppression`; None (the internal
        report): nothing hidden.
    """
    rows = long[(long["statistic"] == "n (%)") & (long["column_type"] == "overall")]
    reason = {} if protection is None else protection.reason
    hidden = [(str(c), str(lv), "overall") in reason
              for c, lv in zip(rows["characteristic"], rows["level"], strict=True)]
    return pd.DataFrame({"characteristic": rows["characteristic"].astype(str).to_numpy(),
                         "level": rows["level"].astype(str).to_numpy(),
                         "count": rows["count"].astype(int).to_numpy(),
                         "hidden": hidden})


class _Problem:
    """The counts, sums and kinds of counts handed to ``suppress_linked``."""

    def __init__(self) -> None:
        self.values: dict[Hashable, int] = {}
        self.lines: list[tuple[Hashable, list[Hashable]]] = []
        self.known: set[Hashable] = set()
        self.implied: set[Hashable] = set()
        self.withheld: set[Hashable] = set()

    def rest(self, whole: Hashable, parts: list[Hashable], label: Hashable, *,
             zero_is_safe: bool = False) -> None:
        """``whole`` = ``parts`` + the implied rest ``label`` (nothing when negative: the
        parts then are no part of the whole; an exact sum when zero and safe)."""
        rest = self.values[whole] - sum(self.values[p] for p in parts)
        if rest < 0:
            return
        if rest == 0 and zero_is_safe:
            self.lines.append((whole, parts))
            return
        self.values[label] = rest
        self.implied.add(label)
        self.lines.append((whole, [*parts, label]))


def esf_suppression(esf: pd.DataFrame, threshold: int, *,
                    baseline: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where the ESF table hides a count: True per available indicator and column.

    Parameters
    ----------
    esf : pandas.DataFrame
        From :func:`~iedereen_doet_mee.reporting.tables.esf.esf_indicators`.
    threshold : int
        Counts below it (zero included) are suppressed, and so is an indicator whose
        rest (participants not in it, ...) would be a count below it.
    baseline : pandas.DataFrame, optional
        The baseline table's overall column as published (:func:`baseline_overall`):
        a count it withholds is withheld here too, one it prints is known to the reader.

    Returns
    -------
    pandas.DataFrame
        Index the codes of the available indicators, columns :func:`esf_columns`.

    Examples
    --------
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> from iedereen_doet_mee.reporting.tables.esf import esf_indicators
    >>> esf = esf_indicators(simulate_trial(seed=1))
    >>> mask = esf_suppression(esf, 10)
    >>> bool(mask.loc["CO12", "total"])  # 97 of 100: 3 not in a jobless household
    True
    """
    columns = esf_columns(esf)
    codes = list(esf.loc[esf["available"].astype(bool), "code"])
    # The baseline's counts as the reader has them. When those alone give a count the
    # baseline withholds, no pattern here protects it: the table is then protected as
    # if the reader had none of the baseline's printed counts (the baseline's to fix).
    problem = _problem(esf, codes, columns, threshold, baseline)
    values = pd.Series(list(problem.values.values()), index=pd.Index(
        list(problem.values), tupleize_cols=False, dtype=object))
    for with_known in (True, False):
        try:
            result = suppress_linked(values, totals=problem.lines, threshold=threshold,
                                     known=problem.known if with_known else (),
                                     implied=problem.implied, withheld=problem.withheld,
                                     prune=True)
        except ValueError:
            if not with_known:
                raise
            continue
        mask = pd.DataFrame(False, index=pd.Index(codes, name="code"), columns=columns)
        for code in codes:
            for column in columns:
                mask.loc[code, column] = bool(result.mask[(code, column)])
        return mask
    raise AssertionError("unreachable: the last attempt raises or returns")


def _problem(esf: pd.DataFrame, codes: list[str], columns: list[str], threshold: int,
             baseline: pd.DataFrame | None) -> _Problem:
    """The ESF counts, their sums and the rests between them, and the baseline's."""
    available = esf[esf["available"].astype(bool)].set_index("code")
    problem = _Problem()
    for code in codes:
        for column in columns:
            problem.values[(code, column)] = int(available.loc[code, column])
        if len(columns) > 1:
            problem.lines.append(((code, "total"), [(code, c) for c in columns[:-1]]))
    if _TOTAL not in codes:
        return problem
    if problem.values[(_TOTAL, "total")] >= threshold:
        # the number of participants: the CONSORT diagram and the baseline print it too
        problem.known.add((_TOTAL, "total"))
    for code in codes:
        if code != _TOTAL:
            for column in columns:
                problem.rest((_TOTAL, column), [(code, column)], ("not", code, column))
    for group, unknown_only in ESF_DISJOINT:
        present = [c for c in group if c in codes]
        if len(present) >= 2:
            for column in columns:
                problem.rest((_TOTAL, column), [(c, column) for c in present],
                             ("none of", *present, column), zero_is_safe=unknown_only)
    for narrow, wide in ESF_WITHIN.items():
        if narrow in codes and wide in codes:
            for column in columns:
                problem.rest((wide, column), [(narrow, column)], (wide, "not", narrow, column))
    if baseline is not None:
        _link_baseline(problem, baseline, codes, columns)
    return problem


def _link_baseline(problem: _Problem, baseline: pd.DataFrame, codes: list[str],
                   columns: list[str]) -> None:
    """Add the baseline's overall column for the characteristics an indicator counts,
    and its sex counts for ``TOTAL``."""
    everyone = problem.values[(_TOTAL, "total")]
    rows = baseline.assign(level=baseline["level"].astype(str))
    counted: dict[str, dict[str, tuple[int, bool]]] = {}
    for characteristic, part in rows.groupby("characteristic", sort=False):
        levels = {lv: (int(n), bool(h)) for lv, n, h in
                  zip(part["level"], part["count"], part["hidden"], strict=True)}
        if sum(n for n, _ in levels.values()) == everyone:  # the same participants
            counted[str(characteristic)] = levels
    for column, level in _SEX_LEVELS.items():
        count, hidden = counted.get("sex", {}).get(level, (None, False))
        if column not in columns or count != problem.values[(_TOTAL, column)]:
            continue
        if not hidden:
            problem.known.add((_TOTAL, column))
        else:
            twin = ("baseline", "sex", level)
            problem.values[twin] = count
            problem.withheld.add(twin)
            problem.lines.append(((_TOTAL, column), [twin]))
    exact = {(ESF_BASELINE[c][0], ESF_BASELINE[c][1][0]): c for c in codes
             if c in ESF_BASELINE and ESF_BASELINE[c][2]}
    used = {ESF_BASELINE[c][0] for c in codes if c in ESF_BASELINE}
    linked: dict[str, dict[str, Hashable]] = {}  # characteristic -> level -> its count
    for characteristic in sorted(used & set(counted)):
        cells = linked[characteristic] = {}
        for level, (count, hidden) in counted[characteristic].items():
            label = ("baseline", characteristic, level)
            code = exact.get((characteristic, level))
            ours = None if code is None else (code, "total")
            if ours is not None and problem.values[ours] == count and not hidden:
                problem.known.add(ours)  # printed in both tables
                cells[level] = ours
                continue
            problem.values[label] = count
            (problem.withheld if hidden else problem.known).add(label)
            if ours is not None and problem.values[ours] == count:
                problem.lines.append((ours, [label]))  # withheld there: withheld here
            cells[level] = label
        named = [cells[lv] for lv in cells if lv != "missing"]
        if "missing" in cells:
            known = ("baseline", characteristic, _KNOWN)
            problem.values[known] = sum(problem.values[c] for c in named)
            # a printed level with its percentage gives the people with a known value
            printed = any(c in problem.known for c in named)
            (problem.known if printed else problem.implied).add(known)
            problem.lines.append((known, named))
            problem.lines.append(((_TOTAL, "total"), [known, cells["missing"]]))
        else:
            problem.lines.append(((_TOTAL, "total"), named))
    for code in codes:  # an indicator within levels: the levels together, and the rest
        characteristic, levels, is_exact = ESF_BASELINE.get(code, ("", (), True))
        if is_exact or not set(levels) <= set(linked.get(characteristic, {})):
            continue
        cells = [linked[characteristic][lv] for lv in levels]
        together = ("baseline", characteristic, *levels)
        problem.values[together] = sum(problem.values[c] for c in cells)
        problem.implied.add(together)
        problem.lines.append((together, cells))
        problem.rest(together, [(code, "total")], ("baseline", "not", code))
