"""Suppression of published frequency tables, rates, percentages and means.

:func:`suppress_linked` protects counts some of which are totals of others (nested
tables), :func:`suppress_table` a 1-D or 2-D table with or without margins, and
:func:`suppress_statistics` statistics by their denominators. Each returns a
:class:`Suppression`; secondary suppression and the audit are in
:mod:`.engine`. Import the public names from
:mod:`iedereen_doet_mee.reporting.disclosure`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .engine import Cells, audit, protect

__all__ = [
    "DEFAULT_THRESHOLD",
    "SUPPRESSED",
    "Suppression",
    "check_threshold",
    "suppress_linked",
    "suppress_statistics",
    "suppress_table",
]

#: The marker of a suppressed number in every text table (JSON writes ``null`` and
#: ``"suppressed": true``). Not "<10": a secondary suppression may hide a large count.
SUPPRESSED = "suppressed"
#: Smallest count (and number of people behind a statistic) that may be shown.
DEFAULT_THRESHOLD = 10


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
    reasons_public : bool
        Whether a table may tell the reader the reasons, writing ``<threshold`` for a
        primary and a word for a secondary suppression: set by :func:`suppress_linked`
        asked ``reasons_public=True`` when no hidden count can be pinned down even by a
        reader who knows that each primary one is below the threshold and each secondary
        one is not.

    Examples
    --------
    >>> result = suppress_table(pd.Series({"a": 4, "b": 30}))
    >>> result.mask.tolist(), result.shown().tolist()
    ([True, False], ['suppressed', 30])
    """

    values: pd.Series | pd.DataFrame
    reason: pd.Series | pd.DataFrame
    threshold: int
    reasons_public: bool = False

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
                    threshold: int = DEFAULT_THRESHOLD,
                    known: Iterable[Hashable] = (),
                    implied: Iterable[Hashable] = (),
                    withheld: Iterable[Hashable] = (),
                    reasons_public: bool = False, prune: bool = False) -> Suppression:
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
    known : iterable of labels, optional
        Counts the reader knows from elsewhere (e.g. the cell sizes a CONSORT diagram
        shows, when protecting a baseline table): they are never suppressed (whatever
        their size; protecting them is the other table's job) and never chosen as a
        complement, but the audit uses them as shown. A count they give (the last
        part of a line whose other members are known) is known too, unless it is below
        the threshold.
    implied : iterable of labels, optional
        Counts this table does not print but whose people a reader can count from it
        through the totals: the rest of a total outside its printed parts, e.g. the
        participants not in a jobless household (all participants minus those in one).
        Never shown and never a complement; below the threshold (zero included) they
        are protected like a printed count: no pattern may let a reader work them out.
        At or above it a reader may work them out, so they cost nothing.
    withheld : iterable of labels, optional
        Counts this table does not print that another table withholds (e.g. a level of
        the baseline table whose people an indicator counts too): whatever their size,
        no pattern may let a reader work them out from this table and the ``known``
        counts. A printed count equal to one of them (a total whose only part it is)
        is then suppressed too.
    reasons_public : bool, default False
        Whether the table would like to show the reasons (``<10`` for a primary, a word
        for a secondary suppression). Those tell the reader that a primary count is at
        most ``threshold - 1`` and a secondary one at least ``threshold``; the audit is
        rerun with that knowledge, and :attr:`Suppression.reasons_public` says whether
        the reasons may be shown (if not, show only the marker). Never at threshold 1,
        where ``<1`` says 0.
    prune : bool, default False
        After the greedy search, show again every complement (the largest first) the
        table is safe without: fewer suppressions, one more audit per complement.

    Returns
    -------
    Suppression
        Of the printed counts: ``counts`` without the ``implied`` and ``withheld`` ones.

    Raises
    ------
    ValueError
        On a count that is not a whole number >= 0, an unknown label, a label given as
        more than one of ``known``, ``implied`` and ``withheld``, a total that does not
        equal the sum of its parts, or a suppressed count that the known counts alone
        pin down.

    Notes
    -----
    Primary: every count below the threshold. Secondary: a line (a total with its parts)
    holding exactly one suppressed count gets a complement, the shown member with the
    smallest count (ties: parts before totals, then position), and so does a line whose
    total is shown and whose suppressed parts (two or more) add up to less than the
    threshold (a reader learns their sum: "not female" from "female" and the total), until
    stable; an ``implied`` count below the threshold and a ``withheld`` one count as
    suppressed ones on those lines. Then an audit asks whether a reader who knows every
    shown count, every sum, and that counts are whole numbers >= 0 can pin a suppressed
    (or protected unprinted) count down (its minimum and maximum by integer programming
    coincide; Fischetti & Salazar 2000, attacker problem); if so the smallest shown count
    on a line through it is suppressed too, and the lines are rechecked. See
    ``docs/disclosure.md``.

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

    A total the reader knows anyway is never the complement:

    >>> cells = pd.Series({"a": 3, "b": 12, "all": 15})
    >>> suppress_linked(cells, totals={"all": ["a", "b"]}, known=["all"]).reason.tolist()
    ['primary', 'secondary', None]

    Two counts below 10 that add up to a known 18 are both 9 once the table says "<10":

    >>> cells = pd.Series({"a": 9, "b": 9, "all": 18})
    >>> suppress_linked(cells, totals={"all": ["a", "b"]}, known=["all"],
    ...                 reasons_public=True).reasons_public
    False

    97 of 100 leave 3 outside; the 3 are not printed but can be worked out, so the 97 is
    withheld (a rest of 60 could be worked out safely and would hide nothing):

    >>> cells = pd.Series({"all": 100, "a": 97, "not a": 3})
    >>> suppress_linked(cells, totals={"all": ["a", "not a"]}, known=["all"],
    ...                 implied=["not a"]).reason.tolist()
    [None, 'secondary']
    """
    threshold = check_threshold(threshold)
    if not counts.index.is_unique:
        raise ValueError("suppress_linked: the labels of counts must be unique")
    values = _whole_counts(counts.to_numpy(), "suppress_linked")
    position = {label: i for i, label in enumerate(counts.index)}
    lines = list(totals.items() if isinstance(totals, Mapping) else (totals or ()))
    is_total = {total for total, _ in lines}
    known, implied, withheld = set(known), set(implied), set(withheld)
    for option, given in (("known", known), ("implied", implied), ("withheld", withheld)):
        stray = sorted(map(str, given - set(position)))
        if stray:
            raise ValueError(f"suppress_linked: {option} label(s) {stray} are not labels of "
                             "counts")
    twice = sorted(map(str, (known & implied) | (known & withheld) | (implied & withheld)))
    if twice:
        raise ValueError(f"suppress_linked: label(s) {twice} are given as more than one of "
                         "known, implied and withheld; give each once")
    known = _known_closure(known, lines, counts, threshold, implied | withheld)
    cells = Cells(threshold=threshold)
    for i, value in enumerate(values):
        label = counts.index[i]
        if label in implied or label in withheld:  # a latent cell: never shown
            cells.add(value, group=-1, part=0, rank=int(label in is_total),
                      guard=label in withheld or value < threshold)
        else:
            cells.add(value, group=i, part=0, rank=int(label in is_total),
                      fixed=label in known)
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
    fixed = np.array(cells.fixed, dtype=bool)
    printed = np.array(cells.group) >= 0
    primary = (values < threshold) & ~fixed & printed
    suppressed = protect(cells, primary, prune=prune) & printed
    reason = np.where(primary, "primary", np.where(suppressed, "secondary", None))
    public = False
    if reasons_public and threshold > 1:
        cells.bounds = {i: (0.0, threshold - 1.0) if primary[i] else (threshold, np.inf)
                        for i in range(len(values)) if suppressed[i]}
        public = audit(cells, list(range(len(values))), suppressed, {}) is None
    return Suppression(counts[printed].copy(),
                       pd.Series(reason[printed], index=counts.index[printed], dtype=object),
                       threshold, public)


def _known_closure(known: set, lines: list[tuple[Hashable, Sequence[Hashable]]],
                   counts: pd.Series, threshold: int, latent: set) -> set:
    """``known`` and every printed count the known ones give: the one count of a line
    that is not known is its total minus its other parts, so hiding it protects nothing
    (it would only lead to more suppression and, with no complement left, a refusal).
    One below the threshold stays unknown: it is primary, and the refusal says so."""
    known = set(known)
    changed = bool(known)
    while changed:
        changed = False
        for total, members in lines:
            rest = [label for label in (total, *members) if label not in known]
            if len(rest) == 1 and rest[0] not in latent and rest[0] in counts.index \
                    and float(counts[rest[0]]) >= threshold:
                known.add(rest[0])
                changed = True
    return known


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
