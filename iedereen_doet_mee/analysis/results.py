"""The result object every analysis returns, and helpers to build its tidy table.

Every estimator reports the same columns (``TIDY_COLUMNS``): ``term, estimate,
std_error, statistic, p_value, conf_low, conf_high, estimator, n``. An estimate that
cannot be computed (a cell without events, a model that does not converge) stays in
the table as a row of missing numbers, and :attr:`AnalysisResult.not_estimable` says
why; the other estimates still answer.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .estimators import estimator_info

__all__ = [
    "TIDY_COLUMNS",
    "AnalysisResult",
    "NotEstimable",
    "not_estimable_row",
    "tidy_row",
    "tidy_table",
]

TIDY_COLUMNS: tuple[str, ...] = ("term", "estimate", "std_error", "statistic", "p_value",
                                 "conf_low", "conf_high", "estimator", "n")
_NUMERIC = ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high")


class NotEstimable(NamedTuple):
    """An estimate that could not be computed, and why."""

    term: str
    estimator: str
    reason: str


def tidy_row(term: str, estimate: float, *, estimator: str, n: int,
             std_error: float = math.nan, statistic: float = math.nan,
             p_value: float = math.nan, conf_low: float = math.nan,
             conf_high: float = math.nan) -> dict[str, Any]:
    """One row of a tidy table.

    Examples
    --------
    >>> tidy_row("overall", 0.25, estimator="proportion", n=100)["estimate"]
    0.25
    """
    return {"term": term, "estimate": float(estimate), "std_error": float(std_error),
            "statistic": float(statistic), "p_value": float(p_value),
            "conf_low": float(conf_low), "conf_high": float(conf_high),
            "estimator": estimator, "n": int(n)}


def not_estimable_row(term: str, *, estimator: str, n: int, reason: str,
                      log: list[NotEstimable]) -> dict[str, Any]:
    """A row of missing numbers, recording ``reason`` in ``log``."""
    log.append(NotEstimable(term, estimator, reason))
    return tidy_row(term, math.nan, estimator=estimator, n=n)


def tidy_table(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A DataFrame with exactly the tidy columns, in order, with fixed dtypes."""
    frame = pd.DataFrame(list(rows), columns=list(TIDY_COLUMNS))
    for column in _NUMERIC:
        frame[column] = frame[column].astype(float)
    frame["n"] = frame["n"].astype(np.int64)
    frame["term"] = frame["term"].astype(object)
    frame["estimator"] = frame["estimator"].astype(object)
    return frame.reset_index(drop=True)


def _copied(value: Any) -> Any:
    return value.copy() if isinstance(value, pd.DataFrame | pd.Series | np.ndarray) else value


@dataclasses.dataclass(frozen=True)
class AnalysisResult:
    """Immutable result of one analysis.

    Attributes
    ----------
    question : str
        Which research question it answers (``"target"``, ``"effects"``, ...).
    title : str
        One line for people.
    table : pandas.DataFrame
        The tidy table (``TIDY_COLUMNS``).
    n : int
        Number of participants the analysis used.
    notes : tuple of str
        Caveats every reader must see (e.g. "non-experimental comparison").
    not_estimable : tuple of NotEstimable
        Estimates that could not be computed, with the reason.
    extras : mapping of str to pandas.DataFrame
        Further tables (curves, matrices) that do not fit the tidy shape.

    Examples
    --------
    >>> result = AnalysisResult("target", "Outflow", tidy_table([tidy_row(
    ...     "overall", 0.2, estimator="proportion_wilson", n=10)]), n=10)
    >>> result
    AnalysisResult(target: Outflow; 1 estimate on n=10)
    """

    question: str
    title: str
    table: pd.DataFrame
    n: int
    notes: tuple[str, ...] = ()
    not_estimable: tuple[NotEstimable, ...] = ()
    extras: Mapping[str, pd.DataFrame] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if tuple(self.table.columns) != TIDY_COLUMNS:
            raise ValueError(f"AnalysisResult.table must have columns {TIDY_COLUMNS}, got "
                             f"{tuple(self.table.columns)}")
        for name in dict.fromkeys(self.table["estimator"].astype(str)):
            estimator_info(name)  # raises UnregisteredEstimatorError for an undeclared name
        # own copies, so that changing the frames given does not change the result
        object.__setattr__(self, "table", self.table.copy())
        object.__setattr__(self, "extras", {k: _copied(v) for k, v in dict(self.extras).items()})

    def __getattribute__(self, name: str) -> Any:
        # the frames come out as copies: editing what a reader got never changes the
        # result (a frozen dataclass alone would let ``result.table.loc[...] = x`` through)
        value = object.__getattribute__(self, name)
        if name == "table":
            return value.copy()
        if name == "extras":
            return MappingProxyType({k: _copied(v) for k, v in value.items()})
        return value

    def to_frame(self) -> pd.DataFrame:
        """The tidy table with a leading ``question`` column (a copy)."""
        frame = self.table.copy()
        frame.insert(0, "question", self.question)
        return frame

    def estimate(self, term: str, estimator: str) -> pd.Series:
        """The row of one term and estimator.

        Raises
        ------
        KeyError
            When there is no such row.
        """
        hits = self.table[(self.table["term"] == term) & (self.table["estimator"] == estimator)]
        if len(hits) != 1:
            raise KeyError(f"no single row for term {term!r} and estimator {estimator!r}")
        return hits.iloc[0]

    def summary(self) -> str:
        """Readable text: title, n, notes, the table and what was not estimable."""
        lines = [f"{self.title} (n={self.n})"]
        lines += [f"Note: {note}" for note in self.notes]
        shown = self.table.copy()
        with pd.option_context("display.width", 200, "display.max_columns", 20,
                               "display.float_format", "{:.4g}".format):
            lines.append(shown.to_string(index=False))
        for item in self.not_estimable:
            lines.append(f"Not estimable: {item.term} ({item.estimator}): {item.reason}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        count = len(self.table)
        return (f"AnalysisResult({self.question}: {self.title}; {count} "
                f"estimate{'s' if count != 1 else ''} on n={self.n})")

    def _repr_html_(self) -> str:
        notes = "".join(f"<p><em>{html.escape(note)}</em></p>" for note in self.notes)
        missing = "".join(f"<li>{html.escape(f'{i.term} ({i.estimator}): {i.reason}')}</li>"
                          for i in self.not_estimable)
        tail = f"<p>Not estimable:</p><ul>{missing}</ul>" if missing else ""
        return (f"<h4>{html.escape(self.title)} (n={self.n})</h4>{notes}"
                + self.table.to_html(index=False, float_format=lambda x: f"{x:.4g}", na_rep="")
                + tail)
