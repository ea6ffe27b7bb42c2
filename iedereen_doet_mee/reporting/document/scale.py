"""Means of a bounded answer scale (the employer survey, answers 1 to ``likert_points``).

A t interval assumes an unbounded outcome; with a handful of answers it runs past the
ends of the scale (a mean of 3,75 over four answers on a 1-5 scale: 1,36 to 6,14). The
report does not cut such an interval off: :func:`scale_note` says under the table which
rows run past the scale's ends and why. With one answer (or answers that are all equal)
there is no interval: the table's cell says so (:func:`no_interval`, :data:`MEAN`) and
the note names those rows too.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from ...analysis.employers import MEAN
from .texts import Language, text

__all__ = ["MEAN", "beyond_scale", "no_interval", "row_names", "scale_note"]


def _shown_mean(row: pd.Series) -> bool:
    """A published mean of the scale with a finite estimate."""
    return str(row["estimator"]) == MEAN and not bool(row.get("suppressed", False)) \
        and math.isfinite(float(row["estimate"]))


def beyond_scale(row: pd.Series, points: int | None) -> bool:
    """Whether a published mean's interval runs past the scale 1..``points`` (False
    without a scale or an interval).

    Examples
    --------
    >>> row = pd.Series({"estimator": MEAN, "estimate": 3.75, "conf_low": 1.363,
    ...                  "conf_high": 6.137, "n": 4, "suppressed": False})
    >>> beyond_scale(row, 5), beyond_scale(row, 7), beyond_scale(row, None)
    (True, False, False)
    """
    if points is None or not _shown_mean(row):
        return False
    low, high = float(row["conf_low"]), float(row["conf_high"])
    return math.isfinite(low) and math.isfinite(high) and (low < 1 or high > points)


def no_interval(row: pd.Series) -> str | None:
    """Why a published mean has no interval: ``"one"`` (a single answer) or ``"equal"``
    (every answer the same); None when it has one (or is not a published mean).

    Examples
    --------
    >>> no_interval(pd.Series({"estimator": MEAN, "estimate": 3.6, "conf_low": None,
    ...                        "conf_high": None, "n": 1, "suppressed": False}))
    'one'
    """
    if not _shown_mean(row) or not pd.isna(row["conf_low"]):
        return None
    return "one" if not pd.isna(row["n"]) and int(row["n"]) <= 1 else "equal"


def row_names(rows: list[pd.Series], lang: Language, term: Callable[[str], str]) -> str:
    """The rows as the table shows them: their record IDs, else their terms in words
    ('a', 'b' en 'c')."""
    names = [str(r["id"]) if not pd.isna(r.get("id", None)) else f"'{term(str(r['term']))}'"
             for r in rows]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {'en' if lang == 'nl' else 'and'} {names[-1]}"


def scale_note(records: pd.DataFrame, lang: Language, points: int | None,
               term: Callable[[str], str] = str) -> str | None:
    """The lines under the employers' table on its means: which intervals run past the
    ends of the scale 1..``points`` and why, which means have no interval and why; None
    when there is nothing to say. ``term`` turns a term into the words of the table
    (used when the records have no IDs)."""
    part = [row for _, row in records[records["question"] == "employers"].iterrows()]
    beyond = [row for row in part if beyond_scale(row, points)]
    lines = []
    if beyond:
        most = max(int(row["n"]) for row in beyond)
        lines.append(text("scale_beyond", lang, rows=row_names(beyond, lang, term),
                          points=points, n=most))
    for why in ("one", "equal"):
        rows = [row for row in part if no_interval(row) == why]
        if rows:
            key = "scale_one_answer" if why == "one" else "scale_equal_answers"
            lines.append(text(key, lang, rows=row_names(rows, lang, term)))
    return " ".join(lines) or None
