"""Disclosure control of what the figures draw beyond the results table.

Most figures draw the published rows of a result (``parts.as_published``). Some draw
more, from a result's ``extras``: the Kaplan-Meier and cumulative-incidence curves of
``survival`` (with numbers at risk), the curves of the declared outcomes, the
ladder's transition matrix, the outflow per cell beside the effects and the predicted
wage-value paths. :func:`protect_figure_data` replaces those extras by what
a public report may show, so no figure reads unprotected data:

- **Curves.** A step of a survival curve shows how many had the event at that time
  given how many were at risk; a step of one person shows one person. A curve is drawn
  only at the times where at least ``threshold`` events have accumulated since the last
  point drawn (:func:`pool_steps`): the value there is the estimate at that time, the
  single steps between are not shown, and the curve ends at its last such point. Only
  times with at least ``threshold`` people at risk count. A curve with fewer than
  ``threshold`` events at such times is withheld (its legend says "afgeschermd" /
  "withheld"), so a flat curve never shows that nobody of a small group found work.
- **Numbers at risk** under a Kaplan-Meier panel: rounded to a multiple of
  :func:`rounding_base` (5 at the default threshold of 10), and shown as ``<10`` below
  the threshold (:func:`at_risk_text`), so the difference of two numbers never gives the
  exact number of people who left the risk set between them.
- **Ladder transitions** (intake rung x last rung): a row of fewer than ``threshold``
  people is withheld, and so is a cell of fewer than ``threshold`` people, zero
  included; where that would let a reader work out a small number by subtraction (the
  withheld cells of a row together, or the withheld rows together, fewer than
  ``threshold`` people), the smallest shown cell or row is withheld too
  (:func:`withheld_line`). Shown rows state their number of people.
- **Cells beside the effects** (outflow per band and arm): a cell's share is shown only
  when the target question's row of that cell is published (so a secondary suppression
  in the tables is not undone in a figure) and it has at least ``threshold`` people,
  events and non-events; its counts are not passed on.
- **Wage-value paths**: a cell's predicted path is drawn only when its growth row is
  published.

These rules are the figure counterpart of the table rules in ``docs/disclosure.md``
(CBS remote-access output rules; the UK Statistics Authority's guidance on survival
curves asks for the same pooling of steps and rounding of numbers at risk).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["AT_RISK_SHOWN", "POOLED_AT", "WITHHELD_CURVES", "at_risk", "at_risk_text",
           "months_axis", "pool_steps", "protect_figure_data", "rounding_base", "withheld_line"]

#: Key of a result's extras naming, per curve table (``kaplan_meier``, ...), the curves
#: (terms or outcomes) withheld as a whole.
WITHHELD_CURVES = "withheld_curves"
#: Key of the survival extras holding the numbers at risk as published (term, month, text).
AT_RISK_SHOWN = "at_risk_shown"
#: Key of a result's extras holding the threshold its curves were pooled at.
POOLED_AT = "pooled_at"


def months_axis(curves: Iterable[pd.DataFrame]) -> float:
    """Right end of a shared months axis: the longest follow-up of any curve, up to a
    multiple of 6 months (at least 6).

    Examples
    --------
    >>> months_axis([pd.DataFrame({"time_months": [2.0, 13.5]})])
    18.0
    """
    longest = max([float(np.nanmax(c["time_months"], initial=0.0)) for c in curves] + [0.0])
    return float(max(6.0, 6.0 * np.ceil(longest / 6.0 - 1e-9)))


def at_risk(curve: pd.DataFrame, months: Iterable[float]) -> list[int]:
    """Numbers at risk at ``months`` from a Kaplan-Meier curve of
    :func:`~iedereen_doet_mee.analysis.curves.kaplan_meier` (one row per distinct time,
    ``n_risk`` the number whose time is at least that time): everyone still followed
    and without the event just before each month; 0 after the last time.

    Examples
    --------
    >>> curve = pd.DataFrame({"time_months": [1.0, 5.0, 7.0], "n_risk": [10, 6, 2]})
    >>> at_risk(curve, [0, 6, 12])
    [10, 2, 0]
    """
    times = curve["time_months"].to_numpy(dtype=float)
    risk = curve["n_risk"].to_numpy(dtype=np.int64)
    out = []
    for month in months:
        i = int(np.searchsorted(times, float(month), side="left"))
        out.append(int(risk[i]) if i < len(times) else 0)
    return out


def rounding_base(threshold: int) -> int:
    """The base numbers at risk are rounded to: half the threshold, rounded up.

    Examples
    --------
    >>> [rounding_base(t) for t in (1, 3, 10, 11)]
    [1, 2, 5, 6]
    """
    return max(1, math.ceil(threshold / 2))


def at_risk_text(count: int, threshold: int) -> str:
    """A number at risk as a public figure shows it: ``<threshold`` below the threshold,
    else rounded to the nearest multiple of :func:`rounding_base` (halves up).

    Examples
    --------
    >>> [at_risk_text(c, 10) for c in (0, 9, 10, 12, 13, 25)]
    ['<10', '<10', '10', '10', '15', '25']
    """
    if count < threshold:
        return f"<{threshold}"
    base = rounding_base(threshold)
    return str(int(base * math.floor(count / base + 0.5)))


def pool_steps(curve: pd.DataFrame, threshold: int, *, events: str = "n_event"
               ) -> pd.DataFrame:
    """The rows of one curve at which at least ``threshold`` events have accumulated
    since the previous row kept (or since the start).

    Parameters
    ----------
    curve : pandas.DataFrame
        One group's curve, one row per distinct time in time order, with the number of
        events of interest at that time in column ``events``.
    threshold : int
        Least number of events a drawn step may stand for.
    events : str
        The column of event counts.

    Returns
    -------
    pandas.DataFrame
        The kept rows (index kept). Events after the last kept row (fewer than
        ``threshold``) are not shown: the curve ends there.

    Examples
    --------
    >>> curve = pd.DataFrame({"time": [1, 2, 3, 4, 5, 6], "n_event": [4, 0, 7, 3, 9, 2]})
    >>> pool_steps(curve, 10)["time"].tolist()
    [3, 5]
    """
    counts = curve[events].to_numpy(dtype=np.int64)
    keep, since = [], 0
    for position, count in enumerate(counts):
        since += int(count)
        if count > 0 and since >= threshold:
            keep.append(position)
            since = 0
    return curve.iloc[keep]


def withheld_line(counts: np.ndarray, threshold: int) -> np.ndarray:
    """Which counts of a line with a known total to withhold.

    Primary: every count below ``threshold``, zero included. Secondary: while the
    withheld counts add up to fewer than ``threshold`` (so that the total minus the
    shown counts would give a small number, or show that all withheld counts are
    zero), the smallest shown count is withheld too.

    Examples
    --------
    >>> withheld_line(np.array([1, 16, 9, 1, 0, 0]), 10).tolist()
    [True, False, True, True, True, True]
    >>> withheld_line(np.array([0, 3, 21]), 10).tolist()
    [True, True, True]
    >>> withheld_line(np.array([12, 30]), 10).tolist()
    [False, False]
    """
    counts = np.asarray(counts, dtype=np.int64)
    hidden = counts < threshold
    while hidden.any() and not hidden.all() and counts[hidden].sum() < threshold:
        shown = np.flatnonzero(~hidden)
        hidden[shown[np.argmin(counts[shown])]] = True
    return hidden


def _protect_curves(curves: pd.DataFrame, key: str, threshold: int,
                    events: str = "n_event") -> tuple[pd.DataFrame, list[str]]:
    """Pooled curves of every group (column ``key``) and the groups withheld whole.

    Only the times with at least ``threshold`` at risk count (no statistic over fewer
    people); a group with fewer than ``threshold`` events there is withheld.
    """
    kept, withheld = [], []
    for group, curve in curves.groupby(key, sort=False):
        eligible = curve[curve["n_risk"].to_numpy() >= threshold]
        if int(eligible[events].sum()) < threshold:
            withheld.append(str(group))
            continue
        kept.append(pool_steps(eligible, threshold, events=events))
    frame = pd.concat(kept) if kept else curves.iloc[:0]
    return frame, withheld


def _at_risk_shown(km: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Numbers at risk every 6 months per term, as public text (:func:`at_risk_text`)."""
    months = np.arange(0.0, months_axis([km]) + 1e-9, 6.0)
    rows = []
    for term, curve in km.groupby("term", sort=False):
        rows += [{"term": str(term), "month": float(m), "text": at_risk_text(c, threshold)}
                 for m, c in zip(months, at_risk(curve, months), strict=True)]
    return pd.DataFrame(rows, columns=["term", "month", "text"])


def _protect_ladder(extras: dict[str, Any], threshold: int) -> dict[str, Any]:
    """The transition shares with withheld cells and rows missing, and the row counts."""
    matrix = extras.get("transitions")
    if matrix is None or not len(matrix):
        return extras
    counts = matrix.drop(columns="total").to_numpy(dtype=np.int64)
    totals = matrix["total"].to_numpy(dtype=np.int64)
    shares = extras["transition_shares"].to_numpy(dtype=float).copy()
    rows_hidden = withheld_line(totals, threshold)
    for i in range(len(totals)):
        hidden = np.ones(counts.shape[1], dtype=bool) if rows_hidden[i] else \
            withheld_line(counts[i], threshold)
        shares[i, hidden] = np.nan
    published = pd.DataFrame(shares, index=extras["transition_shares"].index,
                             columns=extras["transition_shares"].columns)
    row_n = pd.Series(np.where(rows_hidden, -1, totals), index=published.index,
                      name="row_n")
    # the counts and per-cell matrices are not drawn: they stay out of the published extras
    return {"transition_shares": published,
            "transition_rows": row_n, "withheld_cells": True}


def _withheld_groups(result) -> set[frozenset[str]]:
    """The groups (the values of a term's pairs, e.g. {"40-60", "no"}) of the rows that
    disclosure control withheld in ``result``'s published table (``extras["withheld"]``
    of ``parts.as_published``); a term such as ``growth_per_month[band=a:arm=b]``
    names its group inside the brackets."""
    from ...analysis.terms import term_pairs

    marks = result.extras.get("withheld")
    if marks is None:
        return set()
    groups = set()
    for term in marks.loc[marks["withheld"].astype(bool), "term"].astype(str):
        inner = term[term.index("[") + 1:term.rindex("]")] if "[" in term else term
        pairs = term_pairs(inner) if "=" in inner else {}
        if pairs:
            groups.add(frozenset(pairs.values()))
    return groups


def _protect_cells(cells: pd.DataFrame, withheld: set[frozenset[str]], threshold: int
                   ) -> pd.DataFrame:
    """The share per cell (band, arm) as published: missing where the cell's own row is
    withheld or it has fewer than ``threshold`` people, events or non-events; its
    counts are left out (the figure draws shares)."""
    n, events = cells["n"].to_numpy(dtype=float), cells["events"].to_numpy(dtype=float)
    small = (n < threshold) | (events < threshold) | (n - events < threshold)
    named = np.array([frozenset((str(b), str(a))) in withheld
                      for b, a in zip(cells["band"], cells["arm"], strict=True)], dtype=bool)
    hidden = small | named
    return cells[["band", "arm"]].assign(share=cells["share"].where(~hidden),
                                         withheld=hidden)


def protect_figure_data(analysis, threshold: int | None):
    """The analysis with every figure's extras as a public report may show them.

    ``threshold`` None (an internal report) returns ``analysis`` unchanged. Only the
    extras that figures draw are replaced (see the module docstring); results tables
    are protected elsewhere (``parts.as_published``).

    Examples
    --------
    >>> from iedereen_doet_mee.analysis import analyse_trial
    >>> from iedereen_doet_mee.simulation import simulate_trial
    >>> analysis = analyse_trial(simulate_trial(seed=1), n_draws=50, n_bootstrap=50)
    >>> shown = protect_figure_data(analysis, 10).results["survival"].extras
    >>> bool((shown["kaplan_meier"]["n_risk"] >= 10).all())  # no point over fewer than 10
    True
    >>> shown["at_risk_shown"]["text"].iloc[0]  # everyone at month 0, rounded to 5
    '100'
    >>> "band=40-60:instruments=no" in shown["withheld_curves"]["kaplan_meier"]
    True
    >>> protect_figure_data(analysis, None) is analysis
    True
    """
    if threshold is None:
        return analysis
    results = dict(analysis.results)
    if "survival" in results:
        extras = dict(results["survival"].extras)
        full_km = extras.get("kaplan_meier")
        withheld: dict[str, list[str]] = {}
        for name in ("kaplan_meier", "cumulative_incidence"):
            if name in extras and len(extras[name]):
                extras[name], withheld[name] = _protect_curves(extras[name], "term", threshold)
        if full_km is not None and len(full_km):
            extras[AT_RISK_SHOWN] = _at_risk_shown(full_km, threshold)
        extras[WITHHELD_CURVES], extras[POOLED_AT] = withheld, threshold
        results["survival"] = dataclasses.replace(results["survival"], extras=extras)
    if "outcomes" in results and "curves" in results["outcomes"].extras:
        extras = dict(results["outcomes"].extras)
        if len(extras["curves"]):
            extras["curves"], gone = _protect_curves(extras["curves"], "outcome", threshold)
            extras[WITHHELD_CURVES], extras[POOLED_AT] = {"curves": gone}, threshold
        results["outcomes"] = dataclasses.replace(results["outcomes"], extras=extras)
    if "effects" in results and "cells" in results["effects"].extras:
        # a cell's share is the target question's row of that cell: shown as that row is
        withheld = _withheld_groups(results["target"]) if "target" in results else set()
        extras = {k: v for k, v in results["effects"].extras.items() if k != "propensity"}
        extras["cells"] = _protect_cells(extras["cells"], withheld, threshold)
        results["effects"] = dataclasses.replace(results["effects"], extras=extras)
    if "wage_value" in results and "trajectories" in results["wage_value"].extras:
        # a cell's predicted path is drawn only where its growth row is published
        withheld = _withheld_groups(results["wage_value"])
        paths = results["wage_value"].extras["trajectories"]
        keep = [frozenset((str(b), str(a))) not in withheld
                for b, a in zip(paths["band"], paths["instruments"], strict=True)]
        extras = {**results["wage_value"].extras,
                  "trajectories": paths.loc[keep].drop(columns="participants",
                                                       errors="ignore")}
        results["wage_value"] = dataclasses.replace(results["wage_value"], extras=extras)
    if "ladder" in results:
        results["ladder"] = dataclasses.replace(
            results["ladder"], extras=_protect_ladder(results["ladder"].extras, threshold))
    return dataclasses.replace(analysis, results=results)
