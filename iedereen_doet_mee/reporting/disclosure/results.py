"""Suppression of the tidy results frame: rows that would show or reveal a small count.

:func:`suppress_results` turns the terms of each question and estimator into a hierarchy
of counts (or sums) and protects it with :mod:`.engine`;
:func:`mark_suppressed` writes the marker into a text copy. Import the public names from
:mod:`iedereen_doet_mee.reporting.disclosure`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ...analysis.terms import parent_term, split_family, term_groups
from .engine import Cells, protect
from .tables import DEFAULT_THRESHOLD, SUPPRESSED, check_threshold

__all__ = ["mark_suppressed", "suppress_results"]

_NUMBERS = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")


def suppress_results(frame: pd.DataFrame, *, proportion_estimators: Iterable[str] = (),
                     mean_estimators: Iterable[str] = (),
                     sum_estimators: Iterable[str] = (),
                     count_estimators: Iterable[str] = (),
                     part_estimators: Iterable[str] = (),
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
    count_estimators : iterable of str
        Estimators whose estimate is the number of people of their term (estimate = n):
        protected over the term hierarchy like the people of a proportion, and a count
        of zero too (a group of nobody is hidden and linked, not left out).
    part_estimators : iterable of str
        Shares of a group (the term without its last pair, whose people are ``n``) in
        one of its parts (the row's term): suppressed when either term is. Both terms
        must be counted by a count estimator of the same question.
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
    included; a row over nobody is hidden but links no term, except a count's); a
    proportion row also
    when x < threshold or n - x < threshold (either count is shown by the estimate and
    n). Terms ``overall`` and ``key=value[:key=value]`` form a hierarchy within each
    question, estimator and family (a leading ``outcome=<name>`` pair: each declared
    outcome counts the same groups of people separately, see
    :func:`~iedereen_doet_mee.analysis.terms.split_family`): a term is the sum of its
    children over one more key, plus an implied remainder when they do not add up, so
    secondary suppression protects x, n and n - x as in :func:`suppress_linked`. A term
    is suppressed in every question and estimator at once (the same people's counts
    appear in several questions). A dependent row is suppressed with its term (a term
    no family counts, such as an arm when the counts are by cell: when a hidden term
    lies below it), a part row with its term or its group's; a contrast row when its
    term or a term below it of its family is suppressed (a term not of the form above:
    when any is). Other rows only follow the n rule.

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
             "count_estimators": set(count_estimators),
             "part_estimators": set(part_estimators),
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
    family_of: dict[tuple[str, str, str], list[int]] = {}
    for i, name in enumerate(frame["estimator"]):
        # a row over nobody is hidden by the n rule and says nothing about anybody, so
        # it does not link its term to the other questions (a question without data
        # would otherwise hide that term everywhere); a count of zero people is a count
        # like any other, and linked
        counted = name in kinds["count_estimators"]
        if people[i] == 0 and not counted:
            continue
        if counted or any(name in kinds[k] for k in ("proportion_estimators",
                                                     "mean_estimators", "sum_estimators")):
            family_of.setdefault((str(question[i]), split_family(terms[i])[0], str(name)),
                                 []).append(i)
    amount = np.full(len(frame), np.nan)
    for (q, _, name), rows in family_of.items():
        count = name in kinds["proportion_estimators"]
        seen = [terms[i] for i in rows]
        if len(set(seen)) != len(seen):
            raise ValueError(f"suppress_results: question {q!r}, estimator {name!r} has a "
                             "term more than once; each term must appear once")
        for i in rows:
            if name in kinds["count_estimators"]:
                if estimate[i] != people[i]:
                    raise ValueError(f"suppress_results: question {q!r}, term {terms[i]!r}, "
                                     f"estimator {name!r}: a count's estimate must equal n")
                amount[i] = people[i]
                continue
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
    cells = Cells()
    for part, ((_, _, name), rows) in enumerate(family_of.items()):
        _add_family(cells, part, rows, terms, amount, people, group_of, threshold,
                    count=name in kinds["proportion_estimators"])
    suppressed_groups = protect(cells, group_primary)
    hidden_terms = {t for t, s in zip(group_terms, suppressed_groups, strict=True) if s}
    counted = {(str(q), terms[i]) for (q, _, name), rows in family_of.items()
               if name in kinds["count_estimators"] for i in rows}
    suppressed = primary.copy()
    for i in range(len(frame)):
        if in_family[i]:
            suppressed[i] = suppressed_groups[group_of[terms[i]]]
        elif frame["estimator"][i] in kinds["dependent_estimators"]:
            suppressed[i] |= terms[i] in hidden_terms or (
                terms[i] not in group_of and _covers_hidden(terms[i], hidden_terms))
        elif frame["estimator"][i] in kinds["part_estimators"]:
            whole = parent_term(terms[i])
            if not {(str(question[i]), terms[i]), (str(question[i]), whole)} <= counted:
                raise ValueError(f"suppress_results: question {question[i]!r}, term "
                                 f"{terms[i]!r}: a part's term and its group {whole!r} must "
                                 "both be counted by a count estimator of the question")
            suppressed[i] |= terms[i] in hidden_terms or whole in hidden_terms
        elif frame["estimator"][i] in kinds["contrast_estimators"] and hidden_terms:
            # only hidden groups of the same family (outcome) bear on a contrast
            family = split_family(terms[i])[0]
            same = [term_groups(h) for h in hidden_terms if split_family(h)[0] == family]
            mine = term_groups(terms[i])
            suppressed[i] |= bool(same) and (mine is None or any(
                h is None or mine <= h for h in same))
    suppressed |= _reveal_lost(frame, people, threshold)
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


def _covers_hidden(term: str, hidden_terms: set[str]) -> bool:
    """Whether a group that no counted family holds (an arm, when the counts are by cell)
    contains a hidden group of the same family: its dependent statistic (a cumulative
    incidence times its n is about its count of events) would add the sum of those hidden
    counts, which the protection of the hierarchy did not weigh, so it is hidden too."""
    mine = term_groups(term)
    if mine is None:
        return False
    family = split_family(term)[0]
    return any(split_family(h)[0] == family and (groups := term_groups(h)) is not None
               and mine <= groups for h in hidden_terms)


#: The missing-data bounds of one term: everyone counted (the first), and the rows that
#: show how many were lost to follow-up: the complete cases' n is everyone minus the
#: lost, and the bound with the lost as successes lies the lost share above the bound
#: with them as failures (contrasts of the same rows likewise).
_EVERYONE = "share_lost_as_failures"
_SHOWS_LOST = ("share_lost_as_successes", "share_complete_cases",
               "risk_difference_lost_favourable_to_instruments",
               "risk_difference_complete_cases")


def _reveal_lost(frame: pd.DataFrame, people: np.ndarray, threshold: int) -> np.ndarray:
    """Rows that would show a number lost to follow-up below ``threshold`` (zero
    included): the bounds other than "lost as failures" of a term whose lost count is
    small. Hiding rows after protection never lets a reader derive more."""
    names = frame["estimator"].astype(str)
    question = frame["question"].astype(str) if "question" in frame.columns else \
        pd.Series("", index=frame.index)
    hide = np.zeros(len(frame), dtype=bool)
    for rows in frame.groupby([question, frame["term"].astype(str)]).groups.values():
        rows = list(rows)
        everyone = [i for i in rows if names[i] == _EVERYONE]
        complete = [i for i in rows if names[i] == "share_complete_cases"]
        if not everyone or not complete:
            continue
        lost = people[everyone[0]] - people[complete[0]]
        if not np.isfinite(lost) or lost < threshold:
            hide[[i for i in rows if names[i].startswith(_SHOWS_LOST)]] = True
    return hide


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


def _add_family(cells: Cells, part: int, rows: list[int], terms: list[str],
                amount: np.ndarray, people: np.ndarray, group_of: dict[str, int],
                threshold: int, *, count: bool) -> None:
    """Cells (amount and people per term) and the sums between terms of one family."""
    parsed = {i: term_groups(terms[i]) for i in rows}
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


def _add_sums(cells: Cells, part: int, x_total: int, x_parts: list[int], n_total: int,
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
