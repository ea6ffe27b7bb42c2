"""Collecting validation problems and reporting them.

Each problem names the file, the row (as a spreadsheet shows it: header row 1), the
column, the rule broken, a severity and a message. Errors make a directory invalid;
warnings point at something worth a look that does not stop the analysis.
"""

from __future__ import annotations

import dataclasses
import html
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["PROBLEM_COLUMNS", "ProblemLog", "ValidationReport"]

Severity = Literal["error", "warning"]
PROBLEM_COLUMNS = ("file", "row", "column", "rule", "severity", "message")


class ProblemLog:
    """Mutable collector used while validating; frozen into a :class:`ValidationReport`."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []
        self._singles: list[tuple[object, ...]] = []

    def add(self, file: str, row: int | None, column: str | None, rule: str, message: str,
            *, severity: Severity = "error") -> None:
        """Record one problem."""
        self._singles.append((file, row, column, rule, severity, message))

    def add_rows(self, file: str, rows: np.ndarray, column: str | None, rule: str,
                 messages: str | Iterable[str], *, severity: Severity = "error") -> None:
        """Record the same rule broken on many rows at once (vectorised)."""
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        if isinstance(messages, str):
            messages = [messages] * rows.size
        self._parts.append(pd.DataFrame({
            "file": file, "row": rows.astype(np.int64), "column": column, "rule": rule,
            "severity": severity, "message": list(messages),
        }))

    def has_rule(self, rule: str, file_stem: str | None = None) -> bool:
        """Whether a problem with ``rule`` (optionally in a file of that stem) was logged."""
        frame = self.frame()
        hits = frame["rule"] == rule
        if file_stem is not None:
            hits &= frame["file"].map(lambda f: Path(f).stem == file_stem).astype(bool)
        return bool(hits.any())

    def has_errors_in(self, file: str) -> bool:
        """Whether any error was logged for ``file``."""
        frame = self.frame()
        return bool(((frame["file"] == file) & (frame["severity"] == "error")).any())

    def frame(self) -> pd.DataFrame:
        """All problems so far as a table sorted by file, row and column."""
        parts = list(self._parts)
        if self._singles:
            parts.append(pd.DataFrame(self._singles, columns=list(PROBLEM_COLUMNS)))
        if not parts:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in PROBLEM_COLUMNS})
        frame = pd.concat(parts, ignore_index=True)
        frame["row"] = frame["row"].astype("Int64")
        frame = frame.sort_values(["file", "row", "column", "rule"], na_position="first",
                                  kind="stable")
        return frame.reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class ValidationReport:
    """Outcome of validating a trial directory.

    Attributes
    ----------
    directory : pathlib.Path
        The directory validated.
    problems : pandas.DataFrame
        One row per problem with columns ``file, row, column, rule, severity,
        message``.
    files : tuple of str
        Table files that were read.
    design_source : str
        Where the design came from (``design.toml``, a given file, or the default).
    """

    directory: Path
    problems: pd.DataFrame
    files: tuple[str, ...]
    design_source: str

    @property
    def errors(self) -> pd.DataFrame:
        """The problems of severity ``error``."""
        return self.problems[self.problems["severity"] == "error"].reset_index(drop=True)

    @property
    def warnings(self) -> pd.DataFrame:
        """The problems of severity ``warning``."""
        return self.problems[self.problems["severity"] == "warning"].reset_index(drop=True)

    @property
    def is_valid(self) -> bool:
        """True when no error was found (warnings allowed)."""
        return bool((self.problems["severity"] != "error").all())

    def to_frame(self) -> pd.DataFrame:
        """A copy of the problem table."""
        return self.problems.copy()

    def summary(self, max_per_rule: int | None = 20) -> str:
        """Readable text: a header line, then one line per problem.

        Parameters
        ----------
        max_per_rule : int or None
            Show at most this many problems per file, column and rule, then one line
            saying how many more there are; ``None`` shows all.
        """
        n_err, n_warn = len(self.errors), len(self.warnings)
        verdict = "valid" if self.is_valid else "INVALID"
        lines = [
            f"{self.directory}: {verdict} - {n_err} error(s), {n_warn} warning(s); "
            f"files read: {', '.join(self.files) or 'none'}; design: {self.design_source}"
        ]
        records = list(self.problems.itertuples(index=False))
        sizes = Counter((r.file, _key(r.column), r.rule) for r in records)
        shown: dict[tuple[object, ...], int] = {}
        for record in records:
            key = (record.file, _key(record.column), record.rule)
            count = shown.get(key, 0)
            shown[key] = count + 1
            if max_per_rule is not None and count >= max_per_rule:
                if count == max_per_rule:
                    more = sizes[key] - max_per_rule
                    lines.append(f"  ... and {more} more row(s) of {record.file} breaking "
                                 f"{record.rule!r} in column {record.column!r}")
                continue
            lines.append("  " + _format(record))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (f"ValidationReport({str(self.directory)!r}: "
                f"{'valid' if self.is_valid else 'invalid'}, {len(self.errors)} errors, "
                f"{len(self.warnings)} warnings)")

    def _repr_html_(self) -> str:
        head = html.escape(self.summary(max_per_rule=0).splitlines()[0])
        return f"<p>{head}</p>" + self.problems.to_html(index=False, na_rep="")


def _key(column: object) -> object:
    """Grouping key of a column name; every kind of missing counts as the same."""
    return None if column is None or pd.isna(column) else column


def _format(record: object) -> str:
    where = [str(record.file)]  # type: ignore[attr-defined]
    if not pd.isna(record.row):  # type: ignore[attr-defined]
        where.append(f"row {record.row}")  # type: ignore[attr-defined]
    if record.column is not None and not pd.isna(record.column):  # type: ignore[attr-defined]
        where.append(f"column {record.column!r}")  # type: ignore[attr-defined]
    return (f"{record.severity.upper()} {', '.join(where)}: "  # type: ignore[attr-defined]
            f"[{record.rule}] {record.message}")  # type: ignore[attr-defined]
