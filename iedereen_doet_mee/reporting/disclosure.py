"""Disclosure control for funder-facing output: small counts are suppressed, never shown.

The rules are those of Statistics Netherlands (CBS) remote access and the UK secure data
services (``docs/disclosure.md``): no count below the threshold (default 10, zero
included), no percentage, rate or mean over fewer people, and secondary suppression so
that no suppressed number can be worked out from the totals and cells that are shown.

- :func:`suppress_table` and :func:`suppress_linked`: frequency tables with margins or
  with nested totals (cells of the 2x2, band totals, arm totals, grand total).
- :func:`suppress_statistics`: rates, percentages and means by their denominators.
- :func:`suppress_results` and :func:`mark_suppressed`: the tidy results frame.
- :func:`check_publishable`: the guard against identifiers and row-level data.

Suppressed numbers are written as :data:`SUPPRESSED` in text and as ``null`` (with
``suppressed: true``) in JSON; never as 0 or blank.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.linalg import null_space
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from ..analysis.outcomes import OUTCOME_COLUMNS
from ..data.bsn import looks_like_bsn
from ..data.schema import TABLES

__all__ = [
    "DEFAULT_THRESHOLD",
    "ROW_LEVEL_COLUMNS",
    "SUPPRESSED",
    "DisclosureError",
    "Suppression",
    "check_publishable",
    "check_threshold",
    "mark_suppressed",
    "suppress_linked",
    "suppress_results",
    "suppress_statistics",
    "suppress_table",
]

#: The marker of a suppressed number in every text table (JSON writes ``null`` and
#: ``"suppressed": true``). Not "<10": a secondary suppression may hide a large count.
SUPPRESSED = "suppressed"
#: Smallest count (and number of people behind a statistic) that may be shown.
DEFAULT_THRESHOLD = 10
_NUMBERS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")


class DisclosureError(ValueError):
    """A frame bound for the report holds identifiers or row-level data."""


def check_threshold(threshold: object) -> int:
    """The threshold as an int >= 1, or a ValueError naming it.

    Examples
    --------
    >>> check_threshold(10)
    10
    >>> check_threshold(0)
    Traceback (most recent call last):
    ...
    ValueError: option threshold=0 is not allowed; use a whole number >= 1 ...
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) \
            or threshold < 1:
        raise ValueError(f"option threshold={threshold!r} is not allowed; use a whole number "
                         ">= 1 (counts below it are suppressed, zero included; 10 is CBS "
                         "practice)")
    return int(threshold)


# --- the protection engine -------------------------------------------------------------


@dataclasses.dataclass
class _Cells:
    """What a reader knows: cells, the sums between them, and which cells go together.

    A cell with ``group >= 0`` is shown unless its group is suppressed (all cells of a
    group are shown or suppressed together); ``group == -1`` is a latent cell, never
    shown (an implied remainder), which must not become derivable when ``guard``.
    ``pairs`` are (count, people) pairs with 0 <= count <= people.
    """

    values: list[float] = dataclasses.field(default_factory=list)
    integer: list[bool] = dataclasses.field(default_factory=list)
    group: list[int] = dataclasses.field(default_factory=list)
    guard: list[bool] = dataclasses.field(default_factory=list)
    rank: list[int] = dataclasses.field(default_factory=list)
    part: list[int] = dataclasses.field(default_factory=list)
    equations: list[tuple[int, tuple[int, ...]]] = dataclasses.field(default_factory=list)
    pairs: list[tuple[int, int]] = dataclasses.field(default_factory=list)

    def add(self, value: float, *, group: int, part: int, integer: bool = True,
            guard: bool = False, rank: int = 0) -> int:
        self.values.append(float(value))
        self.integer.append(integer)
        self.group.append(group)
        self.guard.append(guard)
        self.rank.append(rank)
        self.part.append(part)
        return len(self.values) - 1


def _protect(cells: _Cells, primary: np.ndarray) -> np.ndarray:
    """Suppressed groups: ``primary`` plus complements until nothing is derivable.

    First every line (a total and its parts) with exactly one hidden sensitive member
    gets the shown member with the smallest value as complement (ties: parts before
    totals, then position); then the audit looks for a number a reader can still pin
    down, and the smallest shown cell on a line through it is suppressed; repeat.
    """
    suppressed = np.asarray(primary, dtype=bool).copy()
    group = np.asarray(cells.group, dtype=np.int64)
    n_cells = len(cells.values)
    order = {c: (cells.values[c], cells.rank[c], c) for c in range(n_cells)}
    parts = {p: [c for c in range(n_cells) if cells.part[c] == p] for p in set(cells.part)}
    cache: dict[tuple, tuple[int, ...] | None] = {}

    def shown(c: int) -> bool:
        return bool(group[c] >= 0 and not suppressed[group[c]])

    while True:
        changed = True
        while changed:
            changed = False
            for total, members in cells.equations:
                line = (total, *members)
                hidden = [c for c in line if not shown(c)]
                if len(hidden) == 1 and (group[hidden[0]] >= 0 or cells.guard[hidden[0]]):
                    candidates = [c for c in line if shown(c)]
                    if candidates:
                        suppressed[group[min(candidates, key=order.__getitem__)]] = True
                        changed = True
        pinned = None
        for p in sorted(parts):
            pinned = _audit(cells, parts[p], suppressed, cache)
            if pinned is not None:
                break
        if pinned is None:
            return suppressed
        near = {m for total, members in cells.equations for m in (total, *members)
                if set(pinned) & {total, *members} and shown(m)}
        near = near or {c for c in parts[cells.part[pinned[0]]] if shown(c)}
        if not near:  # cannot happen: with every cell hidden nothing is pinned
            return suppressed
        suppressed[group[min(near, key=order.__getitem__)]] = True


def _audit(cells: _Cells, index: list[int], suppressed: np.ndarray,
           cache: dict[tuple, tuple[int, ...] | None]) -> tuple[int, ...] | None:
    """Cells of the first hidden number a reader can pin down exactly, or None.

    The reader knows the shown values, every sum, that counts are whole numbers >= 0 and
    that a count never exceeds its people. Each hidden number (and people - count) is
    minimised and maximised by integer programming (HiGHS); pinned when max == min.
    """
    position = {c: i for i, c in enumerate(index)}
    group = np.asarray(cells.group, dtype=np.int64)[index]
    shown = np.array([g >= 0 and not suppressed[g] for g in group], dtype=bool)
    values = np.asarray(cells.values, dtype=float)[index]
    equations = [(position[t], tuple(position[m] for m in ms)) for t, ms in cells.equations
                 if t in position]
    pairs = [(position[x], position[n]) for x, n in cells.pairs if x in position]
    integer = tuple(cells.integer[c] for c in index)
    guard = tuple(cells.guard[c] or group[i] >= 0 for i, c in enumerate(index))
    key = (tuple(np.where(shown, values, np.nan).tolist()), tuple(shown), integer, guard,
           tuple(equations), tuple(pairs))
    if key not in cache:
        cache[key] = _pinned(values, shown, integer, guard, equations, pairs)
    found = cache[key]
    return None if found is None else tuple(index[i] for i in found)


def _pinned(values: np.ndarray, shown: np.ndarray, integer: tuple[bool, ...],
            guard: tuple[bool, ...], equations: list[tuple[int, tuple[int, ...]]],
            pairs: list[tuple[int, int]]) -> tuple[int, ...] | None:
    hidden = np.flatnonzero(~shown)
    if hidden.size == 0:
        return None
    where = {int(c): j for j, c in enumerate(hidden)}
    matrix = np.zeros((len(equations), len(values)))
    for row, (total, members) in enumerate(equations):
        matrix[row, total] += 1.0
        for m in members:
            matrix[row, m] -= 1.0
    a_eq = matrix[:, hidden]
    b_eq = -matrix[:, shown] @ values[shown]
    lower, upper = np.zeros(hidden.size), np.full(hidden.size, np.inf)
    a_pair = []
    targets: list[tuple[tuple[int, ...], np.ndarray]] = []
    for c in hidden:
        if guard[c]:
            targets.append(((int(c),), np.eye(hidden.size)[where[int(c)]]))
    for x, n in pairs:
        if x in where and n in where:
            row = np.zeros(hidden.size)
            row[where[n]], row[where[x]] = 1.0, -1.0
            a_pair.append(row)
            targets.append(((x, n), row))
        elif x in where:
            upper[where[x]] = min(upper[where[x]], values[n])
        elif n in where:
            lower[where[n]] = max(lower[where[n]], values[x])
    a_ub = np.array(a_pair).reshape(-1, hidden.size)
    basis = null_space(a_eq) if len(equations) else np.eye(hidden.size)
    for support, f in targets:  # fixed by the sums alone: linear recovery
        if basis.size == 0 or np.abs(f @ basis).max() < 1e-9:
            return support
    # Beyond the sums, only whole counts >= 0 (and count <= people) can pin a number; a
    # sum of real values (a mean's total) is pinned only linearly, as checked above.
    targets = [(support, f) for support, f in targets if all(integer[c] for c in support)]
    if not targets:
        return None
    kinds = np.array([integer[c] for c in hidden], dtype=float)
    lower[kinds == 0] = -np.inf
    problem = (a_eq, b_eq, a_ub, kinds, lower, upper)
    # Feasible points the reader cannot exclude: the truth (when known) and every optimum
    # found; a count taking two values on them is not pinned, so most need no solve.
    points = [values[hidden]] if np.isfinite(values[hidden]).all() else []
    for direction in (1.0, -1.0):
        point = _optimum(direction * kinds, *problem)
        points += [] if point is None else [point]
    for support, f in targets:
        for direction in (1.0, -1.0):  # the smallest value, then the largest
            seen = [float(p @ f) for p in points]
            if seen and max(seen) - min(seen) >= 0.5:
                break
            point = _optimum(direction * f, *problem)
            if point is None:  # no finite bound: not pinned
                break
            points.append(point)
        else:
            seen = [float(p @ f) for p in points]
            if max(seen) - min(seen) < 0.5:
                return support
    return None


def _optimum(f: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray, a_ub: np.ndarray,
             integrality: np.ndarray, lower: np.ndarray, upper: np.ndarray
             ) -> np.ndarray | None:
    """A point minimising ``f @ v`` over what the reader cannot exclude; None: unbounded."""
    constraints = []
    if a_eq.shape[0]:
        constraints.append(LinearConstraint(a_eq, b_eq, b_eq))
    if a_ub.shape[0]:
        constraints.append(LinearConstraint(a_ub, 0.0, np.inf))
    result = milp(c=f, constraints=constraints, integrality=integrality,
                  bounds=Bounds(lower, upper))
    if result.status == 0:
        return np.where(integrality > 0, np.round(result.x), result.x)
    relaxed = linprog(f, A_ub=-a_ub if a_ub.shape[0] else None,
                      b_ub=np.zeros(a_ub.shape[0]) if a_ub.shape[0] else None,
                      A_eq=a_eq if a_eq.shape[0] else None,
                      b_eq=b_eq if a_eq.shape[0] else None,
                      bounds=list(zip(lower, upper, strict=True)), method="highs")
    if relaxed.status == 3:
        return None
    raise RuntimeError(f"disclosure audit could not solve a feasibility problem: "
                       f"{result.message}")


# --- frequency tables -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, repr=False)
class Suppression:
    """Which numbers of a table are suppressed, and why.

    Attributes
    ----------
    values : pandas.Series or pandas.DataFrame
        The table as given (keep it inside the secure setting; publish :meth:`shown`).
    reason : same shape as ``values``
        ``"primary"`` (below the threshold itself), ``"secondary"`` (suppressed so that a
        primary one cannot be worked out) or None (shown).
    threshold : int
        The threshold used.

    Examples
    --------
    >>> result = suppress_table(pd.Series({"a": 4, "b": 30}))
    >>> result.mask.tolist(), result.shown().tolist()
    ([True, False], ['suppressed', 30])
    """

    values: pd.Series | pd.DataFrame
    reason: pd.Series | pd.DataFrame
    threshold: int

    @property
    def mask(self) -> pd.Series | pd.DataFrame:
        """True where a number is suppressed."""
        return self.reason.notna()

    def shown(self, *, marker: str = SUPPRESSED) -> pd.Series | pd.DataFrame:
        """The table to publish: every suppressed number replaced by ``marker``."""
        return self.values.astype(object).mask(self.mask, marker)

    def __repr__(self) -> str:
        flat = pd.Series(np.asarray(self.reason, dtype=object).ravel())
        return (f"Suppression(threshold {self.threshold}: {int((flat == 'primary').sum())} "
                f"primary, {int((flat == 'secondary').sum())} secondary of {flat.size} "
                "numbers)")


def suppress_linked(counts: pd.Series, *,
                    totals: Mapping[Hashable, Sequence[Hashable]]
                    | Iterable[tuple[Hashable, Sequence[Hashable]]] | None = None,
                    threshold: int = DEFAULT_THRESHOLD) -> Suppression:
    """Suppress a set of published counts some of which are totals of others.

    Parameters
    ----------
    counts : pandas.Series
        Every count that will be published, by label (unique labels), e.g. the cells of
        the 2x2, the band totals, the arm totals and the grand total.
    totals : mapping of label to labels, or iterable of (label, labels), optional
        Each total and the labels of the counts it is the sum of. Totals may be parts of
        other totals (nested tables), a count may be part of several totals, and (with
        pairs) one total may be the sum of several sets (a grand total over rows and over
        columns).
    threshold : int, default 10
        Counts below it (zero included) are suppressed; at least 1.

    Returns
    -------
    Suppression

    Raises
    ------
    ValueError
        On a count that is not a whole number >= 0, an unknown label or a total that
        does not equal the sum of its parts.

    Notes
    -----
    Primary: every count below the threshold. Secondary: a line (a total with its parts)
    holding exactly one suppressed count gets a complement, the shown member with the
    smallest count (ties: parts before totals, then position), until stable. Then an
    audit asks whether a reader who knows every shown count, every sum, and that counts
    are whole numbers >= 0 can pin a suppressed count down (its minimum and maximum by
    integer programming coincide; Fischetti & Salazar 2000, attacker problem); if so the
    smallest shown count on a line through it is suppressed too, and the lines are
    rechecked. See ``docs/disclosure.md``.

    References
    ----------
    Hundepool A. et al. (2012). *Statistical Disclosure Control*, ch. 4-5. Wiley.
    Fischetti M., Salazar J.J. (2000). Models and algorithms for optimizing cell
    suppression in tabular data with linear constraints. *JASA* 95:916-928.

    Examples
    --------
    >>> cells = pd.Series({"a": 3, "b": 12, "c": 20, "all": 35})
    >>> suppress_linked(cells, totals={"all": ["a", "b", "c"]}).shown().tolist()
    ['suppressed', 'suppressed', 20, 35]
    """
    threshold = check_threshold(threshold)
    if not counts.index.is_unique:
        raise ValueError("suppress_linked: the labels of counts must be unique")
    values = _whole_counts(counts.to_numpy(), "suppress_linked")
    position = {label: i for i, label in enumerate(counts.index)}
    lines = list(totals.items() if isinstance(totals, Mapping) else (totals or ()))
    is_total = {total for total, _ in lines}
    cells = _Cells()
    for i, value in enumerate(values):
        cells.add(value, group=i, part=0, rank=int(counts.index[i] in is_total))
    for total, members in lines:
        labels = [total, *members]
        unknown = [label for label in labels if label not in position]
        if unknown or not members or total in members or len(set(members)) < len(members):
            raise ValueError(f"suppress_linked: total {total!r} refers to unknown, repeated "
                             f"or no labels ({unknown!r} unknown); give distinct labels of "
                             "counts other than the total")
        index = [position[label] for label in labels]
        if values[index[0]] != values[index[1:]].sum():
            raise ValueError(f"suppress_linked: total {total!r} = {values[index[0]]:g} is "
                             f"not the sum of its parts ({values[index[1:]].sum():g})")
        cells.equations.append((index[0], tuple(index[1:])))
    primary = values < threshold
    suppressed = _protect(cells, primary)
    reason = np.where(primary, "primary", np.where(suppressed, "secondary", None))
    return Suppression(counts.copy(), pd.Series(reason, index=counts.index, dtype=object),
                       threshold)


def suppress_table(table: pd.Series | pd.DataFrame, *, threshold: int = DEFAULT_THRESHOLD,
                   total: Hashable | None = None, total_row: Hashable | None = None,
                   total_column: Hashable | None = None) -> Suppression:
    """Suppress a 1-D or 2-D frequency table, with or without margins.

    Parameters
    ----------
    table : pandas.Series or pandas.DataFrame
        Counts (whole numbers >= 0).
    threshold : int, default 10
        Counts below it (zero included) are suppressed; at least 1.
    total : label, optional
        For a Series: the label of the total over all other entries.
    total_row, total_column : label, optional
        For a DataFrame: the row holding the column totals and the column holding the row
        totals (the grand total is where they meet). Totals are published, so they are
        protected and used for secondary suppression like any cell.

    Returns
    -------
    Suppression
        Same shape as ``table``.

    Examples
    --------
    >>> counts = pd.DataFrame({"yes": [3, 12, 15], "no": [20, 15, 35],
    ...                        "total": [23, 27, 50]}, index=["40-60", "60-80", "total"])
    >>> suppress_table(counts, total_row="total", total_column="total").shown()
                  yes          no  total
    40-60  suppressed  suppressed     23
    60-80  suppressed  suppressed     27
    total          15          35     50
    """
    if isinstance(table, pd.Series):
        if total_row is not None or total_column is not None:
            raise ValueError("suppress_table: total_row and total_column are for a "
                             "DataFrame; use total= for a Series")
        _check_label(table.index, total, "total")
        totals = None if total is None else {total: [i for i in table.index if i != total]}
        return suppress_linked(table, totals=totals, threshold=threshold)
    if total is not None:
        raise ValueError("suppress_table: total= is for a Series; use total_row= and "
                         "total_column= for a DataFrame")
    _check_label(table.index, total_row, "total_row")
    _check_label(table.columns, total_column, "total_column")
    labels = [(r, c) for r in table.index for c in table.columns]
    flat = pd.Series(table.to_numpy(dtype=object).ravel(), dtype=object,
                     index=pd.Index(labels, dtype=object, tupleize_cols=False))
    rows = [r for r in table.index if r != total_row]
    columns = [c for c in table.columns if c != total_column]
    lines: list[tuple[Hashable, list[Hashable]]] = []
    if total_column is not None and columns:
        lines += [((r, total_column), [(r, c) for c in columns]) for r in table.index]
    if total_row is not None and rows:
        lines += [((total_row, c), [(r, c) for r in rows]) for c in table.columns]
    result = suppress_linked(flat, totals=lines, threshold=threshold)
    reason = pd.DataFrame(result.reason.to_numpy(dtype=object).reshape(table.shape),
                          index=table.index, columns=table.columns, dtype=object)
    return Suppression(table.copy(), reason, result.threshold)


def _check_label(labels: pd.Index, label: Hashable | None, option: str) -> None:
    if label is not None and label not in labels:
        raise ValueError(f"suppress_table: option {option}={label!r} is not a label of the "
                         f"table; use one of {list(labels)!r}")


def _whole_counts(values: np.ndarray, function: str) -> np.ndarray:
    """Counts as floats, or a ValueError when one is not a whole number >= 0."""
    if values.dtype == bool:
        raise ValueError(f"{function}: counts must be whole numbers >= 0, got booleans")
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(numbers) | (numbers < 0) | (numbers != np.round(numbers))
    if bad.any():
        raise ValueError(f"{function}: counts must be whole numbers >= 0; found "
                         f"{values[bad][0]!r}")
    return numbers


# --- rates, percentages and means ------------------------------------------------------


def suppress_statistics(values: pd.Series, *, people: pd.Series,
                        threshold: int = DEFAULT_THRESHOLD,
                        numerator_suppressed: pd.Series | None = None,
                        people_suppressed: pd.Series | None = None) -> Suppression:
    """Suppress rates, percentages and means over too few people.

    Parameters
    ----------
    values : pandas.Series
        The statistics (a percentage, rate or mean per row).
    people : pandas.Series
        Number of people behind each statistic (its denominator), aligned with ``values``;
        a missing number counts as too few.
    threshold : int, default 10
        A statistic over fewer people is suppressed (``"primary"``).
    numerator_suppressed, people_suppressed : pandas.Series of bool, optional
        Where the statistic's count, or its number of people, is suppressed in a
        published table: the statistic is suppressed too (``"secondary"``), since with the
        other it would give the suppressed number back (count = percentage x people).

    Returns
    -------
    Suppression

    Examples
    --------
    >>> shares = pd.Series([0.4, 0.25, 0.12])
    >>> result = suppress_statistics(shares, people=pd.Series([25, 8, 25]),
    ...                              numerator_suppressed=pd.Series([False, False, True]))
    >>> result.reason.tolist()
    [None, 'primary', 'secondary']
    """
    threshold = check_threshold(threshold)
    if len(people) != len(values):
        raise ValueError(f"suppress_statistics: people has {len(people)} entries and values "
                         f"{len(values)}; give one number of people per statistic")
    size = pd.to_numeric(pd.Series(np.asarray(people)), errors="coerce").to_numpy(float)
    primary = ~(size >= threshold)
    secondary = np.zeros(len(values), dtype=bool)
    for name, extra in (("numerator_suppressed", numerator_suppressed),
                        ("people_suppressed", people_suppressed)):
        if extra is not None:
            if len(extra) != len(values):
                raise ValueError(f"suppress_statistics: {name} has {len(extra)} entries, "
                                 f"values {len(values)}")
            secondary |= np.asarray(extra, dtype=bool)
    reason = np.where(primary, "primary", np.where(secondary, "secondary", None))
    return Suppression(values.copy(), pd.Series(reason, index=values.index, dtype=object),
                       threshold)


# --- the tidy results frame -------------------------------------------------------------


def suppress_results(frame: pd.DataFrame, *, proportion_estimators: Iterable[str] = (),
                     mean_estimators: Iterable[str] = (),
                     sum_estimators: Iterable[str] = (),
                     dependent_estimators: Iterable[str] = (),
                     contrast_estimators: Iterable[str] = (),
                     threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Suppress the rows of a tidy results frame that would show or reveal a small count.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy results (``TrialAnalysis.to_frame()``): at least ``term, estimator,
        estimate, n``; ``question``, ``std_error``, ``statistic``, ``p_value``,
        ``conf_low``, ``conf_high`` are used when present.
    proportion_estimators : iterable of str
        Estimators whose estimate is events / n, so that x = estimate x n is a count.
    mean_estimators : iterable of str
        Estimators whose estimate is a mean over the n people (estimate x n is a sum).
    sum_estimators : iterable of str
        Estimators whose estimate is a sum over the n people (a total cost).
    dependent_estimators : iterable of str
        Other statistics of one group computed from its count (a Kaplan-Meier share, a
        posterior probability, ...): suppressed when their term is.
    contrast_estimators : iterable of str
        Comparisons between the groups below their term (a risk difference, an exact
        test, ...): suppressed when their term or any term below it is suppressed.
    threshold : int, default 10

    Returns
    -------
    pandas.DataFrame
        A copy with the numbers of suppressed rows missing (``n`` as nullable ``Int64``),
        plus ``suppressed`` (bool) and ``suppression`` (``"primary"``, ``"secondary"`` or
        None).

    Notes
    -----
    Primary: every row over fewer than ``threshold`` people (n < threshold, zero
    included); a proportion row also when x < threshold or n - x < threshold (either count
    is shown by the estimate and n). Terms ``overall`` and ``key=value[:key=value]`` form
    a hierarchy within each question and estimator (a term is the sum of its children
    over one more key, plus an implied remainder when they do not add up), so secondary
    suppression protects x, n and n - x as in :func:`suppress_linked`. A term is
    suppressed in every question and estimator at once (the same people's counts appear
    in several questions). A dependent row is suppressed with its term; a contrast row
    when its term or a term below it is suppressed (a term not of the form above: when
    any is). Other rows only follow the n rule.

    Examples
    --------
    >>> rows = pd.DataFrame({"term": ["overall", "band=a", "band=b"],
    ...                      "estimator": "proportion", "estimate": [0.3, 0.12, 0.48],
    ...                      "n": [50, 25, 25]})
    >>> out = suppress_results(rows, proportion_estimators=["proportion"])
    >>> out[["term", "estimate", "n", "suppression"]]
          term  estimate     n suppression
    0  overall       0.3    50        None
    1   band=a       NaN  <NA>     primary
    2   band=b       NaN  <NA>   secondary
    """
    threshold = check_threshold(threshold)
    missing = [c for c in ("term", "estimator", "estimate", "n") if c not in frame.columns]
    if missing:
        raise ValueError(f"suppress_results: frame lacks columns {missing}; give a tidy "
                         "results frame (term, estimator, estimate, n, ...)")
    kinds = {"proportion_estimators": set(proportion_estimators),
             "mean_estimators": set(mean_estimators),
             "sum_estimators": set(sum_estimators),
             "dependent_estimators": set(dependent_estimators),
             "contrast_estimators": set(contrast_estimators)}
    names = list(kinds)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if kinds[a] & kinds[b]:
                raise ValueError(f"suppress_results: estimators {sorted(kinds[a] & kinds[b])}"
                                 f" are in both {a} and {b}; list each in one")
    frame = frame.reset_index(drop=True)
    question = frame["question"] if "question" in frame.columns else pd.Series("", frame.index)
    people = pd.to_numeric(frame["n"], errors="coerce").to_numpy(float)
    estimate = pd.to_numeric(frame["estimate"], errors="coerce").to_numpy(float)
    terms = frame["term"].astype(str).tolist()
    primary = ~(people >= threshold)
    family_of: dict[tuple[str, str], list[int]] = {}
    for i, name in enumerate(frame["estimator"]):
        if any(name in kinds[k] for k in ("proportion_estimators", "mean_estimators",
                                          "sum_estimators")):
            family_of.setdefault((str(question[i]), str(name)), []).append(i)
    amount = np.full(len(frame), np.nan)
    for (q, name), rows in family_of.items():
        count = name in kinds["proportion_estimators"]
        seen = [terms[i] for i in rows]
        if len(set(seen)) != len(seen):
            raise ValueError(f"suppress_results: question {q!r}, estimator {name!r} has a "
                             "term more than once; each term must appear once")
        for i in rows:
            amount[i] = _amount(estimate[i], people[i], count=count, where=(q, terms[i], name),
                                total=name in kinds["sum_estimators"])
            if count and np.isfinite(amount[i]):
                primary[i] |= amount[i] < threshold or people[i] - amount[i] < threshold
    in_family = np.zeros(len(frame), dtype=bool)
    for rows in family_of.values():
        in_family[rows] = True
    group_terms = list(dict.fromkeys(terms[i] for i in range(len(frame)) if in_family[i]))
    group_of = {t: g for g, t in enumerate(group_terms)}
    group_primary = np.zeros(len(group_terms), dtype=bool)
    for i in np.flatnonzero(in_family):
        group_primary[group_of[terms[i]]] |= primary[i]
    cells = _Cells()
    for part, ((_, name), rows) in enumerate(family_of.items()):
        _add_family(cells, part, rows, terms, amount, people, group_of, threshold,
                    count=name in kinds["proportion_estimators"])
    suppressed_groups = _protect(cells, group_primary)
    hidden_terms = {t for t, s in zip(group_terms, suppressed_groups, strict=True) if s}
    suppressed = primary.copy()
    for i in range(len(frame)):
        if in_family[i]:
            suppressed[i] = suppressed_groups[group_of[terms[i]]]
        elif frame["estimator"][i] in kinds["dependent_estimators"]:
            suppressed[i] |= terms[i] in hidden_terms
        elif frame["estimator"][i] in kinds["contrast_estimators"] and hidden_terms:
            mine = _parse_term(terms[i])
            suppressed[i] |= mine is None or any(
                h is None or mine <= h for h in map(_parse_term, hidden_terms))
    out = frame.copy()
    for column in (*_NUMBERS, "n"):
        if column in out.columns:
            if column == "n":
                out[column] = pd.array(out[column], dtype="Int64")
                out.loc[suppressed, column] = pd.NA
            else:
                out[column] = out[column].astype(float).where(~suppressed)
    out["suppressed"] = suppressed
    out["suppression"] = pd.Series(np.where(primary, "primary", np.where(
        suppressed, "secondary", None)), dtype=object)
    return out


def _amount(estimate: float, people: float, *, count: bool, where: tuple,
            total: bool = False) -> float:
    """x = estimate * n (a count when ``count``; the estimate itself when ``total``), 0
    over nobody, NaN when unknown."""
    if not np.isfinite(estimate):
        return 0.0 if people == 0 else math.nan
    if not np.isfinite(people):
        return math.nan
    value = estimate if total else estimate * people
    if count:
        whole = round(value)
        if abs(value - whole) > 1e-6 * max(1.0, people) or not 0 <= whole <= people:
            q, term, name = where
            raise ValueError(f"suppress_results: question {q!r}, term {term!r}, estimator "
                             f"{name!r}: estimate x n = {value:.6g} is not a count between 0 "
                             "and n; list only events/n estimators in proportion_estimators")
        return float(whole)
    return float(value)


def _parse_term(term: str) -> frozenset[tuple[str, str]] | None:
    """``overall`` -> {}, ``a=x:b=y`` -> {(a, x), (b, y)}, ``a:x`` -> {(a, x)}; else None."""
    if term == "overall":
        return frozenset()
    if "=" not in term and term.count(":") == 1:
        term = term.replace(":", "=")
    pairs = [p.partition("=") for p in term.split(":")]
    if any(not k or not sep or not v or "=" in v or re.search(r"\s", k + v)
           for k, sep, v in pairs):
        return None
    keys = [k for k, _, _ in pairs]
    return frozenset((k, v) for k, _, v in pairs) if len(set(keys)) == len(keys) else None


def _add_family(cells: _Cells, part: int, rows: list[int], terms: list[str],
                amount: np.ndarray, people: np.ndarray, group_of: dict[str, int],
                threshold: int, *, count: bool) -> None:
    """Cells (amount and people per term) and the sums between terms of one family."""
    parsed = {i: _parse_term(terms[i]) for i in rows}
    by_pairs = {p: i for i, p in parsed.items() if p is not None}
    children: dict[int, dict[str, list[int]]] = {}
    for i, p in parsed.items():
        if p is None:
            continue
        for parent in (p - {pair} for pair in p):
            if parent in by_pairs:
                key = next(iter(p - parent))[0]
                children.setdefault(by_pairs[parent], {}).setdefault(key, []).append(i)
    x_cell, n_cell = {}, {}
    for i in rows:
        group = group_of[terms[i]]
        rank = int(i in children)
        if np.isfinite(amount[i]):
            x_cell[i] = cells.add(amount[i], group=group, part=part, integer=count, rank=rank)
        else:  # not shown by anyone: a hidden number that must stay hidden
            x_cell[i] = cells.add(math.nan, group=-1, part=part, integer=count, guard=True)
        n_cell[i] = cells.add(people[i], group=group, part=part, rank=rank)
        if count:
            cells.pairs.append((x_cell[i], n_cell[i]))
    for parent, by_key in children.items():
        for members in by_key.values():
            _add_sums(cells, part, x_cell[parent], [x_cell[m] for m in members],
                      n_cell[parent], [n_cell[m] for m in members], threshold, count=count)


def _add_sums(cells: _Cells, part: int, x_total: int, x_parts: list[int], n_total: int,
              n_parts: list[int], threshold: int, *, count: bool) -> None:
    """people(parent) = sum of people(children) + remainder, and likewise the amounts.

    The remainder (people in the parent but in no child shown) is a latent cell that
    must stay hidden when small; sums that cannot hold (a negative remainder, a count
    above its people) mean the children are no partition, and are left out.
    """
    values = np.asarray(cells.values)
    rest_n = values[n_total] - values[n_parts].sum()
    rest_x = values[x_total] - values[x_parts].sum()
    if rest_n < 0:
        return
    unknown = not (np.isfinite(rest_n) and np.isfinite(rest_x))
    x_holds = unknown or (0 <= rest_x <= rest_n if count else rest_n > 0 or abs(rest_x)
                          <= 1e-9 * max(1.0, abs(values[x_total])))
    if rest_n == 0:  # then the amounts add up exactly too, or are no sum at all
        if x_holds:
            cells.equations.append((x_total, tuple(x_parts)))
        cells.equations.append((n_total, tuple(n_parts)))
        return
    small = unknown or rest_n < threshold or bool(
        count and x_holds and min(rest_x, rest_n - rest_x) < threshold)
    if x_holds:
        x_rest = cells.add(rest_x, group=-1, part=part, integer=count, guard=small)
        cells.equations.append((x_total, (*x_parts, x_rest)))
    n_rest = cells.add(rest_n, group=-1, part=part, guard=small)
    cells.equations.append((n_total, (*n_parts, n_rest)))
    if x_holds and count:
        cells.pairs.append((x_rest, n_rest))


def mark_suppressed(frame: pd.DataFrame, *, marker: str = SUPPRESSED) -> pd.DataFrame:
    """A text copy of a :func:`suppress_results` frame with ``marker`` for hidden numbers.

    Examples
    --------
    >>> out = pd.DataFrame({"term": ["a"], "estimate": [float("nan")],
    ...                     "n": pd.array([None], dtype="Int64"), "suppressed": [True]})
    >>> mark_suppressed(out)["estimate"].tolist()
    ['suppressed']
    """
    if "suppressed" not in frame.columns:
        raise ValueError("mark_suppressed: frame has no 'suppressed' column; pass the "
                         "output of suppress_results")
    out = frame.astype(object)
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    for column in (*_NUMBERS, "n"):
        if column in out.columns:
            out.loc[hidden, column] = marker
    return out


# --- the guard against identifiers and row-level data ----------------------------------

_ID_WORDS = frozenset({"id", "ids", "bsn", "sofinummer", "burgerservicenummer", "naam",
                       "name", "names", "voornaam", "achternaam", "surname", "firstname",
                       "lastname", "initials", "address", "adres", "straat", "street",
                       "postcode", "zipcode", "email", "mail", "phone", "telefoon", "iban",
                       "birthdate", "geboortedatum", "klantnummer", "clientnummer"})
#: Columns that only row-level (per-person or per-event) data have: identifiers, dates,
#: per-person numbers of the data model and the derived outcomes (``docs/data-model.md``).
ROW_LEVEL_COLUMNS: frozenset[str] = frozenset(
    {c.name for t in TABLES.values() for c in t.columns
     if c.kind in ("id", "date", "integer", "number") and c.name not in ("value", "answer")}
    | {"block_id"}
    | (set(OUTCOME_COLUMNS) - {"band", "instruments", "event", "exit_reason",
                               "regular_work", "lost_to_follow_up", "ladder_up",
                               "durable_placement", "placement_subsidised"}))


def check_publishable(frame: pd.DataFrame, *, name: str = "table",
                      identifiers: Iterable[object] = (), allow: Iterable[str] = ()) -> None:
    """Raise :class:`DisclosureError` when a frame bound for the report could identify people.

    The report calls this before writing any table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (its index levels are checked as columns).
    name : str
        What the table is, for the message.
    identifiers : iterable
        Known identifiers (participant and employer ids): none may appear as a value,
        label or column name.
    allow : iterable of str
        Column names to accept although they look row-level (e.g. an ``age`` column of
        age groups).

    Raises
    ------
    DisclosureError
        Listing every problem: identifier-like column names (``participant_id``,
        ``employer_id``, ``bsn``, names, addresses, ...), columns only row-level data have
        (dates of enrolment or exit, ages, wage values, ... see :data:`ROW_LEVEL_COLUMNS`),
        known identifiers and values passing the BSN 11-test. Values are never echoed.

    Examples
    --------
    >>> check_publishable(pd.DataFrame({"band": ["40-60"], "n": [25]}))
    >>> try:
    ...     check_publishable(pd.DataFrame({"participant_id": ["P0001"]}), name="cells")
    ... except DisclosureError as error:
    ...     print(error)
    cells may not be published: column 'participant_id' looks like an identifier
    """
    allowed = set(allow)
    flat = frame.reset_index() if _has_named_index(frame) else frame.copy()
    flat.columns = [":".join(map(str, c)) if isinstance(c, tuple) else str(c)
                    for c in flat.columns]
    known = {str(v) for v in identifiers}
    names = pd.Series(list(flat.columns), dtype=object)
    secret = names.isin(known).to_numpy() | looks_like_bsn(names)
    problems = []
    for position, column in enumerate(flat.columns):
        label = f"column {position + 1}" if secret[position] else f"column {column!r}"
        words = set(re.split(r"[^a-z0-9]+", column.lower())) | {
            re.sub(r"[^a-z0-9]", "", column.lower())}
        if secret[position]:
            problems.append(f"{label} is named after an identifier")
        elif column in allowed:
            pass
        elif words & _ID_WORDS:
            problems.append(f"{label} looks like an identifier")
        elif column.lower() in ROW_LEVEL_COLUMNS:
            problems.append(f"{label} holds row-level data (one value per person or event)")
        values = flat.iloc[:, position]
        text = values.dropna().astype(str)
        if known and text.isin(known).any():
            problems.append(f"{label} contains a known identifier")
        if (values.dtype == object or pd.api.types.is_string_dtype(values)
                or pd.api.types.is_integer_dtype(values)) and looks_like_bsn(text).any():
            problems.append(f"{label} contains a value that passes the BSN 11-test")
    labels = pd.Series([str(v) for label in frame.index
                        for v in (label if isinstance(label, tuple) else (label,))], dtype=object)
    if (labels.isin(known).to_numpy() | looks_like_bsn(labels)).any():
        problems.append("the row labels contain an identifier")
    if problems:
        raise DisclosureError(f"{name} may not be published: " + "; ".join(problems))


def _has_named_index(frame: pd.DataFrame) -> bool:
    return any(level is not None for level in frame.index.names)
